"""Notification recipients: holders of a role, and the base of our builders.

Our notifications go through invenio-notifications (builders, recipient
generators, the e-mail backend, templates in zh and en); these recipient
generators add the people a builder addresses by role or by the address in
its context. A notification is sent when the unit of work that caused it
commits (``NotificationOp``); :func:`send` is for the few that follow no
database change (a log-in lock, a digest).
"""

from invenio_accounts.proxies import current_datastore
from invenio_notifications.models import Recipient
from invenio_notifications.services.builders import NotificationBuilder
from invenio_notifications.services.generators import EmailBackendGenerator, RecipientGenerator
from invenio_notifications.tasks import broadcast_notification
from invenio_records.dictutils import dict_lookup

from .roles import resolve_roles, role_users


class EmailNotificationBuilder(NotificationBuilder):
    """Base of our builders: no context to resolve, no filter, sent by e-mail.

    Subclasses set ``type``, ``recipients`` and a ``build`` classmethod that
    puts what the template shows in the context (JSON, sent through Celery).
    """

    context = []
    recipient_filters = []
    recipient_backends = [EmailBackendGenerator()]


def user_recipient(user):
    """A notification recipient for an account (e-mail and language preference)."""
    return Recipient(data={
        "id": str(user.id),
        "email": user.email,
        "username": user.username,
        "preferences": dict(user.preferences or {}),
    })


class RoleRecipients(RecipientGenerator):
    """Active holders of roles, named directly or through a ``config:KEY`` setting."""

    def __init__(self, *roles):
        """Role names, or ``config:KEY`` entries."""
        self.roles = roles

    def names(self):
        """The role names (``config:KEY`` resolved)."""
        return resolve_roles(self.roles)

    def __call__(self, notification, recipients):
        """Add each holder once (keyed by user id)."""
        for user in role_users(self.names()):
            recipients.setdefault(str(user.id), user_recipient(user))
        return recipients


class ContextRoleRecipients(RoleRecipients):
    """Holders of the roles listed in the notification's context at ``key``."""

    def __init__(self, key):
        """``key``: dotted path of a list of role names in the context."""
        self.key = key
        super().__init__()

    def names(self):
        """Roles given in the notification (set by the builder)."""
        return []

    def __call__(self, notification, recipients):
        """Add each holder of the context's roles."""
        roles = dict_lookup(notification.context, self.key) or []
        for user in role_users(roles):
            recipients.setdefault(str(user.id), user_recipient(user))
        return recipients


def email_recipient(email):
    """A recipient for an address: its account's (with preferences) if there is one."""
    user = current_datastore.get_user_by_email(email)
    if user is not None and user.active:
        return user_recipient(user)
    return Recipient(data={"email": email})


class ContextEmailRecipients(RecipientGenerator):
    """The address in the notification's context at ``key`` (an account's or not)."""

    def __init__(self, key):
        """``key``: dotted path of an e-mail address in the context."""
        self.key = key

    def __call__(self, notification, recipients):
        """Add the address once (keyed by it)."""
        email = dict_lookup(notification.context, self.key)
        if email:
            recipients.setdefault(email.lower(), email_recipient(email))
        return recipients


def send(notification):
    """Broadcast ``notification`` now (through Celery), for one that follows no commit."""
    broadcast_notification.delay(notification.dumps())
