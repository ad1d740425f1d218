"""Settings of the audit trail (``TECHDATA_AUDIT_*``) and its download hook."""

import copy
from celery.schedules import crontab

from ..kernel import roles
from .digest import BUILDERS

TECHDATA_AUDIT_RETENTION_YEARS = 5
"""Entries are kept at least this many years (CD-PD Art. 23); nothing deletes them."""

TECHDATA_AUDIT_PROTECTED_OPENING_TYPES = ("conditional", "none")
"""Opening types whose file downloads are recorded per user: 有条件开放 and 不予开放
(LZ Art. 21, 40)."""

TECHDATA_AUDIT_PAGE_SIZE = 50
"""Entries per audit page."""

TECHDATA_AUDIT_EXPORT_MAX = 10000
"""Most entries one CSV export holds (narrow the filters for more)."""

TECHDATA_VIOLATION_REGISTRAR_ROLES = [roles.ADMIN, roles.BUREAU, roles.AUDITOR]
"""Roles that register, follow up and close findings of the register of violations
(CD-TD Art. 27; QY Art. 32)."""

TECHDATA_VIOLATION_READER_ROLES = list(roles.AUDIT_ROLES)
"""Roles that read every entity's findings (an entity's data administrators read their own)."""

TECHDATA_VIOLATION_LIST_MAX = 2000
"""Most findings one list (page, REST, CSV) holds."""

TECHDATA_VIOLATION_RECTIFY_DAYS = 15
"""Default rectification period offered by the form, in working days."""

TECHDATA_AUDIT_DIGEST_ALERT_ROLES = [roles.ADMIN]
"""Roles alerted when the scheduled verification finds the chain broken (LZ Art. 38)."""

BEAT_SCHEDULE = {
    "techdata-audit-daily-digest": {
        "task": "techdata.audit.tasks.daily_digest",
        "schedule": crontab(minute=5, hour=16),  # 00:05 Beijing time (UTC+8)
    },
}
"""The daily verification and signed digest of the trail (merged into ``CELERY_BEAT_SCHEDULE``)."""

NOTIFICATION_BUILDERS = dict(BUILDERS)
"""The alert of a failed scheduled verification (merged into ``NOTIFICATIONS_BUILDERS``;
template ``invenio_notifications/audit-chain-broken.jinja``)."""

DOWNLOAD_BUILDER = "techdata.audit.downloads.record_download"
"""The stats event builder that records a download of protected data in the trail."""


def stats_events(events):
    """InvenioRDM's ``STATS_EVENTS`` with our download recorder first on ``file-download``.

    First, so that it runs even when a later builder drops the statistics
    event (robots, previews): the trail is not statistics.
    """
    events = copy.deepcopy(events)
    builders = events["file-download"]["event_builders"]
    events["file-download"]["event_builders"] = [DOWNLOAD_BUILDER, *builders]
    return events
