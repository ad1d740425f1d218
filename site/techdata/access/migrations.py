"""Data migrations of the access package (run by ``invenio techdata upgrade``).

:func:`strip_unreadable_titles` (issue 20; CD-TD Art. 18, 24): requests filed
before the fix copied the title of the dataset they name into the request's
own title (``"开放申请 Opening application: <dataset title>"``), so an
applicant who may not read a not-opened dataset read its title in the request,
its lists and pages. New requests store only what the applicant gave (the
record id) unless he may read the record (``common.readable_title``); this
step brings the old ones to the same form.
"""

from contextlib import nullcontext

from flask import current_app, has_request_context
from invenio_access import any_user, authenticated_user
from invenio_access.utils import get_identity
from invenio_accounts.models import User
from invenio_communities.utils import load_community_needs
from invenio_db import db
from invenio_rdm_records.records.api import RDMRecord
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata

from . import registry
from .common import readable_title


def applicant_identity(user_id):
    """The identity the applicant ``user_id`` has when logged in (roles, communities), or None."""
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None:
        return None
    identity = get_identity(user)
    identity.provides.update({any_user, authenticated_user})
    # community memberships, as at log-in (the loader reads the session: a request context)
    with nullcontext() if has_request_context() else current_app.test_request_context():
        load_community_needs(identity)
    return identity


def _named_record(request):
    """The published record a request is about (its topic, else ``payload.record``), or None."""
    recid = (request.get("topic") or {}).get("record") or (request.get("payload") or {}).get("record")
    if not recid:
        return None
    try:
        return RDMRecord.pid.resolve(str(recid))
    except Exception:  # noqa: BLE001  (deleted, never published, unknown)
        return None


def stripped_title(request, identity):
    """The title ``request`` may keep for its applicant, or None when it may stay as it is.

    ``"<type names>: <record id>"`` when the applicant may not read the record
    the request names (what he gave, and what new requests store); None when he
    may read it, when the request names no record, or when the title is already
    that form.
    """
    record = _named_record(request)
    if record is None:
        return None
    recid = str(record.pid.pid_value)
    if identity is not None and readable_title(identity, record) != recid:
        return None  # the applicant may read the record: its title is no secret to him
    title = f"{registry.get(request.type.type_id).names}: {recid}"[:250]
    return None if request.get("title") == title else title


def strip_unreadable_titles():
    """Rewrite the titles of requests from outside that name a record their applicant may not
    read; reindex them. Idempotent: returns the ids changed (none on a second run)."""
    type_ids = [t.type_id for t in registry.TYPES]
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(type_ids)).all()
    changed = []
    for row in rows:
        request = Request(row.json, model=row)
        creator = (request.get("created_by") or {}).get("user")
        title = stripped_title(request, applicant_identity(creator) if creator else None)
        if title is None:
            continue
        request["title"] = title
        request.commit()
        changed.append(str(row.id))
    db.session.commit()
    for request_id in changed:
        current_requests_service.indexer.index(Request.get_record(request_id))
    return changed
