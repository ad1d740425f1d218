"""What every request type from outside shares: the refusal contract and field rules.

One way to refuse (:func:`refuse`: a marshmallow ``ValidationError`` carrying
a bilingual message under a field, which the views answer as InvenioRDM's
400 shape through ``kernel.errors.invalid``), one ``REQUIRED`` message, the
text-length rules, and the published record an application names.
"""

from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_rdm_records.records.api import RDMRecord
from marshmallow import ValidationError, validate

from ..kernel.i18n import _, bilingual, lazy_bilingual, lazy_error
from ..kernel.time import utcnow

REQUIRED = {"required": lazy_error(_("Required."))}
"""The error message of a missing required field (marshmallow ``error_messages``)."""

TEXT = validate.Length(min=2, max=4000, error=lazy_bilingual(_("2-4000 characters.")))
"""A free text of an application (purpose, reasons ...)."""

LONG_TEXT = validate.Length(min=2, max=8000, error=lazy_bilingual(_("2-8000 characters.")))
"""A longer free text (grounds, evidence, a service description ...)."""

SHORT = validate.Length(min=2, max=255, error=lazy_bilingual(_("2-255 characters.")))
"""A name, an organisation, a contact."""

NOT_FOUND = lazy_bilingual(_("No such request."))
"""Message for an unknown request id."""


def refuse(message, field="request"):
    """Refuse with a bilingual message under ``field`` (a 400, never a 500).

    ``message`` is a msgid / lazy string (rendered "中文 / English") or a
    finished bilingual text. The one refusal contract of every request type.
    """
    text = message if isinstance(message, str) and " / " in message else bilingual(message)
    raise ValidationError({field: [text]})


def now_iso():
    """UTC timestamp, ISO 8601, to the second."""
    return utcnow().isoformat(timespec="seconds")


def published_record(recid, field="record"):
    """The published record ``recid`` (a bilingual 400 if there is none)."""
    try:
        return RDMRecord.pid.resolve(str(recid))
    except Exception:  # noqa: BLE001  (unknown, deleted, or not published)
        refuse(_("No such published dataset: %(recid)s", recid=recid), field)


def readable_title(identity, record):
    """The record's title if ``identity`` may read the record, else its id (CD-TD Art. 18, 24).

    Requests store and show only what the applicant already knows: a title of
    a not-opened dataset never reaches someone who may not read the record.
    """
    try:
        allowed = records_service.check_permission(identity, "read", record=record)
    except Exception:  # noqa: BLE001  (an identity without needs reads nothing)
        allowed = False
    if allowed:
        return (record.get("metadata") or {}).get("title", "") or str(record.pid.pid_value)
    return str(record.pid.pid_value)


def json_object(data):
    """``data`` if it is a JSON object, else a bilingual 400."""
    if not isinstance(data, dict):
        refuse(_("A JSON object is required."), "_schema")
    return data


__all__ = ("LONG_TEXT", "NOT_FOUND", "REQUIRED", "SHORT", "TEXT", "json_object", "now_iso",
           "published_record", "readable_title", "refuse")
