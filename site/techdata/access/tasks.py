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
from invenio_db import db
from invenio_requests.records.models import RequestMetadata

from ..kernel.deadlines import remind_and_escalate
from ..kernel.roles import role_emails
from . import clock, registry
from .grants import expire_grants
from .notify import send_request_mail
from .receivers import provider_emails


def send_deadline_mail(kind, row, recipients):
    """One ``reminder`` or ``escalation`` about the request ``row`` (no-op without recipients)."""
    send_request_mail(kind, {**row.json, "id": str(row.id)}, recipients)


def _providers(row):
    """Who answers the request ``row``."""
    return provider_emails({**row.json, "id": str(row.id)})


def notify_deadlines(rows, ahead, remind, escalate, on=None):
    """Remind ``ahead`` working days before due, escalate after, once each per due date.

    ``escalate(row)`` once a running clock is overdue, ``remind(row)`` once it
    is due within ``ahead`` working days; the payload flags ``reminded`` /
    ``escalated`` make each happen once. Returns the counts; the caller commits.
    """
    return remind_and_escalate(
        rows, ahead,
        left=lambda payload: clock.working_days_left(payload, on=on),
        overdue=lambda payload: clock.is_overdue(payload, on=on),
        remind=remind, escalate=escalate)


@shared_task(ignore_result=True)
def check_access_deadlines():
    """Remind before, escalate after the due date of running request clocks (once each)."""
    bureau = role_emails([current_app.config["TECHDATA_ACCESS_ESCALATION_ROLE"]])
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(registry.TYPE_IDS),
        RequestMetadata.json[("payload", "clock")].as_string() == clock.RUNNING,
    ).all()
    counts = notify_deadlines(
        rows,
        current_app.config["TECHDATA_ACCESS_REMINDER_DAYS"],
        remind=lambda row: send_deadline_mail("reminder", row, _providers(row)),
        escalate=lambda row: send_deadline_mail(
            "escalation", row, sorted(set(bureau) | set(_providers(row)))),
    )
    db.session.commit()
    return counts


@shared_task(ignore_result=True)
def expire_access_grants():
    """Withdraw the access of every grant whose term ended (daily)."""
    return expire_grants()
