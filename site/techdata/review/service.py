"""``ReviewService``: review decisions with what the rules ask of them.

CD-TD Art. 11: a curator accepting a deposit confirms or changes its grading
and classification, stating the basis. CD-TD Art. 24: a confidentiality
reviewer records a checklist, a decision with reasons, their account and the
time; the record of the decision carries a SHA-256 digest over all of it
(and the reviewed content's fingerprint) so later changes are evident.

The service is reached through ``techdata.review.proxies.current_review_service``;
views parse, call it and render. Its refusals are ``kernel.errors.DomainError``
answers: 400 with field errors, 401/403, 404, and 409 when a parallel
decision on the same review won (optimistic concurrency).
"""

import hashlib
import json
from contextlib import contextmanager

from flask_principal import PermissionDenied
from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_records_resources.services.uow import IndexRefreshOp
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from marshmallow import ValidationError
from sqlalchemy.orm.exc import NoResultFound, StaleDataError

from ..deposit import rules
from ..kernel import audit
from ..kernel.errors import DomainError, conflict, forbidden, invalid, not_found
from ..kernel.i18n import _, bilingual
from ..kernel.services import DomainService, DomainServiceConfig, unit_of_work
from ..kernel.time import today, utcnow
from ..kernel.uow import IndexOnceUnitOfWork
from .fingerprint import content_fingerprint
from .gate import CONFIDENTIALITY_REVIEW, reviewed_draft
from .permissions import ReviewPermissionPolicy
from .requests import refuse_same_person
from .revisions import request_revision_review
from .schemas import (
    CHECKLIST,
    ConfidentialityDecisionSchema,
    DepositDecisionSchema,
    GradingSchema,
)

__all__ = ("CHECKLIST", "ConfidentialityDecisionSchema", "DepositDecisionSchema",
           "GradingSchema", "OPEN_STATUSES", "REVIEW_TYPES", "ReviewService",
           "ReviewServiceConfig", "decision_digest")

DEPOSIT_REVIEW = "deposit-review"
"""Request type id of the deposit review (CD-TD Art. 11)."""

REVIEW_TYPES = (DEPOSIT_REVIEW, CONFIDENTIALITY_REVIEW)
"""The request types this service decides."""

OPEN_STATUSES = ("submitted", "returned")
"""Statuses of a review that still waits for someone."""


def _now():
    """UTC timestamp, ISO 8601 (when a decision was taken)."""
    return utcnow().isoformat(timespec="seconds")


def _comment(text):
    """Comment payload of a request action (plain text, escaped by the UI)."""
    return {"payload": {"content": text, "format": "html"}} if text else None


def _topic_id(request):
    """The id of the record a review is about (the request id if it names none)."""
    return (request.get("topic") or {}).get("record") or str(request.id)


def decision_digest(payload):
    """SHA-256 over the decision fields of a confidentiality review payload (CD-TD Art. 24)."""
    keys = ("parent", "record", "decision", "checklist", "reasons", "decided_by",
            "decided_at", "fingerprint", "deposit_reviewer")
    doc = {k: payload.get(k) for k in keys}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


@contextmanager
def answers():
    """Turn what the layers below raise into the one error type.

    marshmallow and request-action refusals → 400 with field errors; a
    refused permission → 401/403; a parallel decision that won the race
    (``StaleDataError``, the request's version changed under us) → 409.
    """
    try:
        yield
    except DomainError:
        raise
    except ValidationError as err:
        raise invalid(err)
    except (PermissionDeniedError, PermissionDenied):
        raise forbidden()
    except StaleDataError:
        db.session.rollback()
        raise conflict(_("This review was decided by someone else meanwhile; "
                         "reload the page to see the decision."))


class ReviewServiceConfig(DomainServiceConfig):
    """Config of the review service."""

    service_id = "techdata-reviews"
    permission_policy_cls = ReviewPermissionPolicy
    review_types = REVIEW_TYPES
    open_statuses = OPEN_STATUSES


