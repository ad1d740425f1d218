"""Searching and exporting the audit trail (LZ Art. 21, 40): the pages' and export's service.

A thin layer over InvenioRDM's audit-log service (its permission policy is
:class:`techdata.audit.permissions.AuditTrailPermissionPolicy`): filters by
person, entity, object, action and date become one query; rows carry the
action's label and the moment in Beijing time. Nothing here changes an entry.
"""

import csv
import io
from datetime import date, datetime, timezone

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_audit_logs.proxies import current_audit_logs_service
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..kernel.errors import invalid
from ..kernel.i18n import _, bilingual, lazy_bilingual
from ..kernel.time import to_local, zone
from .actions import label

FILTERS = ("person", "entity", "object", "action", "date_from", "date_to")
"""Filters of the audit pages, the REST export and the CSV."""

CSV_COLUMNS = (
    ("time", _("Time (Beijing)")), ("action", _("Action")), ("label", _("What")),
    ("object_type", _("Object type")), ("object", _("Object")), ("user", _("Person")),
    ("roles", _("Roles")), ("entity", _("Entity")), ("ip", _("IP address")),
    ("user_agent", _("User agent")), ("before", _("Before")), ("after", _("After")),
    ("details", _("Details")), ("id", _("Entry")),
)
"""Columns of the CSV export, with their headings."""

TEXT = validate.Length(max=255, error=lazy_bilingual(_("At most 255 characters.")))


class FilterSchema(Schema):
    """The filters, checked (bad input names its field, never a 500)."""

    class Meta:
        """Other query arguments (page, size) are not filters."""

        unknown = EXCLUDE

    person = fields.String(load_default="", validate=TEXT)
    entity = fields.String(load_default="", validate=TEXT)
    object = fields.String(load_default="", validate=TEXT)
    action = fields.String(load_default="", validate=TEXT)
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))


def parse_filters(args):
    """The checked filters of ``args`` (a 400 naming the field otherwise)."""
    try:
        given = dict(args.items()) if hasattr(args, "items") else dict(args)
        # an empty form field is no filter
        data = FilterSchema().load({k: v for k, v in given.items() if v not in ("", None)})
    except ValidationError as err:
        raise invalid(err)
    if data["date_from"] and data["date_to"] and data["date_from"] > data["date_to"]:
        raise invalid(errors=[{"field": "date_to", "messages": [
            bilingual(_("The end date is before the start date."))]}])
    return data


def _phrase(value):
    """``value`` as a quoted query-string phrase."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _day_start(day, end=False):
    """UTC ISO moment of the start (or end) of a Beijing-time ``day``."""
    moment = datetime(day.year, day.month, day.day, 23 if end else 0, 59 if end else 0,
                      59 if end else 0, tzinfo=zone())
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def query(filters):
    """The query string of ``filters``."""
    terms = []
    if filters.get("person"):
        terms.append(f"user.email.keyword:{_phrase(filters['person'].strip().lower())}")
    if filters.get("entity"):
        terms.append(f"metadata.entity:{_phrase(filters['entity'])}")
    if filters.get("object"):
        terms.append(f"resource.id:{_phrase(filters['object'])}")
    if filters.get("action"):
        terms.append(f"action:{_phrase(filters['action'])}")
    if filters.get("date_from") or filters.get("date_to"):
        low = _day_start(filters["date_from"]) if filters.get("date_from") else "*"
        high = _day_start(filters["date_to"], end=True) if filters.get("date_to") else "*"
        terms.append(f"@timestamp:[{low} TO {high}]")
    return " AND ".join(terms)


def _as_dict(value):
    """``value`` as a dict (InvenioRDM's grant entries hold lists: ``{"value": [...]}``)."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if isinstance(value, dict):
        return value
    return {"value": value} if value not in (None, "", [], ()) else {}


def row(hit):
    """A display/export row of a search hit (dumped entry)."""
    meta = hit.get("metadata") or {}
    created = hit.get("created")
    moment = datetime.fromisoformat(created) if isinstance(created, str) else created
    local = to_local(moment)
    return {
        "id": hit.get("id"), "action": hit.get("action"), "label": str(label(hit.get("action"))),
        "time": local.strftime("%Y-%m-%d %H:%M:%S") if local else "",
        "object_type": (hit.get("resource") or {}).get("type", ""),
        "object": (hit.get("resource") or {}).get("id", ""),
        "user": (hit.get("user") or {}).get("email", ""),
        "roles": ", ".join(meta.get("roles") or []), "entity": meta.get("entity", ""),
        "ip": meta.get("ip_address", ""), "user_agent": meta.get("user_agent", ""),
        "before": _as_dict(meta.get("before")), "after": _as_dict(meta.get("after")),
        "details": _as_dict(meta.get("details")),
    }


def search(identity, filters):
    """``(rows, total)`` of one page of the trail matching ``filters``, newest first."""
    size = current_app.config["TECHDATA_AUDIT_PAGE_SIZE"]
    result = current_audit_logs_service.search(identity, params={
        "q": query(filters), "sort": "newest", "size": size, "page": filters.get("page", 1)})
    return [row(hit) for hit in result.hits], result.total


def export_rows(identity, filters):
    """Every row matching ``filters`` (up to ``TECHDATA_AUDIT_EXPORT_MAX``), newest first."""
    most = current_app.config["TECHDATA_AUDIT_EXPORT_MAX"]
    result = current_audit_logs_service.scan(identity, params={"q": query(filters)})
    rows = []
    for hit in result.hits:
        rows.append(row(hit))
        if len(rows) >= most:
            break
    return sorted(rows, key=lambda r: r["time"], reverse=True)


def cell(value):
    """A CSV cell: dicts as compact text; a formula-leading text neutralised."""
    if isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_text(rows):
    """The CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) of ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(heading) for _, heading in CSV_COLUMNS])
    for r in rows:
        writer.writerow([cell(r[key]) for key, _ in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def export_name(today):
    """File name of a CSV export made on ``today``."""
    return f"audit-trail-{today.isoformat() if isinstance(today, date) else today}.csv"


def downloads(recid, size=50):
    """The latest recorded downloads of dataset ``recid`` (for its owner's record page).

    Read with the system identity: the caller (the record page) shows them
    only to the dataset's owner and the audit roles.
    """
    if not recid:
        return []
    result = current_audit_logs_service.search(system_identity, params={
        "q": f"resource.id:{_phrase(recid)} AND action:{_phrase('techdata.file.download')}",
        "sort": "newest", "size": size})
    return [row(hit) for hit in result.hits]
