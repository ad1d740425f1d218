"""Request type ``appeal`` (复核): the applicant contests a refusal.

CD-PD Art. 34 (and Art. 28): an applicant who disagrees with the provider's
answer asks the competent department for a review; the department has the
city expert committee give an opinion and answers within 15 days (working
days here, ``TECHDATA_ACCESS_DEADLINES["appeal"]``). The receiver is the
role ``expert-committee`` (``TECHDATA_APPEAL_ROLE``).

Rules enforced when an appeal is filed:

* it names a refused request of a type that can be refused
  (``registry.APPEALABLE_TYPES``): status ``declined``, or a correction answered
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

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_records_resources.services.uow import RecordCommitOp
from invenio_requests.customizations.event_types import CommentEventType
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from marshmallow import Schema, fields

from ..kernel.i18n import _, bilingual
from . import clock, registry
from .applying import file_request
from .base import ClockedDecisionAction, ClockedRequestType, Filing, actions_with, payload_fields
from .common import LONG_TEXT, NOT_FOUND, REQUIRED, now_iso, refuse
from .notify import notify_transition
from .receivers import role


class AppealSchema(Schema):
    """An appeal: the refused request and the grounds."""

    request = fields.String(required=True, error_messages=REQUIRED)
    grounds = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)


class ExpertOpinionSchema(Schema):
    """The expert committee's opinion (CD-PD Art. 34: 专家咨询委员会评估意见)."""

    opinion = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)


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
    key = original.type.deadline()
    clock.start(original, current_app.config["TECHDATA_ACCESS_DEADLINES"][key], on=on,
                counting=clock.clock_counting(key))
    original.status = "submitted"
    uow.register(RecordCommitOp(original, indexer=current_requests_service.indexer))
    text = (bilingual(_("The refusal was overturned on appeal %(id)s; decide again. Expert "
                        "opinion: %(opinion)s", id=appeal.id, opinion=opinion)))
    current_events_service.create(
        system_identity, original.id, {"payload": {"content": text, "format": "html"}},
        CommentEventType, uow=uow, notify=False,
    )
    notify_transition(uow, original, "submit", extra=text)


class Appeal(ClockedRequestType):
    """Appeal of a refusal to the expert committee (CD-PD Art. 28, 34)."""

    type_id = "appeal"
    name = _("Appeal")

    payload_schema = payload_fields("request", "request_type", "grounds", "refused_at")
    available_actions = actions_with(uphold=UpholdAction, overturn=OverturnAction)

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The appeal of a refusal by its applicant, once per refusal, to the committee."""
        data = AppealSchema().load(data)
        try:
            original = Request.get_record(data["request"])
        except Exception:  # noqa: BLE001  (unknown id)
            refuse(NOT_FOUND)
        if not is_refused(original):
            refuse(_("Only a refused request can be appealed (CD-PD Art. 34)."))
        creator = (original.get("created_by") or {}).get("user")
        if str(creator) != str(identity.id):
            refuse(_("Only the applicant can appeal (CD-PD Art. 34)."))
        for row in appeals_of(original.id):
            if row.json.get("status") in ("created", "submitted", "returned", "declined"):
                refuse(_("This refusal has already been appealed (one appeal per refusal)."))
        payload = {
            "request": str(original.id),
            "request_type": original.type.type_id,
            "grounds": data["grounds"],
            "refused_at": (original.get("payload") or {}).get("decided_at") or now_iso(),
        }
        topic = None
        if (original.get("topic") or {}).get("record"):
            topic = original.topic.resolve()
        return Filing(payload=payload,
                      receiver=role(current_app.config["TECHDATA_APPEAL_ROLE"]),
                      topic=topic, title=f"{registry.get(cls.type_id).names}: "
                                         f"{original.get('title', '')}")


def is_refused(request):
    """True when ``request`` stands refused (appealable)."""
    if request.type.type_id not in registry.APPEALABLE_TYPES:
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
    return file_request(identity, Appeal.type_id, data or {}, on=on)
