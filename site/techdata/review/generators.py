"""Permission generators of the review (CD-TD Art. 24)."""

from flask import current_app, g, has_app_context, has_request_context, request
from flask_principal import RoleNeed
from invenio_db import db
from invenio_records_permissions.generators import Generator
from invenio_requests.records.models import RequestMetadata
from sqlalchemy import event
from sqlalchemy.orm import Session

from .gate import CONFIDENTIALITY_REVIEW

MEMO = "techdata_open_review_parents"
"""Attribute holding the memo of the parents under review (request object or ``g``)."""


def _open_review_parents():
    """Parent ids of every record with a submitted confidentiality review (one query)."""
    rows = db.session.query(
        RequestMetadata.json[("payload", "parent")].as_string()
    ).filter(
        RequestMetadata.json["type"].as_string() == CONFIDENTIALITY_REVIEW,
        RequestMetadata.json["status"].as_string() == "submitted",
    )
    return {parent for (parent,) in rows}


def _holder():
    """Where the memo lives: the request object itself (``g`` can outlive a request, as
    in tests, where one application context is pushed around several requests), else the
    application context (a Celery task runs in one of its own)."""
    if has_request_context():
        return request._get_current_object()
    if has_app_context():
        return g._get_current_object()
    return None


def _pending_requests(session):
    """Whether ``session`` holds request rows not yet flushed."""
    return any(isinstance(o, RequestMetadata)
               for o in (*session.new, *session.dirty, *session.deleted))


def under_review(parent_id):
    """True when the record ``parent_id`` has a submitted confidentiality review.

    The database is asked once, for the few open reviews, and every record
    checked in the same request (or task) is answered from that set: a
    search page checks each hit with no query per hit, and a review decision
    or a publish, which check the same draft's permissions dozens of times,
    ask once too (issue 21). Writing a review request (opening, deciding,
    cancelling one) forgets the set (:func:`_forget_on_request_writes`), so a
    decision is seen by the next check in the same request; so does the end of
    a transaction.
    """
    holder = _holder()
    session = db.session()
    if holder is None or _pending_requests(session):
        return str(parent_id) in _open_review_parents()
    parents = getattr(holder, MEMO, None)
    if parents is None:
        parents = _open_review_parents()
        setattr(holder, MEMO, parents)
    return str(parent_id) in parents


def forget_open_reviews():
    """Drop the memo of the current request or task (the next check asks again)."""
    holder = _holder()
    if holder is not None and getattr(holder, MEMO, None) is not None:
        setattr(holder, MEMO, None)


@event.listens_for(Session, "after_flush")
def _forget_on_request_writes(session, flush_context):
    """A flushed request row (a review opened, submitted, decided) invalidates the memo."""
    if any(isinstance(o, RequestMetadata)
           for o in (*session.new, *session.dirty, *session.deleted)):
        forget_open_reviews()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_at_transaction_end(session):
    """A new transaction asks again: a rolled-back one may have held a review that no
    longer exists, and other processes may have opened or decided reviews meanwhile (a
    command line run keeps one application context for hours)."""
    forget_open_reviews()


class ConfidentialityReviewers(Generator):
    """The reviewer role, on drafts that have a confidentiality review (CD-TD Art. 24)."""

    def needs(self, record=None, **kwargs):
        """Reviewers may preview a draft and its files while its review is open."""
        if record is None or getattr(record, "parent", None) is None:
            return []
        if not under_review(record.parent.pid.pid_value):
            return []
        return [RoleNeed(current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])]
