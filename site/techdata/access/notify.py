"""Notifications of requests from outside, through invenio-notifications.

Seven notifications (builders in :data:`BUILDERS`, merged into
``NOTIFICATIONS_BUILDERS`` by ``access/config.py``; templates
``invenio_notifications/access-request-*.jinja``, Chinese then English):

- ``access-request-submitted``: a new or resubmitted (or reopened) request,
  to whoever answers it (the providing entity, ``receivers.py``);
- ``access-request-returned`` / ``-decided`` / ``-expired``: to the applicant;
- ``access-request-cancelled``: the applicant withdrew it, to the provider;
- ``access-request-reminder``: due soon, to the provider;
- ``access-request-escalation``: overdue, to the provider and the bureau
  (``TECHDATA_ACCESS_ESCALATION_ROLE``, 督办).

invenio-notifications sends one mail per recipient. The notifications are
registered on the unit of work of the action (:func:`notify_transition`,
:func:`notify_deadline`) and go out once it commits; a mail that cannot be
sent never undoes the action.
"""

from flask import current_app
from invenio_notifications.models import Notification
from invenio_notifications.services.generators import RecipientGenerator
from invenio_notifications.services.uow import NotificationOp

from ..kernel.i18n import in_languages
from ..kernel.notifications import EmailNotificationBuilder, RoleRecipients, user_recipient
from . import registry
from .receivers import applicant_user, provider_users


def request_context(request_json, extra=""):
    """What the templates show of a request (JSON, sent through Celery).

    ``receiver``, ``created_by`` and ``topic`` are kept for the recipient generators
    (the topic's providing entity has data admins who answer too; issue 18).
    """
    payload = request_json.get("payload") or {}
    row = registry.REGISTRY.get(request_json.get("type"))
    names = in_languages(row.name_en) if row else {"zh": "", "en": ""}
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {
        "id": str(request_json["id"]),
        "type": request_json.get("type"),
        "type_zh": row.name_zh if row else "",
        "type_en": names["en"],
        "title": request_json.get("title") or request_json.get("type"),
        "status": request_json.get("status"),
        "received_on": payload.get("received_on", ""),
        "due_date": payload.get("due_date", ""),
        "extra": extra or "",
        "link": f"{ui}/access/request/{request_json['id']}",
        "receiver": dict(request_json.get("receiver") or {}),
        "created_by": dict(request_json.get("created_by") or {}),
        "topic": dict(request_json.get("topic") or {}),
    }


def request_doc(request):
    """The JSON of a request record (a ``Request``) as the notifications read it."""
    return {**dict(request), "id": str(request.id), "status": request.status,
            "type": request.type.type_id}


def row_doc(row):
    """The JSON of a ``RequestMetadata`` row as the notifications read it."""
    return {**row.json, "id": str(row.id)}


class ProviderRecipients(RecipientGenerator):
    """Whoever answers the request in the context (its receiver's active accounts)."""

    def __call__(self, notification, recipients):
        """Add each provider once (keyed by user id)."""
        for user in provider_users(notification.context["request"]):
            recipients.setdefault(str(user.id), user_recipient(user))
        return recipients


class ApplicantRecipients(RecipientGenerator):
    """The applicant of the request in the context (its creator), if active."""

    def __call__(self, notification, recipients):
        """Add the applicant."""
        user = applicant_user(notification.context["request"])
        if user is not None:
            recipients.setdefault(str(user.id), user_recipient(user))
        return recipients


class AccessNotificationBuilder(EmailNotificationBuilder):
    """Base of the access notifications: the request in the context, sent by e-mail."""

    recipients = []

    @classmethod
    def build(cls, request_json, extra=""):
        """The notification about the request ``request_json`` (its JSON with ``id``)."""
        return Notification(type=cls.type,
                            context={"request": request_context(request_json, extra)})


PROVIDER = [ProviderRecipients()]
"""Whoever answers the request."""

APPLICANT = [ApplicantRecipients()]
"""The applicant."""


def access_builder(type_, recipients, doc):
    """A builder of :class:`AccessNotificationBuilder`'s kind for ``type_``, to ``recipients``."""
    name = "".join(part.title() for part in type_.split("-")[1:])
    return type(name, (AccessNotificationBuilder,),
                {"type": type_, "recipients": recipients, "__doc__": doc})


(RequestSubmitted, RequestReturned, RequestDecided, RequestCancelled, RequestExpired,
 RequestReminder, RequestEscalation) = (access_builder(*row) for row in (
    ("access-request-submitted", PROVIDER,
     "A request (re)submitted or reopened on appeal: to the provider."),
    ("access-request-returned", APPLICANT, "Returned for more information: to the applicant."),
    ("access-request-decided", APPLICANT,
     "Answered (granted, refused, decided): to the applicant."),
    ("access-request-cancelled", PROVIDER, "Withdrawn by the applicant: to the provider."),
    ("access-request-expired", APPLICANT,
     "Ended by the system (a grant's term is over): to the applicant."),
    ("access-request-reminder", PROVIDER, "Due soon: to the provider."),
    ("access-request-escalation",
     PROVIDER + [RoleRecipients("config:TECHDATA_ACCESS_ESCALATION_ROLE")],
     "Overdue: to the provider and the bureau (督办)."),
))


BUILDERS = {
    builder.type: builder
    for builder in (RequestSubmitted, RequestReturned, RequestDecided, RequestCancelled,
                    RequestExpired, RequestReminder, RequestEscalation)
}
"""The access notifications' builders, by type (merged into ``NOTIFICATIONS_BUILDERS``)."""

TRANSITIONS = {
    "submit": RequestSubmitted,
    "return": RequestReturned,
    "cancel": RequestCancelled,
    "expire": RequestExpired,
}
"""The notification of an action; every other action but create/delete is a decision."""


def notify_transition(uow, request, action, extra=""):
    """After ``action`` on ``request``: notify the people concerned when ``uow`` commits."""
    if action in ("create", "delete"):
        return
    builder = TRANSITIONS.get(action, RequestDecided)
    uow.register(NotificationOp(builder.build(request_doc(request), extra)))


def notify_deadline(uow, builder, row):
    """``builder``'s notification (reminder, escalation) about ``row`` on ``uow``'s commit."""
    uow.register(NotificationOp(builder.build(row_doc(row))))
