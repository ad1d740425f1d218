"""Audit: the one trail of who did what, on InvenioRDM's audit log (LZ Art. 21, 40).

Every act that matters (review decisions, confidentiality decisions,
acceptance decisions, certificates, grants, directory releases, roles,
calendar years, downloads of protected data) is written to
``invenio-audit-logs`` (``AUDIT_LOGS_ENABLED``) as an action of
:class:`TechDataAuditAction`, inside the caller's unit of work::

    from techdata.kernel import audit
    audit.log("techdata.review.decide", recid, identity=identity, uow=uow,
              before={"status": "submitted"}, after={"status": "accepted"})

An entry says who (user, e-mail, roles, entity), what (the action id), on
which object (``resource``), when (``@timestamp``, UTC; pages show Beijing
time), from where (IP address, user agent) and the before/after of the
changed fields. Entries are chained and append-only
(:mod:`techdata.kernel.audit_chain`; LZ Art. 38) and kept at least five years
(CD-PD Art. 23): there is no delete path.

The entry (its row, and its link in the chain at the commit) is written in
the act's own transaction; its copy in the search index is made after the
commit by the Celery task :func:`index_entries` (inline where tasks run
eagerly), so no act waits for the search engine (the trail's cost, issue 16).

The action classes (id, label, object type) are registered under the entry
point group ``invenio_audit_logs.actions`` (``techdata.audit.actions``);
this module depends on no feature.
"""

import json

import marshmallow as ma
from celery import shared_task
from flask import current_app, g, has_request_context, request
from invenio_access.permissions import system_identity, system_user_id
from invenio_accounts.models import User
from invenio_audit_logs.proxies import (current_audit_logs_actions_registry,
                                        current_audit_logs_service)
from invenio_audit_logs.records.api import AuditLog as AuditLogRecord
from invenio_audit_logs.services import AuditLogAction
from invenio_audit_logs.services.uow import AuditRecordCommitOp
from invenio_db import db
from invenio_records_resources.services.uow import Operation, RecordCommitOp, UnitOfWork

from .roles import held_roles

SYSTEM_EMAIL = "system@techdata.invalid"
"""E-mail shown for acts of the system (scheduled tasks, command line)."""

ANONYMOUS_EMAIL = "anonymous@techdata.invalid"
"""E-mail shown for acts of a visitor who is not logged in."""

USER_AGENT_MAX = 512
"""Longest user agent kept (the rest is cut)."""


def plain(value):
    """``value`` as plain JSON (dates as ISO strings, lazy strings as text)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def user_data(identity):
    """``{"id", "email", "username"?}`` of the person behind ``identity``."""
    uid = getattr(identity, "id", None)
    if uid == system_user_id or identity is system_identity:
        return {"id": system_user_id, "email": SYSTEM_EMAIL, "username": "system"}
    if uid is None:
        return {"id": "anonymous", "email": ANONYMOUS_EMAIL, "username": None}
    user = db.session.get(User, int(uid))
    if user is None:
        return {"id": str(uid), "email": ANONYMOUS_EMAIL, "username": None}
    # invenio-audit-logs' user schema reads the "username" key (None: left out)
    return {"id": str(user.id), "email": user.email,
            "username": str(user.username) if user.username else None}


def user_entity(identity):
    """The legal entity (affiliation of the profile) of ``identity``, or ``""``."""
    uid = getattr(identity, "id", None)
    if not isinstance(uid, int):
        return ""
    user = db.session.get(User, uid)
    profile = (user.user_profile or {}) if user is not None else {}
    return str(profile.get("affiliations") or "")


def request_origin():
    """``(ip address, user agent)`` of the current HTTP request (``"N/A"`` outside one)."""
    if not has_request_context():
        return "N/A", "N/A"
    agent = (request.user_agent.string or "")[:USER_AGENT_MAX]
    return request.remote_addr or "untrackable", agent


def who_where(data, identity=None, **kwargs):
    """Context: user, roles, entity and origin of an entry."""
    identity = identity or system_identity
    data["user"] = user_data(identity)
    data["user_id"] = data["user"]["id"]
    ip, agent = request_origin()
    meta = data.setdefault("metadata", {})
    meta.update(ip_address=ip, user_agent=agent,
                roles=sorted(held_roles(identity)), entity=user_entity(identity))


def changes(data, before=None, after=None, details=None, **kwargs):
    """Context: the before/after of the changed fields and other details."""
    meta = data.setdefault("metadata", {})
    meta["before"] = plain(before) or {}
    meta["after"] = plain(after) or {}
    if details:
        meta["details"] = plain(details)


class PlainDict(ma.fields.Dict):
    """A dict field that also dumps a search hit's ``AttrDict``."""

    def _serialize(self, value, attr, obj, **kwargs):
        """``value`` as a plain dict first."""
        if hasattr(value, "to_dict"):
            value = value.to_dict()
        return super()._serialize(value, attr, obj, **kwargs)


