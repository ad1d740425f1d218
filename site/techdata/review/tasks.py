"""Celery tasks: reminders before, escalation after a review's due date."""

from datetime import date

from celery import shared_task
from flask import current_app
from invenio_db import db
from invenio_records_resources.services.uow import UnitOfWork
from invenio_requests.records.models import RequestMetadata

from ..kernel.deadlines import remind_and_escalate
from ..kernel.time import today
from ..workdays import working_days
from .notify import (
    ReviewEscalationNotificationBuilder,
    ReviewOverdueNotificationBuilder,
    ReviewReminderNotificationBuilder,
    notify_review,
)
from .service import OPEN_STATUSES, REVIEW_TYPES


def notify_deadlines(rows, ahead, remind, escalate):
    """Remind ``ahead`` working days before due, escalate after, once each.

    For each request row with a ``due_date`` in its payload: ``escalate(row)``
    once it is overdue, ``remind(row)`` once it is due within ``ahead``
    working days. The flags
    ``reminded`` / ``escalated`` in the payload make each happen once per due
    date (whoever moves the due date clears them). Returns the counts; the
    caller commits.
    """
    cal = working_days()
    now = today()
    return remind_and_escalate(
        rows, ahead,
        left=lambda payload: cal.working_days_between(now, date.fromisoformat(payload["due_date"])),
        overdue=lambda payload: now > date.fromisoformat(payload["due_date"]),
        remind=remind, escalate=escalate)


def _escalate(uow, row):
    """Past due: an overdue notice to the deciders, the escalation to the administrators."""
    notify_review(uow, ReviewOverdueNotificationBuilder, row)
    notify_review(uow, ReviewEscalationNotificationBuilder, row)


@shared_task(ignore_result=True)
def check_review_deadlines():
    """Remind receivers N working days ahead; escalate overdue reviews once.

    Escalation goes to the centre administrators (``TECHDATA_CENTRE_ADMIN_ROLE``).
    Each request is reminded and escalated at most once per due date (flags in
    its payload), so the beat schedule can run as often as it likes. The
    notifications are sent once the flags are committed.
    """
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(REVIEW_TYPES),
        RequestMetadata.json["status"].as_string().in_(OPEN_STATUSES),
    ).all()
    with UnitOfWork(db.session) as uow:
        counts = notify_deadlines(
            rows,
            current_app.config["TECHDATA_REVIEW_REMINDER_DAYS"],
            remind=lambda row: notify_review(uow, ReviewReminderNotificationBuilder, row),
            escalate=lambda row: _escalate(uow, row),
        )
        uow.commit()
    return counts
