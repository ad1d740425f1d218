"""Who took which data: downloads of protected datasets, per user (LZ Art. 21, 40).

InvenioRDM anonymises its download statistics; the audit trail does not.
:func:`record_download` is the first builder of the ``file-download`` stats
event (``STATS_EVENTS``, see :func:`techdata.audit.config.stats_events`), so
every download of a file of a 有条件开放 or 不予开放 dataset (record page,
REST API, zip archive) writes an entry ``techdata.file.download`` with the
user, their roles and entity, the grants that allowed it, the data-use
agreement under which a granted request gave access (its id and version, QY
Art. 24; LZ Art. 25-26), the file and the origin. The statistics event itself
goes on unchanged.

The entry is taken in the request (who, from where, which grants: all loaded
already) and written after it by a worker (:func:`techdata.kernel.audit.log_after`,
the trail's cost on a download, issue 16); the agreement, one more read, is
looked up only for a grant given by a request. With the trail off
(``AUDIT_LOGS_ENABLED``) nothing is looked up.
"""

import uuid

from flask import current_app
from invenio_db import db
from invenio_requests.records.models import RequestMetadata

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


def agreement_of(grants, parent_id):
    """The data-use agreement accepted in the request that gave one of ``grants``, or None.

    A grant given by a request from outside has the origin ``request:<id>``;
    the request's payload holds the acceptance (version, SHA-256 of the text,
    when). Returns ``{"id", "version", "sha256", "accepted_at", "request"}``;
    the id names the dataset's (``parent_id``) agreement and version
    (``<parent>/v<version>``: agreements are kept per dataset and version).
    """
    for grant in grants:
        origin = grant.get("origin") or ""
        if not origin.startswith("request:"):
            continue
        try:
            row = db.session.get(RequestMetadata, uuid.UUID(origin.split(":", 1)[1]))
        except ValueError:
            continue
        accepted = ((row.json or {}).get("payload") or {}).get("agreement") if row else None
        if not accepted or accepted.get("version") is None:
            continue
        return {"id": f"{parent_id}/v{accepted['version']}", "version": accepted["version"],
                "sha256": accepted.get("sha256"), "accepted_at": accepted.get("accepted_at"),
                "request": str(row.id)}
    return None


def record_download(event, sender_app, record=None, obj=None, **kwargs):
    """Stats event builder: write the audit entry of a protected download, pass the event on."""
    if record is None or obj is None or not audit.enabled(ACTION) or not is_protected(record):
        return event
    identity = audit.current_identity()
    grants = grants_of(record, identity)
    details = {
        "file": obj.key, "size": obj.file.size if obj.file else None,
        "version_id": str(obj.version_id), "parent": record.parent["id"],
        "opening_type": (cf_value(record, "opening_type") or {}).get("id"),
        "grants": grants, "via_api": bool(kwargs.get("via_api")),
    }
    agreement = agreement_of(grants, record.parent["id"])
    if agreement is not None:
        details["agreement"] = agreement
    audit.log_after(ACTION, record["id"], identity=identity, details=details)
    return event
