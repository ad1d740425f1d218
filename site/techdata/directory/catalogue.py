"""Catalogued entries: datasets held elsewhere, listed by their metadata (CD-TD Art. 19).

The bureau (and holders of ``TECHDATA_DIRECTORY_BUREAU_ROLES``) creates,
updates and withdraws them. Nobody marks one open by hand: a catalogued
entry joins the open directory only after a confidentiality reviewer records
a passed review with the checklist of the deposit workflow (CD-TD Art. 24;
``techdata.review.service.CHECKLIST``, its public name), and its opening type is 无条件开放 or
有条件开放. Changing an entry's facts after its review takes it out of the
open directory until it is reviewed again; the person who last compiled the
entry cannot review it.

Input errors are field-level, in Chinese and English, and nothing stored
changes when the input is refused.
"""

import hashlib
import json

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_vocabularies.proxies import current_service as vocabulary_service
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..kernel.errors import field_errors
from ..kernel.i18n import _, bilingual, in_languages, lazy_bilingual, lazy_error
from ..kernel.labels import CLASSIFIED, OPEN_TYPES, TERM_VOCABULARIES
from ..review.service import CHECKLIST, ConfidentialityDecisionSchema
from . import store
from .errors import DirectoryError
from .errors import invalid as invalid_input
from .fields import SOURCE_CATALOGUED
from .models import utcnow

REQUIRED = {"required": lazy_error(_("Required.")), "null": lazy_error(_("Required."))}
"""Bilingual marshmallow messages of a required field."""

TERM_FIELDS = ("category", "responsible_department", "providing_entity", "opening_type",
               "sharing_type", "secrecy", "grade", "update_cycle")
"""Single-term fields of a catalogued entry (vocabularies: ``kernel.labels.TERM_VOCABULARIES``)."""

BilingualError = DirectoryError
"""Former name of the directory's refusal (the kernel's ``DomainError``)."""


def _text(max_len=500, required=False):
    """A text field with a length limit and bilingual messages."""
    return fields.String(
        required=required,
        validate=validate.Length(min=1 if required else 0, max=max_len,
                                 error=lazy_bilingual(_("Length must be {min} to {max}."))),
        error_messages={**REQUIRED, "invalid": lazy_error(_("Must be text."))})


def _strings():
    """A list of short strings."""
    return fields.List(fields.String(validate=validate.Length(max=500)), load_default=list,
                       error_messages={"invalid": lazy_error(_("Must be a list of texts."))})


class TermField(fields.Field):
    """A vocabulary term given as an id or ``{"id": ...}``; loads as the id."""

    default_error_messages = {"invalid": lazy_error(_("Must be a vocabulary id.")), **REQUIRED}

    def _deserialize(self, value, attr, data, **kwargs):
        """The id of the term."""
        if isinstance(value, dict):
            value = value.get("id")
        if not isinstance(value, str) or not value.strip() or len(value) > 128:
            raise self.make_error("invalid")
        return value.strip()


class CataloguedEntrySchema(Schema):
    """A catalogued entry as the bureau submits it (CD-TD Art. 19; LZ Art. 11; QY Art. 8)."""

    class Meta:
        """Unknown keys (``in_open``, ``review``...) are refused."""

        unknown = RAISE

    title_zh = _text(required=True)
    title_en = _text()
    content = _text(20000, required=True)
    category = TermField(required=True)
    responsible_department = TermField(required=True)
    providing_entity = TermField(required=True)
    opening_type = TermField(required=True)
    sharing_type = TermField(allow_none=True)
    secrecy = TermField(allow_none=True)
    grade = TermField(allow_none=True)
    update_cycle = TermField(allow_none=True)
    access_methods = fields.List(TermField(), load_default=list)
    sharing_scope = _text()
    business_name = _text()
    information_system = _text()
    data_items = _strings()
    storage_format = _text()
    sharing_period = _text()
    usage_requirements = _text(20000)
    keywords = _strings()
    doi = _text(255)
    cstr = _text(255)
    landing_page = fields.Url(schemes={"http", "https"}, error_messages={
        "invalid": lazy_bilingual(_("Must be an http(s) URL."))})  # formatted by the URL validator
    download_url = fields.Url(schemes={"http", "https"}, error_messages={
        "invalid": lazy_bilingual(_("Must be an http(s) URL."))})  # formatted by the URL validator
    license = _text(255)
    issued = fields.Date(allow_none=True, error_messages={
        "invalid": lazy_error(_("Must be a date YYYY-MM-DD."))})

    @validates_schema(skip_on_field_errors=False)
    def _classified(self, data, **kwargs):
        """Classified data is never listed on the open platform (CD-TD Art. 14)."""
        if data.get("secrecy") in CLASSIFIED:
            raise ValidationError(
                bilingual(_("Classified data is not catalogued on this platform (CD-TD Art. "
                            "14).")), "secrecy")


