"""Celery tasks: reminders before, escalation after a review's due date."""

from datetime import date

from celery import shared_task
from flask import current_app
from invenio_requests.records.models import RequestMetadata

from ..kernel.deadlines import check_deadlines
from ..kernel.time import today
from ..workdays import working_days
from .notify import (
    ReviewEscalationNotificationBuilder,
    ReviewOverdueNotificationBuilder,
    ReviewReminderNotificationBuilder,
    notify_review,
)
from .service import OPEN_STATUSES, REVIEW_TYPES


def due(payload):
    """The review's due date."""
    return date.fromisoformat(payload["due_date"])


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
    cal = working_days()
    now = today()
    return check_deadlines(
        rows,
        current_app.config["TECHDATA_REVIEW_REMINDER_DAYS"],
        left=lambda payload: cal.working_days_between(now, due(payload)),
        overdue=lambda payload: now > due(payload),
        remind=lambda uow, row: notify_review(uow, ReviewReminderNotificationBuilder, row),
        escalate=_escalate,
    )
