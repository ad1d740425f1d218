"""Directory entries of the datasets deposited here (CD-TD Art. 19; LZ Art. 11).

One entry per dataset: the parent record, described by its latest published
version. Its fields come from the ``cdtd:`` custom fields (the directory
fields of the deposit form), the identifiers (DOI, CSTR), the licence and
the dates.

Whether it is in the open directory (CD-TD Art. 24; QY Art. 22): the latest
version is published and not deleted, its metadata is public, its opening
type is 无条件开放 or 有条件开放, and a confidentiality review passed. The
``ConfidentialityGate`` refuses to publish open data without a passed review
of exactly the published content, so a published open record always has
one; the check here is the second lock. A 不予开放 record, or one whose review
did not pass, stays in the resource directory only.
"""

import re

from flask import current_app
from invenio_db import db
from invenio_rdm_records.records.api import RDMRecord
from invenio_rdm_records.records.models import RDMVersionsState

from ..kernel.labels import OPEN_TYPES, TERM_VOCABULARIES, cf_value, labels
from ..review.gate import reviews_of
from . import store
from .fields import SOURCE_DEPOSITED

TERMS = {key: vocabulary for key, vocabulary in TERM_VOCABULARIES.items()
         if key != "access_methods"}
"""Entry key -> vocabulary of the single-term ``cdtd:`` fields of the same name (kernel map)."""

TEXTS = ("sharing_scope", "business_name", "information_system", "storage_format",
         "sharing_period", "usage_requirements")
"""Entry keys copied from the ``cdtd:`` text fields of the same name."""

_TAGS = re.compile(r"<[^>]+>")


def term(value, vocabulary):
    """A vocabulary value as an entry term ``{"id", "zh", "en"}`` (None if empty)."""
    if not isinstance(value, dict) or not value.get("id"):
        return None
    zh, en = labels(value, vocabulary)
    return {"id": value["id"], "zh": zh, "en": en}


def _cf(record, name):
    """The ``cdtd:<name>`` custom field of a record."""
    return cf_value(record, name)


def _date(value):
    """The ISO date part of a date or date-time (string or datetime), or None."""
    if not value:
        return None
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)[:10]


def _licence(metadata):
    """The first licence of the record: its id, or its title."""
    for right in metadata.get("rights") or []:
        if right.get("id"):
            return right["id"]
        title = right.get("title") or {}
        text = title.get("en") or title.get("zh") or next(iter(title.values()), "")
        if text:
            return text
    return ""


def _keywords(metadata):
    """Subjects of the record as plain keywords."""
    out = []
    for subject in metadata.get("subjects") or []:
        text = subject.get("subject") or subject.get("id")
        if text:
            out.append(str(text))
    return out


def _protection(record):
    """``(record, files)`` protection of a record: "public" or "restricted".

    Read from the access system field: at publication the record's ``access``
    dict is only written when the record is committed.
    """
    access = getattr(record, "access", None)
    protection = getattr(access, "protection", None)
    if protection is not None:
        return protection.record, protection.files
    dumped = record.get("access") or {}
    return dumped.get("record"), dumped.get("files")


