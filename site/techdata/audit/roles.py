"""Role changes in the audit trail: every role given or taken, whatever the path (LZ Art. 21).

Roles change through the admin pages, ``invenio roles add/remove``, set-up
and our own code, all through ``User.roles``. Before a flush the added and
removed roles of each changed user are noted; before the commit an entry
``techdata.role.change`` is written for each user in the same transaction
(so it is chained with the rest, :mod:`techdata.kernel.audit_chain`) and
indexed after the commit.
"""

import logging
import uuid

from flask import current_app, has_app_context
from invenio_accounts.models import User
from invenio_audit_logs.proxies import (current_audit_logs_schema_cache,
                                        current_audit_logs_service)
from invenio_audit_logs.records.api import AuditLog as AuditLogRecord
from invenio_audit_logs.records.models import AuditLog as AuditLogModel
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..kernel import audit
from ..kernel.audit_chain import BEFORE_LINK
from ..kernel.time import utcnow

PENDING = "techdata_audit_roles"
"""Session ``info`` key: ``{user object id: (user, added, removed)}``."""

DEFERRED = "techdata_audit_roles_ops"
"""Session ``info`` key: the entries to index after the commit."""

ACTION = "techdata.role.change"
"""The audit action of a role change."""

log = logging.getLogger(__name__)


def _note(session, flush_context, instances):
    """Before a flush: remember the roles added to and removed from changed users."""
    for user in list(session.new) + list(session.dirty):
        if not isinstance(user, User):
            continue
        history = inspect(user).attrs.roles.history
        if not (history.added or history.deleted):
            continue
        pending = session.info.setdefault(PENDING, {})
        _, added, removed = pending.get(id(user), (user, set(), set()))
        added |= {role.name for role in history.added}
        removed |= {role.name for role in history.deleted}
        pending[id(user)] = (user, added, removed)


def _record(session):
    """Before the links are made: one entry per changed user, as the service stores one."""
    session.flush()  # role changes not flushed yet are noted now
    pending = session.info.pop(PENDING, None)
    if not pending or not has_app_context() or not current_app.config.get("AUDIT_LOGS_ENABLED"):
        return
    identity = audit.current_identity()
    schema = current_audit_logs_schema_cache[ACTION]()
    models = []
    for user, added, removed in pending.values():
        if user.id is None or not (added - removed or removed - added):
            continue
        now = sorted(role.name for role in user.roles)
        data = audit.action(ACTION).build(
            identity, user.id, before={"roles": sorted((set(now) - added) | removed)},
            after={"roles": now}, details={"added": sorted(added - removed),
                                           "removed": sorted(removed - added),
                                           "email": user.email})
        data["created"] = utcnow().isoformat()
        loaded = schema.load(data)
        model = AuditLogModel(
            id=uuid.uuid4(), action=ACTION, resource_type=loaded["resource_type"],
            user_id=loaded["user_id"], created=utcnow(), updated=utcnow(),
            json={key: loaded[key] for key in ("metadata", "user", "resource")})
        session.add(model)
        models.append(model)
    session.flush()  # the entries as stored, before the chain links them
    session.info.setdefault(DEFERRED, []).extend(models)


def _index(session):
    """After the commit: index the role-change entries."""
    for model in session.info.pop(DEFERRED, []):
        try:
            current_audit_logs_service.indexer.create(AuditLogRecord(model.json, model=model))
        except Exception:  # noqa: BLE001  (stored and chained; only the search copy is late)
            log.exception("role-change audit entry not indexed")


def _forget(session):
    """A rolled-back transaction changed no role."""
    session.info.pop(PENDING, None)
    session.info.pop(DEFERRED, None)


event.listen(Session, "before_flush", _note)
BEFORE_LINK.append(_record)  # run by the chain's before_commit listener, before it links
event.listen(Session, "after_commit", _index)
event.listen(Session, "after_rollback", _forget)
