"""Review reminders and escalations, through invenio-notifications.

Three notifications (builders registered in ``NOTIFICATIONS_BUILDERS`` by
``review/config.py``, templates ``invenio_notifications/review-*.jinja`` in
Chinese and English):

- ``review-reminder``: to whoever decides the review, some working days
  before it is due;
- ``review-overdue``: to the same people, once it is past due;
- ``review-escalation``: to the centre administrators
  (``TECHDATA_CENTRE_ADMIN_ROLE``), once it is past due (督办).

They are sent when the unit of work that flags the review commits
(:func:`notify_review`).
"""

from flask import current_app
from invenio_notifications.models import Notification
from invenio_notifications.services.uow import NotificationOp

from ..kernel.notifications import ContextRoleRecipients, EmailNotificationBuilder, RoleRecipients


def receiver_roles(request_json):
    """Roles whose holders decide the review: its group, or the centre's curators."""
    receiver = request_json.get("receiver") or {}
    roles = []
    if "group" in receiver:
        roles.append(receiver["group"])
    if "community" in receiver:
        roles.append(current_app.config["TECHDATA_CURATOR_ROLE"])
    return roles


def review_context(row):
    """What the templates show of the review ``row`` (JSON, sent through Celery)."""
    payload = row.json.get("payload") or {}
    return {
        "id": str(row.id),
        "type": row.json.get("type"),
        "title": row.json.get("title") or row.json.get("type"),
        "received_on": payload.get("received_on", ""),
        "due_date": payload.get("due_date", ""),
        "link": current_app.config.get("SITE_UI_URL", "") + f"/review/{row.id}",
    }


class ReviewNotificationBuilder(EmailNotificationBuilder):
    """Base of the review notifications: the review in the context, sent by e-mail."""

    recipients = [ContextRoleRecipients("roles")]

    @classmethod
    def build(cls, row):
        """The notification about the review request ``row`` (a ``RequestMetadata``)."""
        return Notification(type=cls.type, context={
            "review": review_context(row),
            "roles": receiver_roles(row.json),
        })


class ReviewReminderNotificationBuilder(ReviewNotificationBuilder):
    """The review is due soon: to whoever decides it."""

    type = "review-reminder"


class ReviewOverdueNotificationBuilder(ReviewNotificationBuilder):
    """The review is past due: to whoever decides it."""

    type = "review-overdue"


class ReviewEscalationNotificationBuilder(ReviewNotificationBuilder):
    """The review is past due: escalated to the centre administrators (督办)."""

    type = "review-escalation"
    recipients = [RoleRecipients("config:TECHDATA_CENTRE_ADMIN_ROLE")]


BUILDERS = {
    builder.type: builder
    for builder in (ReviewReminderNotificationBuilder, ReviewOverdueNotificationBuilder,
                    ReviewEscalationNotificationBuilder)
}
"""The review's notification builders, by type (merged into ``NOTIFICATIONS_BUILDERS``)."""


def notify_review(uow, builder, row):
    """Send ``builder``'s notification about ``row`` when ``uow`` commits."""
    uow.register(NotificationOp(builder.build(row)))
