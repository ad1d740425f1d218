"""The annual open plan (年度开放计划, CD-PD Art. 33).

The bureau records, per year and entity, the datasets the entity plans to
open and by when; high-value data is flagged and listed first. A plan item
names its dataset by a directory entry (``entry_id``), by a record deposited
here (``record``: its entry is looked up), or, when it is not catalogued yet,
by a free title. Progress compares the plan with the live open directory: an
item is done when its entry is in the open directory now.
"""

from invenio_db import db
from invenio_rdm_records.records.api import RDMRecord
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..kernel.i18n import _, bilingual, lazy_bilingual, lazy_error
from ..kernel.labels import TERM_VOCABULARIES
from ..kernel.time import today
from .catalogue import bilingual_errors, invalid, vocabulary_term
from .errors import DirectoryError
from .models import DirectoryEntry, OpenPlanItem
from .store import deposited_entry_id

REQUIRED = {"required": lazy_error(_("Required.")), "null": lazy_error(_("Required."))}
"""Bilingual marshmallow messages of a required field."""

ENTITIES = TERM_VOCABULARIES["providing_entity"]
"""The vocabulary of the entities a plan is kept for."""


class PlanItemSchema(Schema):
    """A plan item as the bureau submits it."""

    class Meta:
        """Unknown keys are refused."""

        unknown = RAISE

    year = fields.Integer(required=True, strict=True,
                          validate=validate.Range(min=2000, max=2100,
                                                  error=lazy_bilingual(
                                                      _("Year must be 2000-2100."))),
                          error_messages={**REQUIRED,
                                          "invalid": lazy_error(_("Must be a year."))})
    entity = fields.String(required=True, validate=validate.Length(min=1, max=128),
                           error_messages=REQUIRED)
    entry_id = fields.String(validate=validate.Length(max=64), allow_none=True)
    record = fields.String(validate=validate.Length(max=64), allow_none=True)
    title = fields.String(validate=validate.Length(max=500), load_default="")
    planned_date = fields.Date(required=True, error_messages={
        **REQUIRED, "invalid": lazy_error(_("Must be a date YYYY-MM-DD."))})
    high_value = fields.Boolean(load_default=False, error_messages={
        "invalid": lazy_error(_("Must be true or false."))})
    note = fields.String(validate=validate.Length(max=4000), load_default="")

    @validates_schema
    def _dataset(self, data, **kwargs):
        """The dataset is named: an entry, a record or a title."""
        if not (data.get("entry_id") or data.get("record") or (data.get("title") or "").strip()):
            raise ValidationError(bilingual(_("Name the dataset: a directory entry, a record "
                                              "or a title.")), "title")
        if data.get("planned_date") and data.get("year") and \
                data["planned_date"].year != data["year"]:
            raise ValidationError(bilingual(_("The planned date must be in the plan's year.")),
                                  "planned_date")


def _entry_of_record(recid):
    """The entry id of the dataset of record ``recid``, or None."""
    try:
        record = RDMRecord.pid.resolve(recid)
    except Exception:  # noqa: BLE001  (unknown or unpublished record)
        return None
    return deposited_entry_id(record.parent.pid.pid_value)


def _load(payload):
    """A validated plan item dict; a 400 :class:`DirectoryError` when the input is bad.

    A title is taken from the named entry only when that entry is in the open
    directory: the plan is public, and the metadata of data not opened is
    for authorised roles only (CD-TD Art. 18, 24).
    """
    if not isinstance(payload, dict):
        raise invalid([{"field": "_schema", "messages": [bilingual(_("Must be a JSON object."))]}])
    try:
        data = PlanItemSchema().load(payload)
    except ValidationError as exc:
        raise invalid(bilingual_errors(exc.messages))
    errors = []
    if vocabulary_term(ENTITIES, data["entity"]) is None:
        errors.append({"field": "entity", "messages": [
            bilingual(_("“%(entity)s” is not in the vocabulary %(vocabulary)s.",
                        vocabulary=ENTITIES, entity=data["entity"]))]})
    record = data.pop("record", None)
    if record:
        entry_id = _entry_of_record(record)
        if entry_id is None:
            errors.append({"field": "record", "messages": [
                bilingual(_("No published record %(record)s.", record=record))]})
        data["entry_id"] = entry_id
    if data.get("entry_id") and not errors:
        row = DirectoryEntry.query.filter_by(entry_id=data["entry_id"]).one_or_none()
        if row is None:
            errors.append({"field": "entry_id", "messages": [
                bilingual(_("No directory entry %(entry_id)s.", entry_id=data["entry_id"]))]})
        elif not data.get("title") and row.in_open and not row.withdrawn:
            data["title"] = (row.data or {}).get("title_zh", "")
    if errors:
        raise invalid(errors)
    return data


