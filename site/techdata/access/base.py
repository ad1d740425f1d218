"""The base of every request from outside: a request type on a working-day clock.

``ClockedRequestType`` is an invenio-requests type whose payload carries the
clock of ``clock.py`` (so ``due_date`` is in the body ``/api/requests``
returns; DOMAIN "Requests and their deadlines"). Its actions move the clock:

* ``submit`` (``ClockedSubmitAction``): created/returned → submitted. The
  first submission starts the clock (limit from ``TECHDATA_ACCESS_DEADLINES``
  under the type's ``deadline_key``); a resubmission after a return resumes
  it with the working days that were left (clock rule 3).
* ``return`` (``ReturnForInfoAction``): submitted → returned, waiting on the
  applicant; pauses the clock (rule 2). A comment saying what is missing is
  required.
* decisions (``ClockedDecisionAction`` subclasses, e.g. grant, refuse): stop
  the clock (rule 4) and record who decided, when, and the decision data.
* ``cancel`` (the applicant withdraws) and ``expire`` (system) stop it too.

Actions that need data (a decision's fields, a return's comment) run through
``execute_clocked``, which validates the data with the action's
``decision_schema`` (errors "中文 / English", a 400) and passes it to the
action. The same action sent bare to ``/api/requests/<id>/actions/<name>``
is refused with a message naming the endpoint to use.

After every action the people concerned are notified when its unit of work
commits (``notify.py``: the provider on (re)submission and withdrawal, the
applicant on returns, decisions and expiry).

Who may act (``techdata.permissions.TechDataRequestsPermissionPolicy``):
the creator (applicant) submits, resubmits and cancels; the receiver (the
providing entity: the data-centre community of the record — its owners,
managers and curators — or, for a record in no community, its owner) returns
and decides; the record's managers read the request through its topic; the
bureau administrators read every request.
"""

from dataclasses import dataclass

from flask import current_app
from invenio_records_resources.services.uow import IndexRefreshOp, UnitOfWork
from invenio_requests.customizations import RequestType, actions
from invenio_requests.customizations.actions import RequestActions
from invenio_requests.customizations.event_types import LogEventType
from invenio_requests.customizations.states import RequestState
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from marshmallow import EXCLUDE, Schema, fields

from ..kernel import audit
from ..kernel.i18n import _
from . import clock, registry
from .common import NOT_FOUND, TEXT, now_iso, refuse
from .notify import notify_transition
from .receivers import PROVIDER_ROLES


@dataclass
class Filing:
    """What filing an application stores (``ClockedRequestType.prepare``)."""

    payload: dict
    """The request's payload (validated)."""
    receiver: object
    """Who answers: a community, a user or a role."""
    topic: object = None
    """The record the request is about, if any."""
    title: str = ""
    """The request's title (never a title the applicant may not read)."""
    one_open_per_record: bool = False
    """Refuse a second open request of the type by the applicant on the same record."""


#
# Actions
#
class ClockedSubmitAction(actions.SubmitAction):
    """Submit, or resubmit after a return: start or resume the clock."""

    status_from = ["created", "returned"]
    status_to = "submitted"

    def execute(self, identity, uow, on=None, **kwargs):
        """Start the clock on the first submission, resume it after a return."""
        self.request.type.validate_submission(self.request)  # before anything changes
        payload = self.request.get("payload") or {}
        resubmitted = self.request.status == "returned"
        if payload.get("clock") == clock.PAUSED:
            clock.resume(self.request, on=on)
        elif not payload.get("clock"):
            key = self.request.type.deadline()
            clock.start(self.request, current_app.config["TECHDATA_ACCESS_DEADLINES"][key],
                        on=on, counting=clock.clock_counting(key))
        self.request.status = self.status_to
        if resubmitted:  # the first submission is the request itself; log the answer
            current_events_service.create(
                identity, self.request.id,
                {"payload": {"event": "resubmitted"}}, LogEventType, uow=uow,
            )


class ReturnForInfoAction(actions.RequestAction):
    """Return the request to the applicant for more information (pauses the clock)."""

    status_from = ["submitted"]
    status_to = "returned"
    needs_comment = True

    def execute(self, identity, uow, comment=None, on=None, **kwargs):
        """Pause the clock and record what was asked (rule 2)."""
        if not (comment or "").strip():
            refuse(
                _("Returning a request needs a comment saying what is missing: use "
                  "/api/techdata/access/requests/<id>/actions/return or the request page."),
                "comment")
        clock.pause(self.request, on=on)
        payload = dict(self.request["payload"])
        payload["returns"] = list(payload.get("returns") or []) + [
            {"by": str(identity.id), "at": now_iso(), "comment": comment.strip()}
        ]
        self.request["payload"] = payload
        super().execute(identity, uow)


