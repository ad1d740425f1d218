"""Mail about requests from outside: the provider on submission, the applicant on answers.

Bilingual plain-text mail through Invenio's mail extension. ``send_request_mail``
(kinds ``reminder`` and ``escalation`` too) is used by reminders and
escalation (``tasks.py``); the recipients come from ``receivers.py`` and the
type names from the registry.
"""

from flask import current_app
from flask_mail import Message

from . import registry
from .receivers import applicant_emails, provider_emails

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


def _type_zh(type_id):
    """The Chinese name of a request type (empty for another type)."""
    row = registry.REGISTRY.get(type_id)
    return row.name_zh if row else ""


def send_request_mail(kind, request_json, recipients, extra=""):
    """Send one mail of ``kind`` about a request (no-op without recipients)."""
    if not recipients:
        return
    payload = request_json.get("payload") or {}
    title = request_json.get("title") or request_json.get("type")
    due = payload.get("due_date", "")
    type_zh = _type_zh(request_json.get("type"))
    link = current_app.config.get("SITE_UI_URL", "") + f"/access/request/{request_json['id']}"
    body = (
        f"{type_zh} {request_json.get('type')} · {title}\n"
        f"状态 Status: {request_json.get('status')}\n"
        f"收到 Received: {payload.get('received_on', '')}\n"
        f"到期 Due (working days 工作日): {due}\n"
        f"{extra}\n{link}\n"
    )
    msg = Message(
        subject=SUBJECTS[kind].format(type_zh=type_zh, title=title, due=due),
        recipients=recipients,
        body=body,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER", "noreply@localhost"),
    )
    current_app.extensions["mail"].send(msg)


def request_doc(request):
    """The JSON of a request record as the mails read it."""
    return {**dict(request), "id": str(request.id), "status": request.status,
            "type": request.type.type_id}


def notify_transition(request, action, extra=""):
    """Mail after an action: the provider on (re)submission, the applicant otherwise."""
    doc = request_doc(request)
    if action == "submit":
        send_request_mail("submit", doc, provider_emails(doc), extra=extra)
    elif action == "return":
        send_request_mail("return", doc, applicant_emails(doc))
    elif action == "cancel":
        send_request_mail("cancel", doc, provider_emails(doc))
    elif action == "expire":
        send_request_mail("expire", doc, applicant_emails(doc))
    elif action not in ("create", "delete"):
        send_request_mail("decision", doc, applicant_emails(doc))
