"""Celery tasks of requests from outside: reminders, escalation, grant expiry.

``check_access_deadlines`` looks at the running clocks of the request types
of the registry: the receiver (the providing entity, the expert committee
...) is reminded ``TECHDATA_ACCESS_REMINDER_DAYS`` working days before the
due date; an overdue request is escalated to the bureau administrators
(``TECHDATA_ACCESS_ESCALATION_ROLE``) and the receiver. Each happens once
per clock segment: the flags ``reminded`` / ``escalated`` are kept in the
payload, and the clock clears ``reminded`` when a resumption moves the due
date (``clock.resume``) and both when it restarts (``clock.start``, e.g. a
request reopened on appeal). A paused clock (the request is waiting on the
applicant) is neither reminded nor escalated.

``expire_access_grants`` runs daily and withdraws every grant whose term
ended (``grants.expire_grants``).
"""

from celery import shared_task
from flask import current_app
from invenio_requests.records.models import RequestMetadata

from ..kernel.deadlines import check_deadlines
from . import clock, registry
from .grants import expire_grants
from .notify import RequestEscalation, RequestReminder, notify_deadline


@shared_task(ignore_result=True)
def check_access_deadlines(on=None):
    """Remind before, escalate after the due date of running request clocks (once each).

    The reminder goes to the provider, the escalation to the provider and the
    bureau (``notify.py``), once the flags are committed. ``on``: as of
    another day (tests).
    """
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(registry.TYPE_IDS),
        RequestMetadata.json[("payload", "clock")].as_string() == clock.RUNNING,
    ).all()
    return check_deadlines(
        rows,
        current_app.config["TECHDATA_ACCESS_REMINDER_DAYS"],
        left=lambda payload: clock.working_days_left(payload, on=on),
        overdue=lambda payload: clock.is_overdue(payload, on=on),
        remind=lambda uow, row: notify_deadline(uow, RequestReminder, row),
        escalate=lambda uow, row: notify_deadline(uow, RequestEscalation, row),
    )


@shared_task(ignore_result=True)
def expire_access_grants():
    """Withdraw the access of every grant whose term ended (daily)."""
    return expire_grants()
