"""Celery tasks of requests from outside: reminders, escalation, grant expiry.

``check_access_deadlines`` looks at the running clocks of the six request
types (``REQUEST_TYPES``): the receiver (the providing entity, the expert
committee ...) is reminded ``TECHDATA_ACCESS_REMINDER_DAYS`` working days
before the due date; an overdue request is escalated to the bureau
administrators (``TECHDATA_ACCESS_ESCALATION_ROLE``) and the receiver. Each
happens once per clock segment: the flags ``reminded`` / ``escalated`` are
kept in the payload, and the clock clears ``reminded`` when a resumption
moves the due date (``clock.resume``) and both when it restarts
(``clock.start``, e.g. a request reopened on appeal). A paused clock (the
request is waiting on the applicant) is neither reminded nor escalated.
The loop is ``review.tasks.notify_deadlines``, shared with the reviews.

``expire_access_grants`` runs daily and withdraws every grant whose term
ended (``expire_grants`` of the conditional-access grants).
"""

from celery import shared_task
from flask import current_app
from flask_mail import Message
from invenio_db import db
from invenio_requests.records.models import RequestMetadata

from ..review.tasks import _role_emails, notify_deadlines
from . import clock
from .notify import TYPE_NAMES, provider_emails

REQUEST_TYPES = ("conditional-access", "conditional-sharing", "opening-application",
                 "appeal", "correction", "data-service")
"""The request types from outside, all on a working-day clock."""

SUBJECTS = {
    "reminder": "【提醒】{type_zh}即将到期 / Request due soon: {title} (due {due})",
    "escalation": "【督办】{type_zh}已逾期 / Request overdue: {title} (was due {due})",
}
"""Subjects of the reminder and the escalation."""


def send_deadline_mail(kind, row, recipients):
    """One reminder or escalation about the request ``row`` (no-op without recipients)."""
    if not recipients:
        return
    doc = row.json
    payload = doc.get("payload") or {}
    title = doc.get("title") or doc.get("type")
    due = payload.get("due_date", "")
    link = current_app.config.get("SITE_UI_URL", "") + f"/access/request/{row.id}"
    body = (
        f"{TYPE_NAMES.get(doc.get('type'), '')} {doc.get('type')} · {title}\n"
        f"收到 Received: {payload.get('received_on', '')}\n"
        f"到期 Due (working days 工作日): {due}\n"
        f"{link}\n"
    )
    current_app.extensions["mail"].send(Message(
        subject=SUBJECTS[kind].format(type_zh=TYPE_NAMES.get(doc.get("type"), ""),
                                      title=title, due=due),
        recipients=recipients,
        body=body,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER", "noreply@localhost"),
    ))


def _providers(row):
    """Who answers the request ``row``."""
    return provider_emails({**row.json, "id": str(row.id)})


@shared_task(ignore_result=True)
def check_access_deadlines():
    """Remind before, escalate after the due date of running request clocks (once each)."""
    bureau = _role_emails([current_app.config["TECHDATA_ACCESS_ESCALATION_ROLE"]])
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(REQUEST_TYPES),
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
    from .grants import expire_grants

    return expire_grants()
