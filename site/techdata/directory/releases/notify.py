"""Notifications of the release workflow, through invenio-notifications.

Three notifications (builders in :data:`BUILDERS`, merged into
``NOTIFICATIONS_BUILDERS``; templates
``invenio_notifications/directory-release-*.jinja`` in Chinese and English):

- ``directory-release-submitted``: the confidentiality reviewers are asked to
  review the draft (CD-TD Art. 24);
- ``directory-release-passed`` / ``directory-release-failed``: the bureau
  learns the decision (failed: with the reasons).

The release service registers them on its unit of work
(``NotificationOp``), so they go out once the step is committed; a mail
that cannot be sent never undoes the step.
"""

from flask import current_app
from invenio_notifications.models import Notification

from ...kernel.notifications import EmailNotificationBuilder, RoleRecipients

AUDIENCE_NAMES = {"open": "开放目录 open directory", "resource": "资源目录 resource directory"}
"""Names of the directories in the notifications (both languages)."""


def release_context(release):
    """What the templates show of ``release`` (JSON, sent through Celery)."""
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {
        "id": release.id,
        "audience": release.audience,
        "audience_name": AUDIENCE_NAMES.get(release.audience, release.audience),
        "entry_count": release.entry_count,
        "digest": release.digest or "",
        "reasons": release.review_reasons or "",
        "link": f"{ui}/directory/releases/manage?audience={release.audience}",
    }


class ReleaseNotificationBuilder(EmailNotificationBuilder):
    """Base of the release notifications: the release in the context, sent by e-mail."""

    recipients = [RoleRecipients("config:TECHDATA_DIRECTORY_RELEASE_BUREAU_ROLES")]

    @classmethod
    def build(cls, release):
        """The notification about ``release`` (an ``OpenDirectoryRelease``)."""
        return Notification(type=cls.type, context={"release": release_context(release)})


class ReleaseSubmitted(ReleaseNotificationBuilder):
    """A draft release awaits confidentiality review: to the reviewers (CD-TD Art. 24)."""

    type = "directory-release-submitted"
    recipients = [RoleRecipients("config:TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE")]


class ReleasePassed(ReleaseNotificationBuilder):
    """The review passed; the bureau may publish."""

    type = "directory-release-passed"


class ReleaseFailed(ReleaseNotificationBuilder):
    """The review failed and the release is a draft again, with the reasons: to the bureau."""

    type = "directory-release-failed"


BUILDERS = {builder.type: builder for builder in (ReleaseSubmitted, ReleasePassed, ReleaseFailed)}
"""The release notifications' builders, by type (merged into ``NOTIFICATIONS_BUILDERS``)."""
