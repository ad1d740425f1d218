"""Who took which data: downloads of protected datasets, per user (LZ Art. 21, 40).

InvenioRDM anonymises its download statistics; the audit trail does not.
:func:`record_download` is the first builder of the ``file-download`` stats
event (``STATS_EVENTS``, see :func:`techdata.audit.config.stats_events`), so
every download of a file of a 有条件开放 or 不予开放 dataset (record page,
REST API, zip archive) writes an entry ``techdata.file.download`` with the
user, their roles and entity, the grants that allowed it, the file and the
origin. The statistics event itself goes on unchanged.
"""

from flask import current_app, g

from ..kernel import audit
from ..kernel.labels import cf_value

ACTION = "techdata.file.download"
"""The audit action of a download."""


def is_protected(record):
    """True when ``record``'s opening type is one whose downloads are recorded."""
    opening = cf_value(record, "opening_type") or {}
    return opening.get("id") in current_app.config["TECHDATA_AUDIT_PROTECTED_OPENING_TYPES"]


def grants_of(record, identity):
    """The access grants of ``record``'s parent that name the user of ``identity``."""
    uid = str(getattr(identity, "id", ""))
    try:
        grants = record.parent.access.grants
    except AttributeError:
        return []
    out = []
    for grant in grants:
        subject = grant.to_dict().get("subject", {})
        if subject.get("type") == "user" and str(subject.get("id")) == uid:
            out.append({"permission": grant.permission, "origin": grant.origin or ""})
    return out


def record_download(event, sender_app, record=None, obj=None, **kwargs):
    """Stats event builder: write the audit entry of a protected download, pass the event on."""
    if record is None or obj is None or not is_protected(record):
        return event
    identity = audit.current_identity()
    audit.log(ACTION, record["id"], identity=identity, details={
        "file": obj.key, "size": obj.file.size if obj.file else None,
        "version_id": str(obj.version_id), "parent": record.parent["id"],
        "opening_type": (cf_value(record, "opening_type") or {}).get("id"),
        "grants": grants_of(record, identity), "via_api": bool(kwargs.get("via_api")),
    })
    return event
