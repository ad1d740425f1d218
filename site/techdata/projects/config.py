"""Settings of the project registry and the acceptance gate."""

from celery.schedules import crontab

from .notify import BUILDERS

TECHDATA_PROJECT_OVERDUE_DIGEST_DAYS = 7
"""Days between two overdue digests sent to a PI and entity admins (CD-TD Art. 27)."""

BEAT_SCHEDULE = {
    "techdata-overdue-projects": {
        "task": "techdata.projects.tasks.send_overdue_digest",
        "schedule": crontab(minute=30, hour=1),
    },
}
"""Scheduled tasks of the projects: the daily overdue digest (merged into ``CELERY_BEAT_SCHEDULE``)."""

NOTIFICATION_BUILDERS = dict(BUILDERS)
"""The overdue digest's builder (merged into ``NOTIFICATIONS_BUILDERS``; ``notify.py``)."""
