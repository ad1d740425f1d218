"""Request types ``deposit-review`` and ``confidentiality-review``.

``DepositReview`` is InvenioRDM's community submission aimed at a data
centre (CD-TD Art. 11): the centre's curators accept (confirming or changing
the classification levels, with the basis recorded), decline with a reason,
or return it for changes; the depositor resubmits the same request, so its
timeline keeps the whole history.

``ConfidentialityReview`` (CD-TD Art. 24, CD-PD Art. 40, LZ Art. 23) goes to
the confidentiality-reviewer role once a deposit that would open data is
accepted. Passing it publishes the record; failing it keeps it unopened.
Decisions carry payloads (grading, checklist), so they are taken through
``ReviewDecisions`` (REST ``/api/techdata/reviews/<id>/decision`` and the
review pages); a bare ``accept`` without a recorded decision is refused.
"""

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_accounts.models import Role
from invenio_db import db
from invenio_drafts_resources.services.records.uow import ParentRecordCommitOp
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_rdm_records.requests import community_submission as cs
from invenio_requests.customizations import RequestType, actions
from invenio_requests.customizations.states import RequestState
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError, fields

from ..kernel import audit
from ..kernel.i18n import _, bilingual
from ..kernel.uow import commit_and_index_once
from .deadlines import stamp_due_date
from .fingerprint import content_fingerprint
from .gate import needs_confidentiality_review, reviewed_draft


def _refuse(message):
    """A bilingual refusal of an action (400, never a 500)."""
    raise ValidationError(message)


def audit_deposit(action_id, request, identity, uow, before, after):
    """A deposit's submission, return or refusal in the audit trail (CD-TD Art. 10-11)."""
    topic = (request.get("topic") or {}).get("record") or str(request.id)
    audit.log(action_id, topic, identity=identity, uow=uow, before={"status": before},
              after={"status": after}, details={"request": str(request.id)})


#
# Deposit review
#
class DepositSubmitAction(cs.SubmitAction):
    """Submit (or resubmit after a return) a deposit to a data centre."""

    status_from = ["created", "returned"]

    def execute(self, identity, uow):
        """Submit and start the working-day clock."""
        before = self.request.status
        super().execute(identity, uow)
        stamp_due_date(self.request, "deposit-review")
        audit_deposit("techdata.deposit.submit", self.request, identity, uow, before, "submitted")


class DepositAcceptAction(cs.AcceptAction):
    """Accept a deposit with its grading; open a confidentiality review if needed."""

    def execute(self, identity, uow, **kwargs):
        """CD-TD Art. 11 grading recorded; CD-TD Art. 24 review before opening."""
        payload = self.request.get("payload") or {}
        if not payload.get("grading"):
            _refuse(
                bilingual(_("Accepting needs the grading confirmed with its basis (CD-TD Art. "
                            "11): use the review page or /api/techdata/reviews/<id>/decision."))
            )
        draft = self.request.topic.resolve()
        if not needs_confidentiality_review(draft):
            # 不予开放: published metadata-restricted, no review needed to keep it closed.
            return super().execute(identity, uow, **kwargs)
        community = self.request.receiver.resolve()
        records_service._validate_draft(identity, draft)
        if draft.review is not None:
            draft.review = None
            # indexed once with the grading the decision wrote into it (issue 21)
            commit_and_index_once(uow, draft, records_service.draft_indexer)
        draft.parent.review = None
        if draft.versions.index == 1:
            draft.parent.communities.add(community, request=self.request, default=True)
        uow.register(
            ParentRecordCommitOp(draft.parent, indexer_context=dict(service=records_service))
        )
        actions.AcceptAction.execute(self, identity, uow)
        open_confidentiality_review(draft, self.request, identity, community, uow)


class DepositReturnAction(actions.RequestAction):
    """Return the deposit to the depositor for changes (it can be resubmitted)."""

    status_from = ["submitted"]
    status_to = "returned"

    def execute(self, identity, uow):
        """Return it; recorded in the audit trail."""
        super().execute(identity, uow)
        audit_deposit("techdata.deposit.return", self.request, identity, uow, "submitted",
                      "returned")


class DepositDeclineAction(cs.DeclineAction):
    """Decline the deposit (with a reason); recorded in the audit trail."""

    def execute(self, identity, uow):
        """Decline as InvenioRDM does, then record it."""
        super().execute(identity, uow)
        audit_deposit("techdata.deposit.return", self.request, identity, uow, "submitted",
                      "declined")