class ReviewService(DomainService):
    """Deposit-review and confidentiality-review decisions, the queue, revision reviews."""

    #
    # Reading
    #
    def _get(self, request_id):
        """The request ``request_id`` (404 when there is none)."""
        try:
            return Request.get_record(request_id)
        except (NoResultFound, ValueError, TypeError):
            raise not_found(_("No such review request."))

    def read_review(self, identity, request_id):
        """``(review, draft)`` for the decision page, if ``identity`` may read the review."""
        self.require(identity, "read_review")
        review = self._get(request_id)
        if review.type.type_id not in self.config.review_types:
            # another request (e.g. an opening application about a not-opened record)
            # is no review: its record is not shown here (issue 20, CD-TD Art. 18, 24)
            raise not_found(_("No such review request."))
        with answers():
            current_requests_service.require_permission(identity, "read", request=review)
        return review, review.topic.resolve()

    def queue(self, identity):
        """Open reviews ``identity`` may decide, overdue first, then by due date."""
        self.require(identity, "read_queue")
        rows = RequestMetadata.query.filter(
            RequestMetadata.json["type"].as_string().in_(self.config.review_types),
            RequestMetadata.json["status"].as_string().in_(self.config.open_statuses),
        ).all()
        now = today().isoformat()
        out = []
        for row in rows:
            request = Request(row.json, model=row)
            if not current_requests_service.check_permission(
                    identity, "action_accept", request=request):
                continue
            payload = row.json.get("payload") or {}
            due = payload.get("due_date") or "9999-12-31"
            out.append({
                "id": str(row.id),
                "type": row.json["type"],
                "title": row.json.get("title", ""),
                "status": row.json["status"],
                "record": (row.json.get("topic") or {}).get("record"),
                "received_on": payload.get("received_on"),
                "due_date": payload.get("due_date"),
                "overdue": due < now,
            })
        out.sort(key=lambda r: (not r["overdue"], r["due_date"] or "9999-12-31"))
        return out

    #
    # Decisions
    #
    def decide(self, identity, request_id, data):
        """Take the decision ``data`` on a review, whichever its type."""
        self.require(identity, "decide")
        review = self._get(request_id)
        if not isinstance(data, dict):
            raise invalid(errors=[{"field": "_schema",
                                   "messages": [bilingual(_("A JSON object is required."))]}])
        if review.type.type_id == DEPOSIT_REVIEW:
            return self.decide_deposit(identity, request_id, data)
        if review.type.type_id == CONFIDENTIALITY_REVIEW:
            return self.decide_confidentiality(identity, request_id, data)
        raise invalid(errors=[{"field": "request",
                               "messages": [bilingual(_("Not a review request."))]}])

    def _request(self, identity, request_id, type_id, action):
        """The request, after checking ``identity`` may run ``action`` on it."""
        try:
            request = Request.get_record(request_id)
        except Exception:  # noqa: BLE001  (any unreadable id is "no such request")
            raise ValidationError({"request": [bilingual(_("No such review request."))]})
        if request.type.type_id != type_id:
            raise ValidationError({"request": [bilingual(_("Not a %(type_id)s request.",
                                                           type_id=type_id))]})
        current_requests_service.require_permission(
            identity, f"action_{action}", request=request
        )
        return request

    @staticmethod
    def _execute(identity, request_id, action, text, uow):
        """Run ``action`` with ``text`` as its comment, visible in the timeline at once.

        InvenioRDM refreshes the requests index after an action but not the
        events index, so a reader could miss the comment that explains a decision.
        The request, its draft and the new review are each indexed once, at the
        commit, in their last state (they were indexed two or three times; issue 21).
        """
        once = IndexOnceUnitOfWork(uow)
        result = current_requests_service.execute_action(
            identity, request_id, action, data=_comment(text), uow=once
        )
        once.register(IndexRefreshOp(indexer=current_events_service.indexer))
        return result

    def decide_deposit(self, identity, request_id, data):
        """Accept (with grading, CD-TD Art. 11), decline or return a deposit review."""
        self.require(identity, "decide")
        with answers():
            return self._decide_deposit(identity, request_id, data)

    @unit_of_work()
    def _decide_deposit(self, identity, request_id, data, uow=None):
        """The deposit decision in one unit of work (grading applied first)."""
        data = DepositDecisionSchema().load(data or {})
        decision = data["decision"]
        request = self._request(identity, request_id, DEPOSIT_REVIEW, decision)
        if request.status != "submitted":
            raise ValidationError({"decision": [bilingual(_("This request is not awaiting a "
                                                            "decision."))]})
        if decision == "accept":
            grading = data["grading"]
            self._apply_grading(request, grading, uow)
            payload = dict(request.get("payload") or {})
            payload.update(grading={**grading, "confirmed_at": _now()},
                           decided_by=str(identity.id), decided_at=_now())
            request["payload"] = payload
            request.commit()
            comment = f"分级分类依据 Grading basis: {grading['basis']}"
            if data.get("comment"):
                comment += f"\n{data['comment']}"
        else:
            comment = data["comment"]
        audit.log("techdata.review.decide", _topic_id(request), identity=identity, uow=uow,
                  before={"status": "submitted"},
                  after={"status": decision, "grading": data.get("grading")},
                  details={"request": str(request.id), "comment": comment})  # CD-TD Art. 11
        return self._execute(identity, request.id, decision, comment, uow)

    @staticmethod
    def _apply_grading(request, grading, uow):
        """Write the confirmed levels into the draft, through the deposit rules.

        In the decision's unit of work (a refused acceptance leaves the draft as it
        was), and indexed once with the acceptance that follows (issue 21).
        """
        recid = (request.get("topic") or {}).get("record")
        item = records_service.read_draft(system_identity, recid)
        doc = item.to_dict()
        cf = doc.setdefault("custom_fields", {})
        for key in ("category", "sharing_type", "opening_type", "grade"):
            if grading.get(key):
                cf[f"{rules.CF}{key}"] = {"id": grading[key]}
        for key in ("sharing_reason", "sharing_legal_basis", "opening_reason",
                    "opening_legal_basis"):
            if grading.get(key):
                cf[f"{rules.CF}{key}"] = grading[key]
        result = records_service.update_draft(system_identity, recid, doc,
                                              uow=IndexOnceUnitOfWork(uow))
        errors = [e for e in (result.errors or [])
                  if str(e.get("field", "")).startswith("custom_fields")]
        if errors:
            raise ValidationError({e["field"]: e["messages"] for e in errors})

    def decide_confidentiality(self, identity, request_id, data):
        """Pass or fail a confidentiality review (checklist, reasons, signature; CD-TD Art. 24)."""
        self.require(identity, "decide")
        with answers():
            return self._decide_confidentiality(identity, request_id, data)

    @unit_of_work()
    def _decide_confidentiality(self, identity, request_id, data, uow=None):
        """The confidentiality decision in one unit of work."""
        data = ConfidentialityDecisionSchema().load(data or {})
        action = "accept" if data["decision"] == "pass" else "decline"
        request = self._request(identity, request_id, CONFIDENTIALITY_REVIEW, action)
        if request.status != "submitted":
            raise ValidationError({"decision": [bilingual(_("This request is not awaiting a "
                                                            "decision."))]})
        refuse_same_person(request, identity)
        draft = reviewed_draft(request)
        payload = dict(request.get("payload") or {})
        payload.update(
            decision=data["decision"],
            checklist={c: bool(data["checklist"].get(c)) for c in CHECKLIST},
            reasons=data["reasons"],
            decided_by=str(identity.id),
            decided_at=_now(),
            fingerprint=content_fingerprint(draft),
        )
        payload["signature"] = decision_digest(payload)
        request["payload"] = payload
        request.commit()
        text = bilingual(_("Confidentiality review passed") if action == "accept"
                         else _("Confidentiality review failed"))
        if data["reasons"]:
            text += f": {data['reasons']}"
        audit.log("techdata.confidentiality.decide", _topic_id(request), identity=identity,
                  uow=uow, before={"status": "submitted"},
                  after={"decision": data["decision"], "reasons": data["reasons"],
                         "checklist": payload["checklist"]},
                  details={"request": str(request.id), "fingerprint": payload["fingerprint"],
                           "signature": payload["signature"]})  # CD-TD Art. 24
        return self._execute(identity, request.id, action, text, uow)

    #
    # Revisions
    #
    def request_revision(self, identity, recid):
        """Open the confidentiality review of a later version or an edit (CD-TD Art. 24)."""
        self.require(identity, "request_revision")
        with answers():
            return request_revision_review(identity, recid)
