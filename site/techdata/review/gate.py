"""``ConfidentialityGate``: nothing is opened without a passed review (CD-TD Art. 24).

CD-TD Art. 24, CD-PD Art. 40, LZ Art. 23: before a dataset is shared or
opened, a security and secrecy review is done and recorded. The gate is a
component of the RDM records service, so it holds for every path that
publishes: REST publish, the deposit form, a curator accepting a community
submission, a new version, the demo loader and the bench seeder alike.
"""

from invenio_drafts_resources.services.records.components import ServiceComponent
from invenio_rdm_records.records.api import RDMDraft
from invenio_requests.records.models import RequestMetadata
from marshmallow import ValidationError

from ..deposit import rules
from ..kernel.i18n import _, bilingual
from ..kernel.labels import OPEN_TYPES
from .fingerprint import content_fingerprint

CONFIDENTIALITY_REVIEW = "confidentiality-review"
"""Request type id of the confidentiality review."""

OPENING_NEEDS_REVIEW = OPEN_TYPES
"""Opening types that open something: 无条件开放 and 有条件开放 (QY Art. 22)."""


def opening_type(draft):
    """The ``cdtd:opening_type`` id of a draft or record (default unconditional)."""
    cf = draft.get("custom_fields") or {}
    value = cf.get(f"{rules.CF}opening_type") or {}
    return value.get("id") or "unconditional"


def needs_confidentiality_review(draft):
    """True when publishing ``draft`` would open data (CD-TD Art. 24)."""
    return opening_type(draft) in OPENING_NEEDS_REVIEW


def reviewed_draft(request):
    """The content a confidentiality review judges: the open draft of its record.

    For an edit of a published record (e.g. opening it on an opening
    application, ``access/opening.py``) the request's topic resolves to the
    published record, with the old content; the edit's draft is what will
    be published, so that is what is reviewed and fingerprinted.
    """
    recid = (request.get("topic") or {}).get("record")
    try:
        return RDMDraft.pid.resolve(recid, registered_only=False)
    except Exception:  # no open draft: the published record itself
        return request.topic.resolve()


def reviews_of(parent_id, status=None):
    """Confidentiality-review requests of a record's parent, newest first."""
    query = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == CONFIDENTIALITY_REVIEW,
        RequestMetadata.json[("payload", "parent")].as_string() == str(parent_id),
    )
    if status:
        query = query.filter(RequestMetadata.json["status"].as_string() == status)
    return query.order_by(RequestMetadata.created.desc()).all()


def passed_review(draft, record=None):
    """The passed review that covers ``draft``'s current content, or ``None``.

    At publication the files have already moved from the draft to the new
    ``record`` (the files component runs first), so the content is read from
    ``record`` when it is given; metadata and ``cdtd`` fields are the same.
    """
    fingerprint = content_fingerprint(record if record is not None else draft)
    for row in reviews_of(draft.parent.pid.pid_value, "accepted"):
        payload = row.json.get("payload") or {}
        if payload.get("decision") == "pass" and payload.get("fingerprint") == fingerprint:
            return row
    return None


class ConfidentialityGate(ServiceComponent):
    """Refuse to publish open data without a passed confidentiality review."""

    def publish(self, identity, draft=None, record=None, **kwargs):
        """CD-TD Art. 24: block 无条件开放 / 有条件开放 until a review passed."""
        if draft is None or not needs_confidentiality_review(draft):
            return
        if passed_review(draft, record) is None:
            raise ValidationError(
                {
                    "custom_fields": {
                        f"{rules.CF}opening_type": [
                            bilingual(_("Data may only be opened after a passed "
                                        "confidentiality review (CD-TD Art. 24): submit the "
                                        "deposit to a data centre; after its review a "
                                        "confidentiality reviewer checks it. A change after "
                                        "the review needs a new review."))
                        ]
                    }
                }
            )
