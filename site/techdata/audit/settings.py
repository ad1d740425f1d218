"""Settings that move deadlines, in the audit trail (LZ Art. 21; CD-TD Art. 11).

Deadline settings (``TECHDATA_*DEADLINES``, ``*_DAYS``, the time zone, the
retention) come from ``invenio.cfg`` and ``INVENIO_*`` variables, so they
change when the platform restarts with other values. :func:`record_setting_changes`
(run by ``invenio techdata upgrade`` at every start, and by ``invenio
techdata audit settings``) compares them with the last recorded snapshot
and writes one ``techdata.settings.change`` entry with the before/after of
the settings that changed (the first run records them all).
"""

import re

from flask import current_app
from invenio_audit_logs.records.models import AuditLog
from invenio_db import db
from sqlalchemy import select

from ..kernel import audit
from ..kernel.audit import plain

DEADLINE_SETTING = re.compile(r"^TECHDATA_[A-Z_]*(DEADLINES|_DAYS|TIMEZONE|RETENTION_YEARS)$")
"""Names of the settings that move a deadline or the retention."""

ACTION = "techdata.settings.change"
"""The audit action of a changed setting."""


def deadline_settings():
    """``{name: value}`` of the deadline settings of the running app (plain JSON)."""
    return {k: plain(v) for k, v in sorted(current_app.config.items())
            if DEADLINE_SETTING.match(k)}


def last_snapshot():
    """The settings recorded last (``{}`` when none was recorded)."""
    row = db.session.execute(select(AuditLog.json).where(AuditLog.action == ACTION)
                             .order_by(AuditLog.created.desc()).limit(1)).scalar_one_or_none()
    if not row:
        return {}
    return ((row.get("metadata") or {}).get("details") or {}).get("snapshot") or {}


def record_setting_changes():
    """Record the deadline settings that differ from the last snapshot; the changed names."""
    now, last = deadline_settings(), last_snapshot()
    changed = sorted(k for k in set(now) | set(last) if now.get(k) != last.get(k))
    if not changed:
        return []
    audit.log(ACTION, "deadline-settings",
              before={k: last.get(k) for k in changed}, after={k: now.get(k) for k in changed},
              details={"snapshot": now})
    return changed
