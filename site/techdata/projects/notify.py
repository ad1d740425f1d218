"""The overdue-project digest, through invenio-notifications (CD-TD Art. 27).

``projects-overdue-digest`` (template
``invenio_notifications/projects-overdue-digest.jinja``, Chinese then English)
lists one person's overdue projects; ``tasks.send_overdue_digest`` builds one
per person (a PI's address need not be an account's) and broadcasts it.
"""

from invenio_notifications.models import Notification

from ..kernel.notifications import ContextEmailRecipients, EmailNotificationBuilder


class OverdueDigest(EmailNotificationBuilder):
    """One person's list of overdue projects (CD-TD Art. 27): to that person."""

    type = "projects-overdue-digest"
    recipients = [ContextEmailRecipients("email")]

    @classmethod
    def build(cls, email, projects):
        """The digest for ``email`` of ``projects`` (dicts of the registry)."""
        items = [{"number": p["number"], "title_zh": p.get("title_zh", ""),
                  "acceptance_due": p.get("acceptance_due", ""),
                  "deposited": p.get("deposited", 0), "planned": p.get("planned", 0)}
                 for p in sorted(projects, key=lambda p: p.get("acceptance_due", ""))]
        return Notification(type=cls.type, context={
            "email": email, "count": len(items), "projects": items})


BUILDERS = {OverdueDigest.type: OverdueDigest}
"""The projects' notification builders, by type (merged into ``NOTIFICATIONS_BUILDERS``)."""
