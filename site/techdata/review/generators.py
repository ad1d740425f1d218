"""Permission generators of the review (CD-TD Art. 24)."""

from flask import current_app, has_request_context, request
from flask_principal import RoleNeed
from invenio_db import db
from invenio_records_permissions.generators import Generator
from invenio_requests.records.models import RequestMetadata

from .gate import CONFIDENTIALITY_REVIEW, reviews_of


def _open_review_parents():
    """Parent ids of every record with a submitted confidentiality review (one query)."""
    rows = db.session.query(
        RequestMetadata.json[("payload", "parent")].as_string()
    ).filter(
        RequestMetadata.json["type"].as_string() == CONFIDENTIALITY_REVIEW,
        RequestMetadata.json["status"].as_string() == "submitted",
    )
    return {parent for (parent,) in rows}


def under_review(parent_id):
    """True when the record ``parent_id`` has a submitted confidentiality review.

    A read (GET/HEAD) asks the database once, for the few open reviews, and
    answers every record it checks from that set: a search page checks each
    hit with no query per hit (issue 21). Other requests, which may decide a
    review, ask each time.
    """
    if has_request_context() and request.method in ("GET", "HEAD"):
        # kept on the request object itself: ``g`` can outlive a request (an
        # application context pushed around several requests, as in tests)
        current = request._get_current_object()
        parents = getattr(current, "techdata_open_review_parents", None)
        if parents is None:
            parents = current.techdata_open_review_parents = _open_review_parents()
        return str(parent_id) in parents
    return bool(reviews_of(parent_id, "submitted"))


class ConfidentialityReviewers(Generator):
    """The reviewer role, on drafts that have a confidentiality review (CD-TD Art. 24)."""

    def needs(self, record=None, **kwargs):
        """Reviewers may preview a draft and its files while its review is open."""
        if record is None or getattr(record, "parent", None) is None:
            return []
        if not under_review(record.parent.pid.pid_value):
            return []
        return [RoleNeed(current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])]
