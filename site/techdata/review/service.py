"""``ReviewDecisions``: taking review decisions with what the rules ask of them.

CD-TD Art. 11: a curator accepting a deposit confirms or changes its grading
and classification, stating the basis. CD-TD Art. 24: a confidentiality
reviewer records a checklist, a decision with reasons, their account and the
time; the record of the decision carries a SHA-256 digest over all of it
(and the reviewed content's fingerprint) so later changes are evident.
"""

import hashlib
import json
from datetime import datetime, timezone

from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_records_resources.services.uow import IndexRefreshOp, UnitOfWork
from invenio_requests.proxies import current_events_service
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..deposit import rules
from .deadlines import today
from .fingerprint import content_fingerprint
from .gate import reviewed_draft
from .requests import refuse_same_person

CHECKLIST = ("no_state_secret", "no_personal_information", "no_commercial_secret",
             "desensitised")
"""What a confidentiality reviewer confirms (CD-TD Art. 24; CD-PD Art. 40)."""

_TEXT = validate.Length(max=4000)
_REQUIRED = {"required": "必填 / Required."}


class GradingSchema(Schema):
    """The grading and classification a curator confirms (CD-TD Art. 11)."""

    category = fields.String()
    sharing_type = fields.String()
    opening_type = fields.String()
    grade = fields.String(required=True, error_messages=_REQUIRED)
    basis = fields.String(required=True, validate=validate.Length(min=2, max=4000),
                          error_messages=_REQUIRED)
    sharing_reason = fields.String(validate=_TEXT)
    sharing_legal_basis = fields.String(validate=_TEXT)
    opening_reason = fields.String(validate=_TEXT)
    opening_legal_basis = fields.String(validate=_TEXT)


class DepositDecisionSchema(Schema):
    """A deposit-review decision: accept (with grading), decline or return."""

    decision = fields.String(required=True, error_messages=_REQUIRED,
                             validate=validate.OneOf(["accept", "decline", "return"]))
    comment = fields.String(validate=_TEXT)
    grading = fields.Nested(GradingSchema)

    @validates_schema
    def _complete(self, data, **kwargs):
        """Accept needs grading; decline and return need a reason."""
        if data.get("decision") == "accept" and not data.get("grading"):
            raise ValidationError("接收须确认分级分类 / Grading required to accept.", "grading")
        if data.get("decision") in ("decline", "return") and not (data.get("comment") or "").strip():
            raise ValidationError("须说明理由 / A reason is required.", "comment")


class ConfidentialityDecisionSchema(Schema):
    """A confidentiality decision: pass (whole checklist) or fail (with reasons)."""

    decision = fields.String(required=True, error_messages=_REQUIRED,
                             validate=validate.OneOf(["pass", "fail"]))
    checklist = fields.Dict(keys=fields.String(validate=validate.OneOf(CHECKLIST)),
                            values=fields.Boolean(), load_default=dict)
    reasons = fields.String(validate=_TEXT, load_default="")

    @validates_schema
    def _complete(self, data, **kwargs):
        """Passing needs every checklist item confirmed; failing needs reasons."""
        if data.get("decision") == "pass":
            missing = [c for c in CHECKLIST if not data["checklist"].get(c)]
            if missing:
                raise ValidationError(
                    f"通过须确认全部核查项 / Every checklist item must be confirmed: "
                    f"{', '.join(missing)}", "checklist")
        if data.get("decision") == "fail" and not data["reasons"].strip():
            raise ValidationError("不通过须说明理由 / Reasons required.", "reasons")


def _comment(text):
    """Comment payload of a request action (plain text, escaped by the UI)."""
    return {"payload": {"content": text, "format": "html"}} if text else None


def execute_with_comment(identity, request_id, action, text):
    """Run ``action`` with ``text`` as its comment, visible in the timeline at once.

    InvenioRDM refreshes the requests index after an action but not the
    events index, so a reader could miss the comment that explains a decision.
    """
    with UnitOfWork() as uow:
        result = current_requests_service.execute_action(
            identity, request_id, action, data=_comment(text), uow=uow
        )
        uow.register(IndexRefreshOp(indexer=current_events_service.indexer))
        uow.commit()
    return result


