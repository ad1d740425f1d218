"""The annual open plan (年度开放计划, CD-PD Art. 33).

The bureau records, per year and entity, the datasets the entity plans to
open and by when; high-value data is flagged and listed first. A plan item
names its dataset by a directory entry (``entry_id``), by a record deposited
here (``record``: its entry is looked up), or, when it is not catalogued yet,
by a free title. Progress compares the plan with the live open directory: an
item is done when its entry is in the open directory now.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .catalogue import BilingualError, _errors, _term, invalid
from .models import DirectoryEntry, OpenPlanItem, db

REQUIRED = {"required": "必填 / Required.", "null": "必填 / Required."}


class PlanItemSchema(Schema):
    """A plan item as the bureau submits it."""

    class Meta:
        """Unknown keys are refused."""

        unknown = RAISE

    year = fields.Integer(required=True, strict=True,
                          validate=validate.Range(min=2000, max=2100,
                                                  error="年份须在 2000-2100 之间 / Year must be "
                                                        "2000-2100."),
                          error_messages={**REQUIRED, "invalid": "须为整数年份 / Must be a year."})
    entity = fields.String(required=True, validate=validate.Length(min=1, max=128),
                           error_messages=REQUIRED)
    entry_id = fields.String(validate=validate.Length(max=64), allow_none=True)
    record = fields.String(validate=validate.Length(max=64), allow_none=True)
    title = fields.String(validate=validate.Length(max=500), load_default="")
    planned_date = fields.Date(required=True, error_messages={
        **REQUIRED, "invalid": "须为日期 YYYY-MM-DD / Must be a date YYYY-MM-DD."})
    high_value = fields.Boolean(load_default=False, error_messages={
        "invalid": "须为 true 或 false / Must be true or false."})
    note = fields.String(validate=validate.Length(max=4000), load_default="")

    @validates_schema
    def _dataset(self, data, **kwargs):
        """The dataset is named: an entry, a record or a title."""
        if not (data.get("entry_id") or data.get("record") or (data.get("title") or "").strip()):
            raise ValidationError("须指明数据集：目录条目、记录或名称 / Name the dataset: a "
                                  "directory entry, a record or a title.", "title")
        if data.get("planned_date") and data.get("year") and \
                data["planned_date"].year != data["year"]:
            raise ValidationError("计划日期须在计划年度内 / The planned date must be in the "
                                  "plan's year.", "planned_date")


def _entry_of_record(recid):
    """The entry id of the dataset of record ``recid``, or None."""
    from invenio_rdm_records.records.api import RDMRecord

    try:
        record = RDMRecord.pid.resolve(recid)
    except Exception:  # noqa: BLE001  (unknown or unpublished record)
        return None
    from .store import deposited_entry_id

    return deposited_entry_id(record.parent.pid.pid_value)


def _load(payload):
    """A validated plan item dict; :class:`BilingualError` when the input is bad."""
    if not isinstance(payload, dict):
        raise invalid([{"field": "_schema", "messages": ["须为 JSON 对象 / Must be a JSON object."]}])
    try:
        data = PlanItemSchema().load(payload)
    except ValidationError as exc:
        raise invalid(_errors(exc.messages))
    errors = []
    if _term("td-entities", data["entity"]) is None:
        errors.append({"field": "entity", "messages": [
            f"词表 td-entities 中没有“{data['entity']}” / “{data['entity']}” is not in the "
            "vocabulary td-entities."]})
    record = data.pop("record", None)
    if record:
        entry_id = _entry_of_record(record)
        if entry_id is None:
            errors.append({"field": "record", "messages": [
                f"没有已发布的记录 {record} / No published record {record}."]})
        data["entry_id"] = entry_id
    if data.get("entry_id") and not errors:
        row = DirectoryEntry.query.filter_by(entry_id=data["entry_id"]).one_or_none()
        if row is None:
            errors.append({"field": "entry_id", "messages": [
                f"没有目录条目 {data['entry_id']} / No directory entry {data['entry_id']}."]})
        elif not data.get("title"):
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


def _get(item_id):
    """The plan item ``item_id``, or a bilingual 404."""
    item = db.session.get(OpenPlanItem, item_id)
    if item is None:
        raise BilingualError(404, f"没有计划项 {item_id} / No plan item {item_id}.")
    return item


def update_item(item_id, payload, user_id):
    """Replace a plan item's fields; returns it."""
    item = _get(item_id)
    data = _load(payload)
    for key in ("year", "entity", "entry_id", "title", "planned_date", "high_value", "note"):
        setattr(item, key, data.get(key))
    item.updated_by = str(user_id)
    db.session.flush()
    return item


def delete_item(item_id):
    """Remove a plan item."""
    db.session.delete(_get(item_id))
    db.session.flush()


def item_dict(item, opened=None):
    """The API body of a plan item."""
    entity = _term("td-entities", item.entity) or {"id": item.entity, "zh": item.entity,
                                                      "en": item.entity}
    return {"id": item.id, "year": item.year, "entity": entity, "entry_id": item.entry_id,
            "title": item.title, "planned_date": item.planned_date.isoformat(),
            "high_value": item.high_value, "note": item.note,
            **({"opened": opened} if opened is not None else {})}


def progress(year, on=None):
    """The plan of ``year`` with progress per entity (CD-PD Art. 33).

    ``{"year", "items": [...], "entities": [{"entity", "planned", "opened",
    "high_value_planned", "high_value_opened", "late"}], "totals": {...}}``;
    an item is ``opened`` when its entry is in the open directory now, and
    ``late`` when its planned date is past and it is not opened.
    """
    from ..review.deadlines import today

    on = on or today()
    items = (OpenPlanItem.query.filter_by(year=year)
             .order_by(OpenPlanItem.entity, OpenPlanItem.high_value.desc(),
                       OpenPlanItem.planned_date, OpenPlanItem.id).all())
    ids = [i.entry_id for i in items if i.entry_id]
    open_ids = set()
    if ids:
        open_ids = {r[0] for r in db.session.query(DirectoryEntry.entry_id).filter(
            DirectoryEntry.entry_id.in_(ids), DirectoryEntry.in_open.is_(True),
            DirectoryEntry.withdrawn.is_(False))}
    per_entity = {}
    rows = []
    for item in items:
        opened = item.entry_id in open_ids
        late = not opened and item.planned_date < on
        doc = {**item_dict(item, opened), "late": late}
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
