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

The entry (its row, one INSERT, and its link in the chain at the commit) is
written in the act's own transaction; its copy in the search index is made
after the commit by the Celery task :func:`index_entries` (inline where tasks
run eagerly), so no act waits for the search engine (the trail's cost, issue
16; :mod:`techdata.kernel.audit_index`). An act that must not wait even for
the row (a download) uses :func:`log_after`: the entry is built in the request,
sent to the worker once the response has gone, and written by the task
:func:`write_entry`.

The action classes (id, label, object type) are registered under the entry
point group ``invenio_audit_logs.actions`` (``techdata.audit.actions``);
this module depends on no feature.
"""

import json
import logging
import uuid
from datetime import datetime, timezone

import marshmallow as ma
from celery import shared_task
from flask import after_this_request, current_app, g, has_request_context, request
from invenio_access.permissions import system_identity, system_user_id
from invenio_accounts.models import User
from invenio_audit_logs.proxies import (current_audit_logs_actions_registry,
                                        current_audit_logs_schema_cache,
                                        current_audit_logs_service)
from invenio_audit_logs.records.models import AuditLog as AuditLogModel
from invenio_audit_logs.services import AuditLogAction
from invenio_db import db
from invenio_records_resources.services.uow import Operation, UnitOfWork
from werkzeug.wsgi import ClosingIterator

from .audit_chain import KNOWN
from .audit_index import index_entries
from .roles import held_roles

log_ = logging.getLogger(__name__)

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


def entry_model(data, entry_id=None, created=None):
    """The entry ``data`` validated (the action's schema) as a row added to the session.

    One INSERT at the next flush, with its JSON complete (InvenioRDM's service
    inserts a row and then updates it, each in a savepoint: five statements more
    per entry, the trail's cost). ``entry_id`` (a UUID or its text) and ``created`` (an
    ISO moment) default to a new id and now; the JSON is plain (what the database
    gives back), so the chain links the row without reading it again
    (:data:`techdata.kernel.audit_chain.KNOWN`). Returns the model.
    """
    created = created or data.get("created") or datetime.now(timezone.utc).isoformat()
    schema = current_audit_logs_schema_cache.get(data["action"],
                                                 current_audit_logs_service.config.schema)()
    loaded = schema.load({**data, "created": created})
    moment = datetime.fromisoformat(created)
    entry_id = entry_id or data.get("id")
    model = AuditLogModel(
        id=uuid.UUID(str(entry_id)) if entry_id else uuid.uuid4(), action=loaded["action"],
        resource_type=loaded["resource_type"], user_id=loaded["user_id"],
        created=moment, updated=moment,
        json=plain({key: loaded[key] for key in ("action", "metadata", "user", "resource")
                    if key in loaded}))
    setattr(model, KNOWN, True)
    db.session.add(model)
    return model


def enabled(action_id):
    """Whether entries of ``action_id`` are written (``AUDIT_LOGS_ENABLED``, and the
    action not in ``AUDIT_LOGS_DISABLED_ACTIONS``)."""
    config = current_audit_logs_service.config
    return bool(config.enabled) and action_id not in (config.disabled_actions or ())


class EntryOp(Operation):
    """Write one entry in the caller's unit of work: its row (one INSERT), chained at the
    commit, indexed after it (:func:`index_entries`)."""

    def __init__(self, data):
        """``data``: the entry built by :meth:`TechDataAuditAction.build`."""
        self.data = data
        self.model = None
        self.entry_id = None

    def on_register(self, uow):
        """Validate the entry and add its row to the session."""
        if enabled(self.data["action"]):
            self.model = entry_model(self.data)
            self.entry_id = str(self.model.id)  # read now: after the commit it is expired

    def on_post_commit(self, uow):
        """Index the committed entry (a task; inline where tasks run eagerly)."""
        if self.entry_id is not None:
            index_entries.delay([self.entry_id])


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
    write_now(data)
    return data


def write_now(data):
    """Commit the entry ``data`` at once in a unit of work of its own (commits the session).

    The commit leaves the caller's loaded objects as they are: a download goes on
    serving its record and file without loading them again (the trail's cost).
    """
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        with UnitOfWork() as own:
            own.register(EntryOp(data))
            own.commit()
    finally:
        session.expire_on_commit = keep


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), retry_backoff=True, max_retries=20)
def write_entry(data):
    """Write the entry ``data`` built in a request (:func:`log_after`): row, link, index.

    Idempotent by the entry's id (a message delivered twice writes one entry);
    acknowledged only once written, retried on failure, so a worker that dies
    mid-way leaves the message to another.
    """
    if db.session.get(AuditLogModel, uuid.UUID(data["id"])) is not None:
        return
    write_now(data)


def log_after(action_id, resource_id, *, identity=None, before=None, after=None,
              details=None):
    """Record ``action_id`` like :func:`log`, the writing left to the task :func:`write_entry`.

    For acts whose entry must not slow them (a download, LZ Art. 21): who, from
    where, what and when are taken now, in the request (no query beyond what is
    loaded); the message to the worker is sent once the response has gone
    (:func:`after_response`), and the row, its chain link and its search copy are
    written by the worker (inline where tasks run eagerly). The entry keeps the
    act's moment and an id fixed now. Trade-off: between the act and the worker
    the entry is a message in the broker (Redis) and not yet in the trail; if
    the broker refuses the message the entry is written at once (never dropped).
    Returns the entry's data, ``None`` when the audit log is disabled.
    """
    if not enabled(action_id):
        return None
    data = action(action_id).build(identity or system_identity, resource_id,
                                   before=before, after=after, details=details)
    if data is None:
        return None
    data["id"] = str(uuid.uuid4())
    data["created"] = datetime.now(timezone.utc).isoformat()
    app = current_app._get_current_object()
    after_response(lambda: queue_entry(app, data))
    return data


def queue_entry(app, data):
    """Send the entry ``data`` to the worker (:func:`write_entry`) in ``app``'s context;
    written at once if the broker refuses it."""
    with app.app_context():
        try:
            write_entry.delay(data)
        except Exception:  # noqa: BLE001 (broker unreachable: the entry is written now)
            log_.exception("audit entry %s not queued; written now", data["id"])
            write_now(data)


def after_response(fn):
    """Call ``fn()`` once the current response has been sent, else (no request) at once.

    The WSGI server closes a response after its last byte (PEP 3333), so ``fn``
    costs the person waiting nothing. A file's response passes its stream through
    (``direct_passthrough``: Werkzeug then skips the response's own close
    callbacks), so ``fn`` is chained to the stream's close; any other response
    calls it from its close. Flask's test client closes a response only when asked
    (``with client.get(...)`` or ``response.close()``).
    """
    if not has_request_context():
        fn()
        return

    def hook(response):
        if response.direct_passthrough:
            response.response = ClosingIterator(response.response, fn)
        else:
            response.call_on_close(fn)
        return response

    after_this_request(hook)


def current_identity():
    """The identity of the current request (``flask.g.identity``), else the system's."""
    return getattr(g, "identity", None) or system_identity


__all__ = ("EntryOp", "TechDataAuditAction", "action", "after_response", "current_identity",
           "enabled", "entry_model", "index_entries", "log", "log_after", "plain",
           "queue_entry", "request_origin", "user_data", "user_entity", "write_entry",
           "write_now")
