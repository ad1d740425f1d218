"""The log-in lock notice, through invenio-notifications.

``login-locked`` (template ``invenio_notifications/login-locked.jinja``,
Chinese then English) goes to the owner of an account when the log-in
throttle locks it (``login.py``). It follows no database change, so it is
broadcast at once (``kernel.notifications.send``, through Celery).
"""

from invenio_notifications.models import Notification

from ..kernel.notifications import ContextEmailRecipients, EmailNotificationBuilder


class LoginLocked(EmailNotificationBuilder):
    """An account was locked after too many failed log-ins: to its owner."""

    type = "login-locked"
    recipients = [ContextEmailRecipients("account.email")]

    @classmethod
    def build(cls, email, count, minutes):
        """The notice to ``email`` after ``count`` failures, locked ``minutes`` minutes."""
        return Notification(type=cls.type, context={
            "account": {"email": email, "count": count, "minutes": minutes}})


BUILDERS = {LoginLocked.type: LoginLocked}
"""The security notifications' builders, by type (merged into ``NOTIFICATIONS_BUILDERS``)."""