def bilingual_errors(messages):
    """marshmallow's nested messages as ``[{"field", "messages"}]``, each message bilingual."""
    return [{"field": e["field"], "messages": [_bilingual(m) for m in e["messages"]]}
            for e in field_errors(messages)]


KNOWN_MESSAGES = {
    "Unknown field.": lazy_bilingual(_("Unknown field.")),
    "Not a valid string.": lazy_bilingual(_("Must be text.")),
    "Not a valid boolean.": lazy_bilingual(_("Must be true or false.")),
    "Not a valid integer.": lazy_bilingual(_("Must be an integer.")),
    "Not a valid list.": lazy_bilingual(_("Must be a list.")),
    "Field may not be null.": lazy_bilingual(_("May not be null.")),
    "Invalid input type.": lazy_bilingual(_("Invalid input type.")),
}
"""marshmallow's English messages, in Chinese and English."""


def _bilingual(message):
    """A validation message in Chinese and English (marshmallow's own ones translated)."""
    message = str(message)
    if " / " in message:
        return message
    if message in KNOWN_MESSAGES:
        return str(KNOWN_MESSAGES[message])
    zh = in_languages(_("Invalid input"))["zh"]
    return f"{zh} / {message}"  # marshmallow's own English message, after the Chinese


def invalid(errors):
    """The 400 of refused input, with its field errors (nothing is stored)."""
    return invalid_input(errors=errors)


def vocabulary_term(vocabulary, id_):
    """The term ``{"id", "zh", "en"}`` of a vocabulary id, or None when it does not exist."""
    try:
        item = vocabulary_service.read(system_identity, (vocabulary, id_)).to_dict()
    except Exception:  # noqa: BLE001  (unknown id or type)
        return None
    title = item.get("title") or {}
    zh = title.get("zh") or title.get("en") or id_
    return {"id": id_, "zh": zh, "en": title.get("en") or zh}


def _unknown_term(field, vocabulary, id_):
    """The field error of an id that its vocabulary does not have."""
    return {"field": field, "messages": [
        bilingual(_("“%(id)s” is not in the vocabulary %(vocabulary)s.",
                    vocabulary=vocabulary, id=id_))]}


def load_entry(payload):
    """The entry dict of a catalogued entry from API input; a 400 :class:`DirectoryError` if bad."""
    if not isinstance(payload, dict):
        raise invalid([{"field": "_schema",
                        "messages": [bilingual(_("Must be a JSON object."))]}])
    try:
        data = CataloguedEntrySchema().load(payload)
    except ValidationError as exc:
        raise invalid(bilingual_errors(exc.messages))
    errors = []
    entry = {}
    for key in TERM_FIELDS:
        id_ = data.pop(key, None)
        if id_ is None:
            entry[key] = None
            continue
        term = vocabulary_term(TERM_VOCABULARIES[key], id_)
        if term is None:
            errors.append(_unknown_term(key, TERM_VOCABULARIES[key], id_))
        entry[key] = term
    methods = []
    vocabulary = TERM_VOCABULARIES["access_methods"]
    for i, id_ in enumerate(data.pop("access_methods", [])):
        term = vocabulary_term(vocabulary, id_)
        if term is None:
            errors.append(_unknown_term(f"access_methods.{i}", vocabulary, id_))
        methods.append(term)
    if errors:
        raise invalid(errors)
    entry["access_methods"] = methods
    issued = data.pop("issued", None)
    entry["issued"] = issued.isoformat() if issued else None
    entry.update(data)
    return entry