def _audit(request, identity, uow, before, after, decision=None):
    """Record a request's decision or closing in the audit trail (LZ Art. 21, 40)."""
    payload = request.get("payload") or {}
    audit.log("techdata.access.decide", str(request.id), identity=identity, uow=uow,
              before={"status": before},
              after={"status": after, **({"decision": decision} if decision else {})},
              details={"type": request.type.type_id, "topic": request.get("topic") or {},
                       "grant": payload.get("grant")})


class ClockedDecisionAction(actions.RequestAction):
    """Base of the terminal decisions of the provider: stops the clock.

    Subclasses set ``status_to`` (``accepted`` for a grant or an answer,
    ``declined`` for a refusal), ``decision_schema`` (a marshmallow
    ``Schema`` class for the decision data, or None) and implement
    ``apply(identity, uow, decision)`` for what the decision does.
    """

    status_from = ["submitted"]
    status_to = "accepted"
    decision_schema = None
    needs_comment = False

    def apply(self, identity, uow, decision):
        """What the decision does besides stopping the clock (nothing by default)."""

    def execute(self, identity, uow, decision=None, comment=None, on=None, **kwargs):
        """Check that the decision came with its data, apply it, stop the clock."""
        if decision is None and self.decision_schema is not None:
            refuse(
                _("This decision needs its data: use "
                  "/api/techdata/access/requests/<id>/actions/<action> or the request page."))
        if self.needs_comment and not (comment or "").strip():
            refuse(_("A reason is required."), "comment")
        self.apply(identity, uow, decision or {})
        clock.stop(self.request, on=on)
        payload = dict(self.request["payload"])
        payload.update(
            decided_by=str(identity.id),
            decided_at=now_iso(),
            decision={"action": self.name(), **_jsonable(decision or {}),
                      **({"comment": comment.strip()} if comment else {})},
        )
        self.request["payload"] = payload
        super().execute(identity, uow)
        _audit(self.request, identity, uow, "submitted", self.status_to, payload["decision"])

    def name(self):
        """The action's name in the type's ``available_actions``."""
        for key, cls in self.request.type.available_actions.items():
            if cls is type(self):
                return key
        return type(self).__name__


class RefuseSchema(Schema):
    """A refusal's reasons: ``reason``, or else the action's comment."""

    class Meta:
        """Fields of the other decisions in the same form are ignored."""

        unknown = EXCLUDE

    reason = fields.String(load_default=None, validate=TEXT)


class RefuseAction(ClockedDecisionAction):
    """Refuse, with the reasons: the one refusal of every type (CD-PD Art. 34; QY Art. 24).

    The reasons come as ``reason`` or as the comment; they are required, go
    to the applicant and stay in the payload (``refusal_reason``) and the
    timeline. A refusal can be appealed (``appeal.py``) where the registry says so.
    """

    status_to = "declined"
    decision_schema = RefuseSchema

    def execute(self, identity, uow, decision=None, comment=None, on=None, **kwargs):
        """Refuse unless reasons are given; record them."""
        if decision is not None:
            reason = (decision.get("reason") or comment or "").strip()
            if not reason:
                refuse(_("A reason is required."), "reason")
            decision = {**decision, "reason": reason}
        super().execute(identity, uow, decision=decision, comment=comment, on=on, **kwargs)

    def apply(self, identity, uow, decision):
        """Record the reasons in the payload."""
        payload = dict(self.request["payload"])
        payload["refusal_reason"] = decision["reason"]
        self.request["payload"] = payload


class ClockedCancelAction(actions.CancelAction):
    """The applicant withdraws the request: stops the clock."""

    status_from = ["created", "submitted", "returned"]

    def execute(self, identity, uow, on=None, **kwargs):
        """Stop the clock and cancel."""
        if (self.request.get("payload") or {}).get("clock"):
            clock.stop(self.request, on=on)
        before = self.request.status
        super().execute(identity, uow)
        _audit(self.request, identity, uow, before, "cancelled")


class ClockedExpireAction(actions.ExpireAction):
    """The system ends a request (or a grant whose term ended): stops the clock."""

    status_from = ["submitted", "returned", "accepted"]

    def execute(self, identity, uow, on=None, **kwargs):
        """Stop a running clock and expire."""
        payload = self.request.get("payload") or {}
        if payload.get("clock") in (clock.RUNNING, clock.PAUSED):
            clock.stop(self.request, on=on)
        before = self.request.status
        super().execute(identity, uow)
        _audit(self.request, identity, uow, before, "expired")


