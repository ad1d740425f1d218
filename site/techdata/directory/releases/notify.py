"""Mail of the release workflow (Invenio's mail, bilingual plain text).

- submitted: the confidentiality reviewers are asked to review (CD-TD Art. 24);
- reviewed: the bureau learns the decision (passed, or failed with reasons).

A mail that cannot be sent is logged; it never undoes or fails the step.
"""

from flask import current_app
from flask_mail import Message

from ...review.notify import role_emails

SUBJECTS = {
    "submitted": "【保密审查】目录版本待审查 / Directory release awaits confidentiality review ({audience})",
    "passed": "【保密审查通过】目录版本可以发布 / Directory release passed review ({audience})",
    "failed": "【保密审查未通过】目录版本退回草稿 / Directory release failed review ({audience})",
}
"""Subjects by kind."""

AUDIENCE_NAMES = {"open": "开放目录 open directory", "resource": "资源目录 resource directory"}
"""Names of the directories in mail."""


def send_release_mail(kind, release):
    """Send the ``kind`` mail about ``release`` to whoever acts next."""
    config = current_app.config
    if kind == "submitted":
        recipients = role_emails([config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"]])
    else:
        recipients = role_emails(config["TECHDATA_DIRECTORY_RELEASE_BUREAU_ROLES"])
    if not recipients:
        return
    audience = AUDIENCE_NAMES.get(release.audience, release.audience)
    link = f"{config.get('SITE_UI_URL', '')}/directory/releases/manage?audience={release.audience}"
    body = (f"{audience}\n"
            f"条目数 Entries: {release.entry_count}\n"
            f"SHA-256: {release.digest}\n")
    if kind == "failed":
        body += f"理由 Reasons: {release.review_reasons}\n"
    body += f"{link}\n"
    msg = Message(subject=SUBJECTS[kind].format(audience=audience), recipients=recipients,
                  body=body, sender=config.get("MAIL_DEFAULT_SENDER", "noreply@localhost"))
    try:
        current_app.extensions["mail"].send(msg)
    except Exception:  # the step is done and committed; a mail problem is only logged
        current_app.logger.exception("directory release: could not send the %s mail", kind)