def facts_fingerprint(data):
    """SHA-256 over an entry's facts: what a confidentiality review judged."""
    facts = store.facts(store.normalise(data))
    blob = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def no_entry(entry_id):
    """The 404 of an entry id the directory does not have."""
    return DirectoryError(404, _("The directory has no entry %(id)s.", id=str(entry_id)[:64]))


def catalogued_row(entry_id):
    """The live catalogued row ``entry_id``, or a bilingual 404/400."""
    try:
        row = store.get_entry(entry_id)
    except store.EntryNotFound:
        raise no_entry(entry_id)
    if row.source != SOURCE_CATALOGUED:
        raise DirectoryError(400, _("This entry comes from a deposited dataset: change the "
                                    "dataset itself."))
    return row


def create(payload, user_id):
    """Create a catalogued entry; returns its row (not open until reviewed)."""
    entry = load_entry(payload)
    row = store.upsert_entry(entry, SOURCE_CATALOGUED, in_open=False, review_passed=False)
    row.updated_by = str(user_id)
    return row


def update(entry_id, payload, user_id):
    """Replace a catalogued entry's fields; a change of facts needs a new review (CD-TD Art. 24)."""
    row = catalogued_row(entry_id)
    entry = load_entry(payload)
    before = row.changed_at
    row = store.upsert_entry(entry, SOURCE_CATALOGUED, entry_id=row.entry_id)
    if row.changed_at != before:
        row.review_passed = False
        row.in_open = False
    row.updated_by = str(user_id)
    return row


def withdraw(entry_id):
    """Withdraw a catalogued entry from both directories."""
    row = catalogued_row(entry_id)
    return store.withdraw_entry(row.entry_id)


def review(entry_id, payload, user_id):
    """Record a confidentiality review of a catalogued entry (CD-TD Art. 24; CD-PD Art. 40).

    ``payload`` is the deposit workflow's decision: ``{"decision": "pass" |
    "fail", "checklist": {...}, "reasons": "..."}``; passing needs the whole
    checklist. The reviewer may not be who last compiled the entry.
    """
    row = catalogued_row(entry_id)
    try:
        data = ConfidentialityDecisionSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        raise invalid(bilingual_errors(exc.messages))
    if row.updated_by and row.updated_by == str(user_id):
        raise DirectoryError(403, _("Whoever compiled the entry may not review it "
                                    "(CD-TD Art. 24)."))
    passed = data["decision"] == "pass"
    row.review = {
        "decision": data["decision"],
        "checklist": {c: bool(data["checklist"].get(c)) for c in CHECKLIST},
        "reasons": data["reasons"],
        "decided_by": str(user_id),
        "decided_at": utcnow().isoformat(timespec="seconds"),
        "fingerprint": facts_fingerprint(row.data),
    }
    row.review_passed = passed
    row.in_open = bool(passed and row.opening_type in OPEN_TYPES)
    return row


def entry_document(row, audience=None):
    """The API body of an entry: the entry dict plus its directory state."""
    doc = store.entry_dict(row)
    api = current_app.config.get("SITE_API_URL", "").rstrip("/")
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {
        **doc,
        "state": {"in_open": row.in_open, "review_passed": row.review_passed,
                  "withdrawn": row.withdrawn,
                  "changed_at": row.changed_at.isoformat(timespec="seconds"),
                  "last_released_at": row.last_released_at.isoformat(timespec="seconds")
                  if row.last_released_at else None},
        "links": {"self": f"{api}/directories/{audience or 'resource'}/entries/{row.entry_id}",
                  "html": f"{ui}/directory/entries/{row.entry_id}"},
    }


__all__ = ("BilingualError", "CataloguedEntrySchema", "bilingual_errors", "catalogued_row",
           "create", "entry_document", "invalid", "load_entry", "no_entry", "review", "update",
           "vocabulary_term", "withdraw")