def create_item(payload, user_id):
    """Add a plan item; returns it."""
    data = _load(payload)
    item = OpenPlanItem(**data, updated_by=str(user_id))
    db.session.add(item)
    db.session.flush()
    return item


def get_item(item_id):
    """The plan item ``item_id``, or a bilingual 404."""
    item = db.session.get(OpenPlanItem, item_id)
    if item is None:
        raise DirectoryError(404, _("There is no plan item %(id)s.", id=item_id))
    return item


def update_item(item_id, payload, user_id):
    """Replace a plan item's fields; returns it."""
    item = get_item(item_id)
    data = _load(payload)
    for key in ("year", "entity", "entry_id", "title", "planned_date", "high_value", "note"):
        setattr(item, key, data.get(key))
    item.updated_by = str(user_id)
    db.session.flush()
    return item


def delete_item(item_id):
    """Remove a plan item."""
    db.session.delete(get_item(item_id))
    db.session.flush()


def item_dict(item, opened=None, title=None):
    """The API body of a plan item (``title``: the title shown, default the item's own)."""
    entity = vocabulary_term(ENTITIES, item.entity) or {"id": item.entity, "zh": item.entity,
                                                          "en": item.entity}
    return {"id": item.id, "year": item.year, "entity": entity, "entry_id": item.entry_id,
            "title": item.title if title is None else title,
            "planned_date": item.planned_date.isoformat(),
            "high_value": item.high_value, "note": item.note,
            **({"opened": opened} if opened is not None else {})}


def public_title(item, hidden):
    """The item's title, unless it is the title of an entry not in the open directory.

    ``hidden`` maps the ids of entries not open to their titles: those are
    for authorised roles only (CD-TD Art. 18, 24), the public plan shows none.
    """
    if item.entry_id in hidden and item.title in hidden[item.entry_id]:
        return ""
    return item.title


def progress(year, on=None):
    """The plan of ``year`` with progress per entity (CD-PD Art. 33).

    ``{"year", "items": [...], "entities": [{"entity", "planned", "opened",
    "high_value_planned", "high_value_opened", "late"}], "totals": {...}}``;
    an item is ``opened`` when its entry is in the open directory now, and
    ``late`` when its planned date is past and it is not opened.
    """
    on = on or today()
    items = (OpenPlanItem.query.filter_by(year=year)
             .order_by(OpenPlanItem.entity, OpenPlanItem.high_value.desc(),
                       OpenPlanItem.planned_date, OpenPlanItem.id).all())
    ids = [i.entry_id for i in items if i.entry_id]
    open_ids, hidden = set(), {}
    if ids:
        for entry_id, data, in_open, withdrawn in db.session.query(
                DirectoryEntry.entry_id, DirectoryEntry.data, DirectoryEntry.in_open,
                DirectoryEntry.withdrawn).filter(DirectoryEntry.entry_id.in_(ids)):
            if in_open and not withdrawn:
                open_ids.add(entry_id)
            else:
                hidden[entry_id] = {(data or {}).get(k) for k in ("title_zh", "title_en")} - {""}
    per_entity = {}
    rows = []
    for item in items:
        opened = item.entry_id in open_ids
        late = not opened and item.planned_date < on
        doc = {**item_dict(item, opened, public_title(item, hidden)), "late": late}
        rows.append(doc)
        stats = per_entity.setdefault(item.entity, {
            "entity": doc["entity"], "planned": 0, "opened": 0, "high_value_planned": 0,
            "high_value_opened": 0, "late": 0})
        stats["planned"] += 1
        stats["opened"] += int(opened)
        stats["high_value_planned"] += int(item.high_value)
        stats["high_value_opened"] += int(item.high_value and opened)
        stats["late"] += int(late)
    entities = list(per_entity.values())
    totals = {k: sum(e[k] for e in entities)
              for k in ("planned", "opened", "high_value_planned", "high_value_opened", "late")}
    return {"year": year, "items": rows, "entities": entities, "totals": totals}