class DepositReview(cs.CommunitySubmission):
    """Review of a deposit by a data centre's curators (CD-TD Art. 11)."""

    type_id = "deposit-review"
    name = _("Deposit review")

    available_statuses = {
        **RequestType.available_statuses,
        "returned": RequestState.OPEN,
    }
    payload_schema = {
        "due_date": fields.String(),
        "received_on": fields.String(),
        "reminded": fields.Boolean(),
        "escalated": fields.Boolean(),
        "grading": fields.Dict(),
        "decided_by": fields.String(),
        "decided_at": fields.String(),
    }
    available_actions = {
        **cs.CommunitySubmission.available_actions,
        "submit": DepositSubmitAction,
        "accept": DepositAcceptAction,
        "return": DepositReturnAction,
        "decline": DepositDeclineAction,
    }


#
# Confidentiality review
#
def _recorded_decision(request, identity, decision, message):
    """The payload, once ``identity`` recorded ``decision`` through ``ReviewDecisions``.

    A bare action without the recorded checklist/reasons is refused with
    ``message``; so is the curator who accepted the deposit (CD-TD Art. 24).
    """
    payload = request.get("payload") or {}
    if payload.get("decision") != decision or payload.get("decided_by") != str(identity.id):
        _refuse(message)
    refuse_same_person(request, identity)
    return payload


class ConfidentialityPassAction(actions.AcceptAction):
    """Pass the review (checklist complete) and publish the record."""

    def execute(self, identity, uow):
        """CD-TD Art. 24: record the passed review, then open the record."""
        payload = _recorded_decision(self.request, identity, "pass", (
            bilingual(_("A confidentiality decision needs its checklist: use the review page "
                        "or /api/techdata/reviews/<id>/decision."))
        ))
        draft = reviewed_draft(self.request)
        if payload.get("fingerprint") != content_fingerprint(draft):
            _refuse(
                bilingual(_("The deposit changed during the review: review it again."))
            )
        super().execute(identity, uow)
        self.request.commit()  # the gate reads passed reviews from the database
        records_service.publish(system_identity, draft.pid.pid_value, uow=uow)


class ConfidentialityFailAction(actions.DeclineAction):
    """Fail the review: the record stays unopened (CD-TD Art. 24)."""

    def execute(self, identity, uow):
        """Record the failed review."""
        _recorded_decision(self.request, identity, "fail", (
            bilingual(_("A failed review needs its reasons: use the review page or "
                        "/api/techdata/reviews/<id>/decision."))
        ))
        super().execute(identity, uow)


class ConfidentialityReview(RequestType):
    """Security and secrecy review before opening (CD-TD Art. 24; LZ Art. 23)."""

    type_id = "confidentiality-review"
    name = _("Confidentiality review")

    creator_can_be_none = False
    topic_can_be_none = False
    allowed_creator_ref_types = ["community", "user"]
    allowed_receiver_ref_types = ["group"]
    allowed_topic_ref_types = ["record"]
    resolve_topic_needs = True
    needs_context = {"record_permission": "preview"}

    payload_schema = {
        "parent": fields.String(),
        "record": fields.String(),
        "deposit_review": fields.String(),
        "deposit_reviewer": fields.String(),
        "due_date": fields.String(),
        "received_on": fields.String(),
        "reminded": fields.Boolean(),
        "escalated": fields.Boolean(),
        "fingerprint": fields.String(),
        "decision": fields.String(),
        "checklist": fields.Dict(),
        "reasons": fields.String(),
        "decided_by": fields.String(),
        "decided_at": fields.String(),
        "signature": fields.String(),
    }
    available_actions = {
        "create": actions.CreateAction,
        "submit": actions.SubmitAction,
        "delete": actions.DeleteAction,
        "accept": ConfidentialityPassAction,
        "decline": ConfidentialityFailAction,
        "cancel": actions.CancelAction,
    }


def refuse_same_person(request, identity):
    """The deposit's curator may not also do its confidentiality review."""
    payload = request.get("payload") or {}
    if str(identity.id) == payload.get("deposit_reviewer"):
        _refuse(
            bilingual(_("The curator who accepted the deposit cannot also do its "
                        "confidentiality review (CD-TD Art. 24)."))
        )


def open_confidentiality_review(draft, deposit_request, curator, community, uow):
    """Create and submit the confidentiality review of an accepted deposit."""
    role = db.session.get(Role, current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])
    payload = {
        "parent": str(draft.parent.pid.pid_value),
        "record": str(draft.pid.pid_value),
        "deposit_review": str(deposit_request.id),
        "deposit_reviewer": str(curator.id),
    }
    item = current_requests_service.create(
        system_identity,
        {"title": draft.metadata.get("title", ""), "payload": payload},
        ConfidentialityReview,
        receiver=role,
        creator=community,
        topic=draft,
        uow=uow,
    )
    request = item._record
    stamp_due_date(request, "confidentiality-review")
    request.commit()
    current_requests_service.execute_action(
        system_identity, request.id, "submit", uow=uow
    )
    return request
