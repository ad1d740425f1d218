"""REST endpoints and pages of the review workflow.

REST (the API app, under ``/api``):
- ``POST /api/techdata/reviews/<request_id>/decision`` — a deposit-review
  decision ``{"decision": "accept"|"decline"|"return", "comment", "grading"}``
  or a confidentiality decision ``{"decision": "pass"|"fail", "checklist", "reasons"}``;
- ``GET /api/techdata/reviews/queue`` — the caller's open reviews, overdue first;
- ``POST /api/techdata/reviews/revisions/<recid>`` — the owner of a new version or
  an edit of an accepted, opened dataset asks for its confidentiality review
  (``revisions.py``).

Pages: ``/review/queue`` and ``/review/<request_id>`` (the decision form,
which posts to the REST endpoint, so both paths run the same service).
"""

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.records.api import Request
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError
from flask_principal import PermissionDenied
from flask import g

from .revisions import request_revision_review
from .service import CHECKLIST, ReviewDecisions, review_queue


def _identity():
    """The caller's identity (``g.identity`` as Invenio loads it)."""
    return g.identity


def _errors(messages, prefix=""):
    """Flatten marshmallow messages into ``[{"field", "messages"}]``."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            field = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.extend(_errors(value, field))
            else:
                out.append({"field": field, "messages": [str(m) for m in value]})
    else:
        out.append({"field": prefix or "_schema", "messages": [str(m) for m in messages]})
    return out


def _bad_request(err):
    """400 with bilingual field-level messages."""
    return jsonify({"status": 400, "message": "输入有误 / Invalid input.",
                    "errors": _errors(err.messages)}), 400


def _forbidden(err=None):
    """403 (or 401 for anonymous callers)."""
    if not current_user.is_authenticated:
        return jsonify({"status": 401, "message": "请登录 / Please log in."}), 401
    return jsonify({"status": 403, "message": "无权操作 / Not allowed."}), 403


def decide(request_id):
    """Take a review decision (type told by the request)."""
    try:
        review = Request.get_record(request_id)
    except Exception:
        return jsonify({"status": 404, "message": "没有这个请求 / No such request."}), 404
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _bad_request(ValidationError({"_schema": ["须为 JSON 对象 / A JSON object is required."]}))
    decisions = ReviewDecisions()
    if review.type.type_id == "deposit-review":
        item = decisions.decide_deposit(_identity(), request_id, data)
    elif review.type.type_id == "confidentiality-review":
        item = decisions.decide_confidentiality(_identity(), request_id, data)
    else:
        return _bad_request(ValidationError({"request": ["不是审核请求 / Not a review request."]}))
    return jsonify(item.to_dict()), 200


def queue():
    """The caller's open reviews, overdue first."""
    if not current_user.is_authenticated:
        return _forbidden()
    hits = review_queue(_identity())
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def revision_review(recid):
    """Open the confidentiality review of a later version or an edit (CD-TD Art. 24)."""
    if not current_user.is_authenticated:
        return _forbidden()
    review = request_revision_review(_identity(), recid)
    payload = review.get("payload") or {}
    return jsonify({"id": str(review.id), "type": review.type.type_id,
                    "status": review.status, "due_date": payload.get("due_date"),
                    "record": recid}), 201


def create_api_blueprint(app):
    """REST blueprint (registered on the API app)."""
    bp = Blueprint("techdata_review_api", __name__, url_prefix="/techdata/reviews")
    bp.add_url_rule("/<uuid:request_id>/decision", view_func=decide, methods=["POST"])
    bp.add_url_rule("/queue", view_func=queue, methods=["GET"])
    bp.add_url_rule("/revisions/<recid>", view_func=revision_review, methods=["POST"])
    bp.register_error_handler(ValidationError, _bad_request)
    bp.register_error_handler(PermissionDeniedError, _forbidden)
    bp.register_error_handler(PermissionDenied, _forbidden)
    return bp


@login_required
def queue_page():
    """A curator's or reviewer's open reviews across centres."""
    return render_template("techdata/review/queue.html", hits=review_queue(_identity()))


@login_required
def decision_page(request_id):
    """One review: what is reviewed, its clock, and the decision form."""
    try:
        review = Request.get_record(request_id)
        current_requests_service.require_permission(_identity(), "read", request=review)
    except PermissionDeniedError:
        abort(403)
    except Exception:
        abort(404)
    draft = review.topic.resolve()
    return render_template(
        "techdata/review/decision.html",
        review=review,
        payload=review.get("payload") or {},
        record=draft,
        checklist=CHECKLIST,
    )


def create_ui_blueprint(app):
    """Pages blueprint (registered on the UI app)."""
    bp = Blueprint("techdata_review", __name__, template_folder="../templates")
    bp.add_url_rule("/review/queue", view_func=queue_page)
    bp.add_url_rule("/review/<uuid:request_id>", view_func=decision_page)
    return bp
