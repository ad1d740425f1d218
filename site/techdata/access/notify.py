"""Mail about requests from outside: the provider on submission, the applicant on answers.

Bilingual plain-text mail through Invenio's mail extension, as the reviews
send theirs (``review/notify.py``). ``provider_emails`` and
``applicant_emails`` and ``send_request_mail`` (kinds ``reminder`` and
``escalation``) are also used by reminders and escalation (``tasks.py``).
"""

from flask import current_app
from flask_mail import Message
from invenio_accounts.models import User
from invenio_db import db
from invenio_communities.members.records.models import MemberModel

from ..review.notify import role_emails
from .base import PROVIDER_ROLES

SUBJECTS = {
    "submit": "【新请求】{type_zh} / New request: {title} (due {due})",
    "return": "【请补充材料】{type_zh} / More information needed: {title}",
    "decision": "【已答复】{type_zh} / Your request was answered: {title}",
    "cancel": "【已撤回】{type_zh} / Request withdrawn: {title}",
    "expire": "【已到期】{type_zh} / Access ended: {title}",
    "reminder": "【提醒】{type_zh}即将到期 / Request due soon: {title} (due {due})",
    "escalation": "【督办】{type_zh}已逾期 / Request overdue: {title} (was due {due})",
}
"""Subjects of the mails, by kind."""

TYPE_NAMES = {
    "conditional-access": "有条件开放申请",
    "conditional-sharing": "有条件共享申请",
    "opening-application": "开放申请",
    "appeal": "复核申请",
    "correction": "数据校核",
    "data-service": "增值服务申请",
}
"""Chinese names of the request types, for subjects."""


def provider_emails(request_json):
    """E-mail addresses of whoever answers the request (its receiver)."""
    receiver = request_json.get("receiver") or {}
    if "user" in receiver:
        user = db.session.get(User, int(receiver["user"]))
        return [user.email] if user and user.active else []
    if "group" in receiver:
        return role_emails([receiver["group"]])
    if "community" in receiver:
        members = MemberModel.query.filter(
            MemberModel.community_id == receiver["community"],
            MemberModel.role.in_(PROVIDER_ROLES),
            MemberModel.active.is_(True),
        ).all()
        emails = set()
        for m in members:
            if m.user_id:
                user = db.session.get(User, m.user_id)
                if user and user.active:
                    emails.add(user.email)
            elif m.group_id:
                emails.update(role_emails([m.group_id]))
        return sorted(emails)
    return []


def applicant_emails(request_json):
    """E-mail address of the applicant (the request's creator)."""
    creator = (request_json.get("created_by") or {}).get("user")
    user = db.session.get(User, int(creator)) if creator and str(creator).isdigit() else None
    return [user.email] if user and user.active else []


def send_request_mail(kind, request_json, recipients, extra=""):
    """Send one mail of ``kind`` about a request (no-op without recipients)."""
    if not recipients:
        return
    payload = request_json.get("payload") or {}
    title = request_json.get("title") or request_json.get("type")
    due = payload.get("due_date", "")
    link = current_app.config.get("SITE_UI_URL", "") + f"/access/request/{request_json['id']}"
    body = (
        f"{TYPE_NAMES.get(request_json.get('type'), '')} {request_json.get('type')} · {title}\n"
        f"状态 Status: {request_json.get('status')}\n"
        f"收到 Received: {payload.get('received_on', '')}\n"
        f"到期 Due (working days 工作日): {due}\n"
        f"{extra}\n{link}\n"
    )
    msg = Message(
        subject=SUBJECTS[kind].format(
            type_zh=TYPE_NAMES.get(request_json.get("type"), ""), title=title, due=due),
        recipients=recipients,
        body=body,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER", "noreply@localhost"),
    )
    current_app.extensions["mail"].send(msg)


def notify_transition(request, action):
    """Mail after an action: the provider on (re)submission, the applicant otherwise."""
    doc = {**dict(request), "id": str(request.id), "status": request.status,
           "type": request.type.type_id}
    if action == "submit":
        send_request_mail("submit", doc, provider_emails(doc))
    elif action == "return":
        send_request_mail("return", doc, applicant_emails(doc))
    elif action == "cancel":
        send_request_mail("cancel", doc, provider_emails(doc))
    elif action == "expire":
        send_request_mail("expire", doc, applicant_emails(doc))
    elif action not in ("create", "delete"):
        send_request_mail("decision", doc, applicant_emails(doc))
