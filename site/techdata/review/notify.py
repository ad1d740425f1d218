"""Review reminders and escalations by e-mail (Invenio's mail, bilingual)."""

from flask import current_app
from flask_mail import Message
from invenio_accounts.models import Role, User
from sqlalchemy import or_

SUBJECTS = {
    "reminder": "【提醒】审核即将到期 / Review due soon: {title} (due {due})",
    "escalation": "【督办】审核已逾期 / Review overdue: {title} (was due {due})",
}
"""Subjects of the two kinds of review mail."""


def role_emails(roles):
    """E-mail addresses of the active holders of ``roles`` (role ids or names).

    The domain roles are created with id = name; InvenioRDM's own (``admin``)
    may not be, so either matches. The one lookup every mail of ours uses.
    """
    roles = list(roles or [])
    if not roles:
        return []
    users = User.query.join(User.roles).filter(
        or_(Role.id.in_(roles), Role.name.in_(roles)), User.active.is_(True))
    return sorted({u.email for u in users})


def send_review_mail(kind, row, recipients):
    """Send one reminder or escalation about the review ``row`` (no-op without recipients)."""
    if not recipients:
        return
    payload = row.json.get("payload") or {}
    title = row.json.get("title") or row.json.get("type")
    due = payload.get("due_date", "")
    link = current_app.config.get("SITE_UI_URL", "") + f"/review/{row.id}"
    body = (
        f"{row.json.get('type')} · {title}\n"
        f"收到 Received: {payload.get('received_on', '')}\n"
        f"到期 Due (working days 工作日): {due}\n"
        f"{link}\n"
    )
    msg = Message(
        subject=SUBJECTS[kind].format(title=title, due=due),
        recipients=recipients,
        body=body,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER", "noreply@localhost"),
    )
    current_app.extensions["mail"].send(msg)
