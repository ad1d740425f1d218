"""Access given by a granted request: InvenioRDM's own access grants, for a term.

A grant (QY Art. 24; LZ Art. 25-26; CD-PD Art. 26) gives the applicant, and
only the applicant, the ``view`` permission on the dataset (a user grant on
the record's parent, ``parent.access.grants``, as InvenioRDM's own access
requests do), so they can download its restricted files. The grant's origin
is ``request:<id>``; the payload records modes, term and when it was given.

API-token mode: InvenioRDM has no per-record token scope. The applicant gets
a personal access token of their own, named after the request; what it can
read is exactly what the grant lets the applicant read (the dataset's files),
and it is deleted when the term ends. Its value is shown on the request page
to the applicant only (never in the request payload, which the provider sees).

``expire_grants`` (run daily by Celery beat, ``tasks.py``) withdraws every
grant whose term ended: the access grant and the token are removed, the
request becomes ``expired`` (an event in its timeline) and the applicant is
told by mail.
"""

from datetime import date

from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_oauth2server.models import Token
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata

from ..kernel import audit
from ..kernel.time import today
from .base import execute_clocked
from .common import now_iso
from .registry import GRANTING_TYPES

MODES = ("download", "api-token")
"""Ways access is given (a sandbox is not offered)."""


def _subject(request):
    """The applicant's user id (the request's creator), as a string."""
    return str(request.created_by.reference_dict["user"])


def give_access(request, record, modes, term_end, uow):
    """Grant the applicant ``view`` on the dataset until ``term_end``; returns the grant record."""
    user_id = _subject(request)
    recid = record.pid.pid_value
    parent = record.parent
    # Any grant of the user's already gives at least ``view`` (InvenioRDM
    # allows one grant per subject).
    has_grant = any(g.subject_type == "user" and g.subject_id == user_id
                    for g in parent.access.grants)
    if not has_grant:
        records_service.access.bulk_create_grants(system_identity, recid, {"grants": [{
            "permission": "view",
            "subject": {"type": "user", "id": user_id},
            "origin": f"request:{request.id}",
        }]}, uow=uow)
    grant = {
        "modes": list(modes),
        "subject": user_id,
        "record": recid,
        "parent": str(parent.pid.pid_value),
        "term_end": term_end.isoformat(),
        "granted_at": now_iso(),
        "permission": "view",
        "pre_existing": has_grant,
    }
    if "api-token" in modes:
        token = Token.create_personal(
            f"techdata-access-{request.id}"[:40], int(user_id), scopes=[], is_internal=False)
        grant["token_id"] = token.id
    audit.log("techdata.access.grant", recid, identity=audit.current_identity(), uow=uow,
              before={"grant": has_grant}, after={"grant": True, "term_end": grant["term_end"]},
              details={"request": str(request.id), "user": user_id, "modes": list(modes),
                       "token_issued": "token_id" in grant})  # CD-PD Art. 26; QY Art. 24
    return grant


def _other_active_grant(request_id, parent_id, user_id, on):
    """True if another granted request still gives the user this dataset after ``on``."""
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(GRANTING_TYPES),
        RequestMetadata.json["status"].as_string() == "accepted",
    ).all()
    for row in rows:
        grant = (row.json.get("payload") or {}).get("grant") or {}
        if (str(row.id) != str(request_id) and grant.get("parent") == parent_id
                and grant.get("subject") == user_id and grant.get("term_end", "") >= on):
            return True
    return False


def withdraw_access(request, on=None):
    """Remove the applicant's grant and token for this request (idempotent)."""
    payload = dict(request.get("payload") or {})
    grant = dict(payload.get("grant") or {})
    on = on or today()
    if grant.get("token_id"):
        Token.query.filter_by(id=grant["token_id"]).delete()
    keep = grant.get("pre_existing") or _other_active_grant(
        request.id, grant.get("parent"), grant.get("subject"), on.isoformat())
    if grant.get("record") and not keep:
        # InvenioRDM's own removal (its record.grant_update entry); no grant before ours.
        records_service.access.delete_grant_by_subject(
            system_identity, grant["record"], subject_id=grant["subject"], subject_type="user")
    grant["withdrawn_at"] = now_iso()
    payload["grant"] = grant
    request["payload"] = payload
    request.commit()
    audit.log("techdata.access.revoke", grant.get("record") or str(request.id),
              identity=audit.current_identity(), before={"grant": True},
              after={"grant": bool(keep), "withdrawn_at": grant["withdrawn_at"]},
              details={"request": str(request.id), "user": grant.get("subject"),
                       "token_deleted": bool(grant.get("token_id"))})  # QY Art. 24
    db.session.commit()


def expire_grants(on=None):
    """Withdraw every grant whose term ended before ``on`` (default today); returns ids.

    QY Art. 24; LZ Art. 25-26: access lasts for the agreed term only.
    """
    on = on or today()
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(GRANTING_TYPES),
        RequestMetadata.json["status"].as_string() == "accepted",
    ).all()
    expired = []
    for row in rows:
        grant = (row.json.get("payload") or {}).get("grant") or {}
        if not grant.get("term_end") or date.fromisoformat(grant["term_end"]) >= on:
            continue
        request = Request.get_record(row.id)
        withdraw_access(request, on=on)
        execute_clocked(system_identity, request.id, "expire", on=on)
        expired.append(str(row.id))
    return expired


def active_grants(user_id, parent_id, on=None):
    """Granted requests giving ``user_id`` the dataset ``parent_id`` now (for the record page)."""
    if not user_id:
        return []
    on = (on or today()).isoformat()
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(GRANTING_TYPES),
        RequestMetadata.json["status"].as_string() == "accepted",
    ).all()
    out = []
    for row in rows:
        grant = (row.json.get("payload") or {}).get("grant") or {}
        if (grant.get("parent") == str(parent_id) and grant.get("subject") == str(user_id)
                and grant.get("term_end", "") >= on):
            out.append({"id": str(row.id), "type": row.json["type"], **grant})
    return out


def applicant_token(request, user_id):
    """The API token of a granted request, for its applicant only (else None)."""
    grant = (request.get("payload") or {}).get("grant") or {}
    if not grant.get("token_id") or str(user_id) != grant.get("subject"):
        return None
    token = db.session.get(Token, grant["token_id"])
    return token.access_token if token else None