def entry_from_record(record):
    """The entry dict of a published record (an ``RDMRecord``)."""
    metadata = record.get("metadata") or {}
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    recid = record.pid.pid_value
    parent = record.parent
    data = {key: term(_cf(record, key), vocabulary) for key, vocabulary in TERMS.items()}
    data.update({key: _cf(record, key) or "" for key in TEXTS})
    data["access_methods"] = [t for t in (term(v, TERM_VOCABULARIES["access_methods"])
                                          for v in _cf(record, "access_methods") or []) if t]
    data["data_items"] = [str(v) for v in _cf(record, "data_items") or []]
    data["title_zh"] = _cf(record, "title_zh") or metadata.get("title", "")
    data["title_en"] = _cf(record, "title_en") or ""
    content = _cf(record, "abstract_zh") or _TAGS.sub("", metadata.get("description") or "")
    data["content"] = content.strip()
    data["keywords"] = _keywords(metadata)
    data["doi"] = ((record.get("pids") or {}).get("doi") or {}).get("identifier", "")
    data["cstr"] = ((parent.get("pids") or {}).get("cstr") or {}).get("identifier", "")
    data["landing_page"] = f"{ui}/records/{recid}"
    opening = (data.get("opening_type") or {}).get("id")
    files_enabled = bool(getattr(getattr(record, "files", None), "enabled", False))
    if opening == "unconditional" and _protection(record)[1] == "public" and files_enabled:
        # The "download all" archive of the record page (links.archive: the REST route).
        api = current_app.config.get("SITE_API_URL", "").rstrip("/")
        data["download_url"] = f"{api}/records/{recid}/files-archive"
    else:
        data["download_url"] = ""  # conditional data is applied for (QY Art. 24)
    data["license"] = _licence(metadata)
    data["issued"] = metadata.get("publication_date") or _date(record.created)
    data["modified"] = _date(record.updated)
    return data


def review_passed(record):
    """Whether a confidentiality review of the dataset passed (CD-TD Art. 24).

    A passed, accepted review of the parent; the gate made sure at
    publication that it covered exactly what was published.
    """
    for row in reviews_of(record.parent.pid.pid_value, "accepted"):
        if (row.json.get("payload") or {}).get("decision") == "pass":
            return True
    return False


def is_live(record):
    """Whether the record is published and not deleted."""
    deletion = getattr(record, "deletion_status", None)
    if deletion is not None and getattr(deletion, "is_deleted", False):
        return False
    return not getattr(record, "is_deleted", False) and bool(getattr(record, "is_published", True))


def sync_record(record, passed=None):
    """Bring the dataset's entry in line with ``record`` (its latest published version).

    ``passed`` says whether a confidentiality review passed (looked up when
    None). Returns the row, or None when there is no entry (a deleted record
    that never had one).
    """
    entry_id = store.deposited_entry_id(record.parent.pid.pid_value)
    if not is_live(record):
        return store.withdraw_entry(entry_id)
    data = entry_from_record(record)
    opening = (data.get("opening_type") or {}).get("id") or "unconditional"
    if passed is None:
        passed = review_passed(record) if opening in OPEN_TYPES else False
    public = _protection(record)[0] == "public"
    in_open = bool(passed and public and opening in OPEN_TYPES)
    return store.upsert_entry(
        data, SOURCE_DEPOSITED, entry_id=entry_id, record_pid=record.pid.pid_value,
        parent_pid=record.parent.pid.pid_value, in_open=in_open, review_passed=bool(passed))


def latest_records():
    """The latest published version of every dataset (deleted ones included)."""
    query = (RDMVersionsState.query.filter(RDMVersionsState.latest_id.isnot(None))
             .with_entities(RDMVersionsState.latest_id)
             .yield_per(500))
    for (latest_id,) in query:
        try:
            yield RDMRecord.get_record(latest_id, with_deleted=True)
        except Exception:  # noqa: BLE001  (a purged record has no entry)
            continue


def sync_all():
    """Rebuild the deposited entries from all published records; returns counts."""
    counts = {"synced": 0, "open": 0, "withdrawn": 0}
    seen = set()
    for record in latest_records():
        row = sync_record(record)
        if row is None:
            continue
        seen.add(row.entry_id)
        counts["synced"] += 1
        counts["open"] += int(row.in_open)
        counts["withdrawn"] += int(row.withdrawn)
    # Entries of records that no longer exist at all are withdrawn.
    for row in store.DirectoryEntry.query.filter_by(source=SOURCE_DEPOSITED, withdrawn=False):
        if row.entry_id not in seen:
            store.withdraw_entry(row.entry_id)
            counts["withdrawn"] += 1
    db.session.commit()
    return counts