class TechDataAuditAction(AuditLogAction):
    """Base of the repository's audit actions: who, from where, before/after.

    Subclasses set ``id``, ``resource_type`` (the object type), ``label``
    (a msgid; Chinese in the catalogue) and ``article`` (the rule it serves).
    """

    resource_type = "record"
    label = None
    article = ""
    context = [who_where, changes]
    metadata_required = True
    metadata_schema = {
        "ip_address": ma.fields.Str(required=True),
        "user_agent": ma.fields.Str(required=True),
        "roles": ma.fields.List(ma.fields.Str(), required=True),
        "entity": ma.fields.Str(required=True),
        "before": PlainDict(required=True),
        "after": PlainDict(required=True),
        "details": PlainDict(required=False),
    }

    @classmethod
    def build(cls, identity, resource_id, **kwargs):
        """The entry's data (``None`` when the audit log is disabled)."""
        if not current_app.config["AUDIT_LOGS_ENABLED"]:
            return None
        data = {
            "action": cls.id,
            "resource": {"id": str(resource_id), "type": cls.resource_type},
            "resource_type": cls.resource_type,
        }
        for context in cls.context:
            context(data, identity=identity, **kwargs)
        return data

    def resolve_context(self, data, **kwargs):
        """Unused: :meth:`build` runs the context functions with the identity."""


@shared_task(ignore_result=True)
def index_entries(ids):
    """Index the trail entries ``ids`` of a committed transaction (the trail's search copy).

    The rows and their chain links are already committed with the act; only the
    copy the audit pages and ``/api/audit-logs`` search is made here.
    """
    indexer = current_audit_logs_service.indexer
    for id_ in ids:
        indexer.create(AuditLogRecord.get_record(id_))


class IndexEntriesOp(Operation):
    """After the commit: hand the entries' ids to :func:`index_entries`."""

    def __init__(self, ids):
        """The ids of the entries to index."""
        self.ids = [str(i) for i in ids]

    def on_post_commit(self, uow):
        """Send the task (run inline where Celery tasks run eagerly)."""
        index_entries.delay(self.ids)


class EntryUnitOfWork:
    """The caller's unit of work as the audit-log service sees it.

    The entry's row is committed with the caller's changes (InvenioRDM's
    ``AuditRecordCommitOp`` without its index write); the index write is
    moved after the commit (:class:`IndexEntriesOp`). Anything else passes.
    """

    def __init__(self, uow):
        """Wrap ``uow``."""
        self.uow = uow

    def register(self, op):
        """Register ``op`` on the caller's unit of work (an entry's: without indexing)."""
        if isinstance(op, AuditRecordCommitOp):
            record = op._record  # noqa: SLF001 (the op keeps the entry it commits)
            self.uow.register(RecordCommitOp(record))
            self.uow.register(IndexEntriesOp([record.id]))
            return
        self.uow.register(op)


class EntryOp(Operation):
    """Write one entry in the caller's unit of work (InvenioRDM's ``AuditLogOp``,
    indexed after the commit)."""

    def __init__(self, data):
        """``data``: the entry built by :meth:`TechDataAuditAction.build`."""
        self.data = data
        self.result = None

    def on_register(self, uow):
        """Create the entry through the audit-log service (validation, row)."""
        self.result = current_audit_logs_service.create(
            system_identity, self.data, uow=EntryUnitOfWork(uow))


def action(action_id):
    """The registered action class ``action_id`` (``KeyError`` names an unknown one)."""
    try:
        return current_audit_logs_actions_registry[action_id]
    except KeyError:
        raise KeyError(f"audit action {action_id!r} is not registered "
                       "(entry point group invenio_audit_logs.actions)") from None


def log(action_id, resource_id, *, identity=None, uow=None, before=None, after=None,
        details=None):
    """Record ``action_id`` on ``resource_id`` by ``identity`` (LZ Art. 21, 40).

    With ``uow`` the entry is written with the caller's changes (or not at
    all); without one it is committed at once in a unit of work of its own
    (which commits the session). Returns the entry's data, ``None`` when
    the audit log is disabled.
    """
    data = action(action_id).build(identity or system_identity, resource_id,
                                   before=before, after=after, details=details)
    if data is None:
        return None
    if uow is not None:
        uow.register(EntryOp(data))
        return data
    session = db.session()
    keep = session.expire_on_commit
    # The entry's own commit leaves the caller's loaded objects as they are: a download
    # goes on serving its record and file without loading them again (the trail's cost).
    session.expire_on_commit = False
    try:
        with UnitOfWork() as own:
            own.register(EntryOp(data))
            own.commit()
    finally:
        session.expire_on_commit = keep
    return data


def current_identity():
    """The identity of the current request (``flask.g.identity``), else the system's."""
    return getattr(g, "identity", None) or system_identity


__all__ = ("EntryOp", "TechDataAuditAction", "action", "current_identity", "index_entries",
           "log", "plain", "request_origin", "user_data", "user_entity")
