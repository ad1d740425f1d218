"""REST endpoints and pages of the review workflow (they parse, call the service, render).

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
Errors are the kernel's ``DomainError`` answers (JSON under ``/api``).
"""

from flask import Blueprint, g, jsonify, render_template, request
from flask_login import login_required

from .proxies import current_review_service
from .schemas import CHECKLIST


def decide(request_id):
    """Take a review decision (type told by the request)."""
    item = current_review_service.decide(g.identity, request_id, request.get_json(silent=True))
    return jsonify(item.to_dict()), 200


def queue():
    """The caller's open reviews, overdue first."""
    hits = current_review_service.queue(g.identity)
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def revision_review(recid):
    """Open the confidentiality review of a later version or an edit (CD-TD Art. 24)."""
    review = current_review_service.request_revision(g.identity, recid)
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
    return bp


@login_required
def queue_page():
    """A curator's or reviewer's open reviews across centres."""
    return render_template("techdata/review/queue.html",
                           hits=current_review_service.queue(g.identity))


@login_required
def decision_page(request_id):
    """One review: what is reviewed, its clock, and the decision form."""
    review, draft = current_review_service.read_review(g.identity, request_id)
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
