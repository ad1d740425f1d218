"""Request type ``appeal`` (复核): the applicant contests a refusal.

CD-PD Art. 34 (and Art. 28): an applicant who disagrees with the provider's
answer asks the competent department for a review; the department has the
city expert committee give an opinion and answers within 15 days (working
days here, ``TECHDATA_ACCESS_DEADLINES["appeal"]``). The receiver is the
role ``expert-committee`` (``TECHDATA_APPEAL_ROLE``).

Rules enforced when an appeal is filed:

* it names a refused request of a type that can be refused
  (``APPEALABLE_TYPES``): status ``declined``, or a correction answered
  "confirmed correct" (the report was not accepted);
* only that request's applicant may appeal;
* only once per refusal: not while an appeal of it is open or after one
  was upheld; after an overturn the request is decided again, and a new
  refusal can be appealed again.

Decisions (both need the committee's expert opinion, required):

* ``uphold``: the refusal stands (appeal ``declined``);
* ``overturn``: the appeal is ``accepted`` and the original request is
  **reopened**: it goes back to ``submitted`` with a fresh clock of its own
  type's deadline counted from the day of the overturn, its previous
  decision is kept in the timeline (a comment carrying the expert opinion)
  and the provider must decide it again.
"""

from invenio_access.permissions import system_identity
from invenio_i18n import lazy_gettext as _
from invenio_records_resources.services.uow import RecordCommitOp
from invenio_requests.customizations.event_types import CommentEventType
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from marshmallow import Schema, fields, validate

from . import clock
from .applying import config, file_request, role
from .notify import provider_emails, send_request_mail
from .base import ClockedDecisionAction, ClockedRequestType, now_iso, refuse

APPEALABLE_TYPES = ("conditional-access", "conditional-sharing", "opening-application",
                    "correction", "data-service")
"""Request types whose refusal can be appealed (an appeal's own outcome is final)."""

_REQUIRED = {"required": "必填 / Required."}
_TEXT = validate.Length(min=2, max=8000, error="2-8000 个字符 / 2-8000 characters.")


class AppealSchema(Schema):
    """An appeal: the refused request and the grounds."""

    request = fields.String(required=True, error_messages=_REQUIRED)
    grounds = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)


class ExpertOpinionSchema(Schema):
    """The expert committee's opinion (CD-PD Art. 34: 专家咨询委员会评估意见)."""

    opinion = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)


class UpholdAction(ClockedDecisionAction):
    """The refusal stands."""

    status_to = "declined"
    decision_schema = ExpertOpinionSchema


class OverturnAction(ClockedDecisionAction):
    """The refusal is overturned: the original request is reopened."""

    status_to = "accepted"
    decision_schema = ExpertOpinionSchema

    def apply(self, identity, uow, decision):
        """Reopen the appealed request on a fresh clock (see module docstring)."""
        reopen(self.request, decision["opinion"], uow)


def reopen(appeal, opinion, uow, on=None):
    """Put the appealed request back to ``submitted`` with a fresh clock."""
    original = Request.get_record(appeal["payload"]["request"])
    payload = dict(original.get("payload") or {})
    payload.pop("decision", None)
    payload.pop("decided_by", None)
    payload.pop("decided_at", None)
    original["payload"] = payload
    limit = config("TECHDATA_ACCESS_DEADLINES")[original.type.deadline_key]
    clock.start(original, limit, on=on)
    original.status = "submitted"
    uow.register(RecordCommitOp(original, indexer=current_requests_service.indexer))
    text = (f"复核撤销原决定，请重新答复（复核 {appeal.id}）。专家意见：{opinion} / "
            f"The refusal was overturned on appeal {appeal.id}; decide again. "
            f"Expert opinion: {opinion}")
    current_events_service.create(
        system_identity, original.id, {"payload": {"content": text, "format": "html"}},
        CommentEventType, uow=uow, notify=False,
    )
    doc = {**dict(original), "id": str(original.id), "status": original.status,
           "type": original.type.type_id}
    send_request_mail("submit", doc, provider_emails(doc), extra=text)


class Appeal(ClockedRequestType):
    """Appeal of a refusal to the expert committee (CD-PD Art. 28, 34)."""

    type_id = "appeal"
    name = _("Appeal")
    deadline_key = "appeal"

    payload_schema = {
        **ClockedRequestType.payload_schema,
        "request": fields.String(),
        "request_type": fields.String(),
        "grounds": fields.String(),
        "refused_at": fields.String(),
    }
    available_actions = {
        **ClockedRequestType.available_actions,
        "uphold": UpholdAction,
        "overturn": OverturnAction,
    }


def is_refused(request):
    """True when ``request`` stands refused (appealable)."""
    if request.type.type_id not in APPEALABLE_TYPES:
        return False
    if request.status == "declined":
        return True
    decision = (request.get("payload") or {}).get("decision") or {}
    return (request.type.type_id == "correction" and request.status == "accepted"
            and decision.get("outcome") == "confirmed-correct")


def appeals_of(request_id):
    """Appeals filed against ``request_id`` (rows), oldest first."""
    return RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == "appeal",
        RequestMetadata.json[("payload", "request")].as_string() == str(request_id),
    ).order_by(RequestMetadata.created).all()


def file_appeal(identity, data, on=None):
    """File an appeal (rules in the module docstring); returns the submitted item."""
    data = AppealSchema().load(data or {})
    try:
        original = Request.get_record(data["request"])
    except Exception:
        refuse("没有这个请求 / No such request.")
    if not is_refused(original):
        refuse("只能对被拒绝的申请提出复核 / Only a refused request can be appealed "
               "(CD-PD Art. 34).")
    creator = (original.get("created_by") or {}).get("user")
    if str(creator) != str(identity.id):
        refuse("只有申请人本人可以提出复核 / Only the applicant can appeal (CD-PD Art. 34).")
    for row in appeals_of(original.id):
        if row.json.get("status") in ("created", "submitted", "returned", "declined"):
            refuse("对这次拒绝已经提出过复核 / This refusal has already been appealed "
                   "(one appeal per refusal).")
    payload = {
        "request": str(original.id),
        "request_type": original.type.type_id,
        "grounds": data["grounds"],
        "refused_at": (original.get("payload") or {}).get("decided_at") or now_iso(),
    }
    topic = None
    if (original.get("topic") or {}).get("record"):
        topic = original.topic.resolve()
    title = f"复核 Appeal: {original.get('title', '')}"
    return file_request(identity, Appeal, payload, role(config("TECHDATA_APPEAL_ROLE")),
                        topic=topic, title=title, on=on)
