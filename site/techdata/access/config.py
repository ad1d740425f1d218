"""Settings of requests from outside (DOMAIN "Requests and their deadlines")."""

from celery.schedules import crontab

from ..kernel.roles import BUREAU, DEPARTMENT_ADMIN, EXPERT_COMMITTEE, PROGRAM_MANAGER
from .notify import BUILDERS

TECHDATA_ACCESS_DEADLINES = {
    "conditional-access": 15,   # QY Art. 24; LZ Art. 25-26
    "conditional-sharing": 10,  # CD-PD Art. 26 (QY Art. 16 says 7)
    "opening-application": 10,  # CD-PD Art. 34; LZ Art. 23 (calendar days)
    "appeal": 15,               # CD-PD Art. 28, 34 (calendar days)
    "correction": 10,           # CD-PD Art. 27 (QY Art. 18 says 5); LZ Art. 31
    "data-service": 20,         # CD-TD Art. 20, 22: set by the centre; this is the default
}
"""Days within which each request type must be answered: working days, except the types
of ``TECHDATA_ACCESS_CALENDAR_DAYS``."""

TECHDATA_ACCESS_CALENDAR_DAYS = ("opening-application", "appeal")
"""Deadline keys whose text says 日, not 工作日 (CD-PD Art. 34: 10日; CD-PD Art. 28: 15日):
calendar days, a period ending on a rest day or holiday ending on the next working day."""

TECHDATA_ACCESS_REMINDER_DAYS = 2
"""Remind the provider this many working days before a request is due."""

TECHDATA_CORRECTION_REPORT_DAYS = 5
"""Working days after finding an error within which it must be reported (CD-PD Art. 27)."""

TECHDATA_APPEAL_ROLE = EXPERT_COMMITTEE
"""Role that decides appeals (复核) of refusals: the expert committee (CD-PD Art. 28, 34)."""

TECHDATA_ACCESS_ESCALATION_ROLE = BUREAU
"""Role told when a request from outside is overdue (the tech bureau, CD-TD Art. 7)."""

TECHDATA_ACCESS_SHARING_ROLES = [BUREAU, DEPARTMENT_ADMIN, PROGRAM_MANAGER]
"""Government roles that may apply for conditional sharing (CD-PD Art. 26)."""

TECHDATA_ACCESS_LIST_PAGE_SIZE = 200
"""Most rows a request list page or API answer shows."""

BEAT_SCHEDULE = {
    "techdata-access-deadlines": {
        "task": "techdata.access.tasks.check_access_deadlines",
        "schedule": crontab(minute=15, hour="1,9"),
    },
    "techdata-access-expire-grants": {
        "task": "techdata.access.tasks.expire_access_grants",
        "schedule": crontab(minute=5, hour=0),
    },
}
"""Scheduled tasks of requests from outside: reminders and escalations, the daily expiry
of access grants (merged into ``CELERY_BEAT_SCHEDULE``)."""

NOTIFICATION_BUILDERS = BUILDERS
"""Builders of the notifications of requests from outside (merged into
``NOTIFICATIONS_BUILDERS``; ``notify.py``)."""

__all__ = (
    "TECHDATA_ACCESS_DEADLINES",
    "TECHDATA_ACCESS_CALENDAR_DAYS",
    "TECHDATA_ACCESS_REMINDER_DAYS",
    "TECHDATA_CORRECTION_REPORT_DAYS",
    "TECHDATA_APPEAL_ROLE",
    "TECHDATA_ACCESS_ESCALATION_ROLE",
    "TECHDATA_ACCESS_SHARING_ROLES",
    "TECHDATA_ACCESS_LIST_PAGE_SIZE",
)