def _now():
    """UTC timestamp, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ReviewDecisions:
    """Take deposit-review and confidentiality-review decisions."""

    def _request(self, identity, request_id, type_id, action):
        """The request, after checking ``identity`` may run ``action`` on it."""
        try:
            request = Request.get_record(request_id)
        except Exception:
            raise ValidationError({"request": ["没有这个审核请求 / No such review request."]})
        if request.type.type_id != type_id:
            raise ValidationError({"request": [f"不是{type_id}请求 / Not a {type_id} request."]})
        current_requests_service.require_permission(
            identity, f"action_{action}", request=request
        )
        return request

    def decide_deposit(self, identity, request_id, data):
        """Accept (with grading), decline or return a deposit review."""
        data = DepositDecisionSchema().load(data or {})
        decision = data["decision"]
        action = {"accept": "accept", "decline": "decline", "return": "return"}[decision]
        request = self._request(identity, request_id, "deposit-review", action)
        if request.status not in ("submitted",):
            raise ValidationError({"decision": ["该请求当前不能处理 / This request is not awaiting a decision."]})
        if decision == "accept":
            grading = data["grading"]
            self._apply_grading(request, grading)
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
        return execute_with_comment(identity, request.id, action, comment)

    def _apply_grading(self, request, grading):
        """Write the confirmed levels into the draft, through the deposit rules."""
        draft = request.topic.resolve()
        item = records_service.read_draft(system_identity, draft.pid.pid_value)
        doc = item.to_dict()
        cf = doc.setdefault("custom_fields", {})
        for key in ("category", "sharing_type", "opening_type", "grade"):
            if grading.get(key):
                cf[f"{rules.CF}{key}"] = {"id": grading[key]}
        for key in ("sharing_reason", "sharing_legal_basis", "opening_reason",
                    "opening_legal_basis"):
            if grading.get(key):
                cf[f"{rules.CF}{key}"] = grading[key]
        result = records_service.update_draft(system_identity, draft.pid.pid_value, doc)
        errors = [e for e in (result.errors or []) if str(e.get("field", "")).startswith("custom_fields")]
        if errors:
            raise ValidationError({e["field"]: e["messages"] for e in errors})

    def decide_confidentiality(self, identity, request_id, data):
        """Pass or fail a confidentiality review (checklist, reasons, signature)."""
        data = ConfidentialityDecisionSchema().load(data or {})
        action = "accept" if data["decision"] == "pass" else "decline"
        request = self._request(identity, request_id, "confidentiality-review", action)
        if request.status != "submitted":
            raise ValidationError({"decision": ["该请求当前不能处理 / This request is not awaiting a decision."]})
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
        text = "保密审查{} / Confidentiality review {}".format(
            "通过" if action == "accept" else "不通过",
            "passed" if action == "accept" else "failed",
        )
        if data["reasons"]:
            text += f": {data['reasons']}"
        return execute_with_comment(identity, request.id, action, text)


def decision_digest(payload):
    """SHA-256 over the decision fields of a confidentiality review payload."""
    keys = ("parent", "record", "decision", "checklist", "reasons", "decided_by",
            "decided_at", "fingerprint", "deposit_reviewer")
    doc = {k: payload.get(k) for k in keys}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


OPEN_STATUSES = ("submitted", "returned")
"""Statuses of a review that still waits for someone."""


def review_queue(identity, types=("deposit-review", "confidentiality-review")):
    """Open reviews ``identity`` may decide, overdue first, then by due date."""
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(types),
        RequestMetadata.json["status"].as_string().in_(OPEN_STATUSES),
    ).all()
    now = today().isoformat()
    out = []
    for row in rows:
        request = Request(row.json, model=row)
        try:
            current_requests_service.require_permission(identity, "action_accept", request=request)
        except PermissionDeniedError:
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
