"""Notification recipients: holders of a role, and the base of our builders.

Our notifications go through invenio-notifications (builders, recipient
generators, the e-mail backend, templates in zh and en); these recipient
generators add the people a builder addresses by role.
"""

from invenio_notifications.models import Recipient
from invenio_notifications.services.generators import RecipientGenerator
from invenio_records.dictutils import dict_lookup

from .roles import resolve_roles, role_users


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