#
# The type
#
class ClockedRequestType(RequestType):
    """Base of the six request types from outside (conditional access ... data service)."""

    type_id = "clocked-request"
    name = _("Request")

    deadline_key = None
    """Key of ``TECHDATA_ACCESS_DEADLINES`` (default: the registry row's, ``registry.py``)."""

    application_schema = None
    """Schema of the applicant's application, when a returned request is answered with it."""

    creator_can_be_none = False
    topic_can_be_none = True
    allowed_creator_ref_types = ["user"]
    allowed_receiver_ref_types = ["community", "user", "group"]
    allowed_topic_ref_types = ["record"]
    resolve_topic_needs = True
    needs_context = {"community_roles": PROVIDER_ROLES, "record_permission": "manage"}

    available_statuses = {
        **RequestType.available_statuses,
        "returned": RequestState.OPEN,
    }
    payload_schema = {
        **clock.CLOCK_FIELDS,
        "returns": fields.List(fields.Dict()),
        "decision": fields.Dict(),
        "decided_by": fields.String(),
        "decided_at": fields.String(),
        "refusal_reason": fields.String(),
    }
    """Clock fields, return history and the decision; subclasses add their own."""

    available_actions = {
        "create": actions.CreateAction,
        "submit": ClockedSubmitAction,
        "delete": actions.DeleteAction,
        "return": ReturnForInfoAction,
        "cancel": ClockedCancelAction,
        "expire": ClockedExpireAction,
    }

    @classmethod
    def deadline(cls):
        """The key of ``TECHDATA_ACCESS_DEADLINES`` giving the working days to answer."""
        return cls.deadline_key or registry.get(cls.type_id).deadline

    @classmethod
    def validate_submission(cls, request):
        """Refuse a submission that lacks something (override per type)."""

    @classmethod
    def prepare(cls, identity, data, on=None):
        """What filing ``data`` stores: a :class:`Filing` (override per type).

        Validates the applicant's data (bilingual 400s), finds the receiver
        and the topic; nothing is stored yet (``applying.file_request``).
        """
        raise NotImplementedError


def payload_fields(*strings, **others):
    """A type's payload schema: the base type's, plus string fields ``strings`` and ``others``."""
    return {**ClockedRequestType.payload_schema,
            **{name: fields.String() for name in strings}, **others}


def actions_with(**decisions):
    """A type's actions: the base type's, plus its ``decisions`` (name → action class)."""
    return {**ClockedRequestType.available_actions, **decisions}


def _jsonable(data):
    """Decision data with dates as ISO strings (payloads are JSON)."""
    out = {}
    for key, value in data.items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


#
# Running actions with data
#
def get_clocked(request_id):
    """The request ``request_id`` if it is one of ours (else a bilingual 400)."""
    try:
        request = Request.get_record(request_id)
    except Exception:
        refuse(NOT_FOUND)
    if not isinstance(request.type, ClockedRequestType):
        refuse(_("Not a request from outside."))
    return request


def _comment(text):
    """Comment payload of an action (shown in the timeline)."""
    return {"payload": {"content": text, "format": "html"}} if text else None


def execute_clocked(identity, request_id, action, data=None, comment=None, on=None):
    """Run ``action`` on a clocked request with validated ``data`` and a comment.

    ``data`` is loaded with the action's ``decision_schema`` (bilingual 400 on
    bad input; nothing is changed then). The comment goes into the timeline;
    the events index is refreshed so it is visible at once. ``on`` moves the
    clock as of another day (tests, imports). Returns the request result item.
    """
    request = get_clocked(request_id)
    action_cls = request.type.available_actions.get(action)
    if action_cls is None:
        refuse(_("No such action: %(action)s", action=action), "action")
    schema = getattr(action_cls, "decision_schema", None)
    decision = schema().load(data or {}) if schema is not None else None
    if not RequestActions.get_action(request, action).can_execute():
        refuse(_("This request cannot take this action now (status: %(status)s).",
                 status=request.status), "action")
    kwargs = {"on": on} if on is not None else {}
    if decision is not None:
        kwargs["decision"] = decision
    if comment:
        kwargs["comment"] = comment
    with UnitOfWork() as uow:
        result = current_requests_service.execute_action(
            identity, request.id, action, data=_comment(comment), uow=uow, **kwargs
        )
        uow.register(IndexRefreshOp(indexer=current_events_service.indexer))
        notify_transition(uow, Request.get_record(request.id), action)
        uow.commit()
    return result
