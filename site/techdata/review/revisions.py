"""``RevisionReview``: a confidentiality review for a new version or an edit of open data.

CD-TD Art. 13-15: data produced later (after acceptance, too) is deposited
as well, so a dataset gets new versions; CD-TD Art. 24: nothing is opened
without a passed confidentiality review, and the ``ConfidentialityGate``
refuses a new version or an edit whose content no passed review covers.
InvenioRDM's community review only takes first versions, so the depositor
asks for the review of a later version or an edit here: the dataset was
already accepted by its data centre (its grading stands), so it goes
straight to the confidentiality reviewers; the curator who accepted the
dataset still may not review it. Passing publishes the draft.
"""

from types import SimpleNamespace

from flask import current_app
from invenio_db import db
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_rdm_records.records.api import RDMDraft, RDMRecord
from invenio_records_resources.services.uow import UnitOfWork
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from marshmallow import ValidationError

from ..kernel.i18n import _, bilingual
from .gate import needs_confidentiality_review, opening_type, reviews_of
from .requests import open_confidentiality_review


def _refuse(field, message):
    """A bilingual field error (400, never a 500)."""
    raise ValidationError({field: [message]})


def _draft(recid):
    """The open draft ``recid`` (a new version or an edit of a published record)."""
    try:
        return RDMDraft.pid.resolve(recid, registered_only=False)
    except Exception:
        _refuse("record", bilingual(_("No draft with this id.")))


def _accepted_deposit_review(draft):
    """The data centre's accepted deposit review of the dataset, or ``None``.

    Read from an earlier confidentiality review of the same dataset, which
    names it; else looked up among the deposit reviews of its versions.
    """
    for row in reviews_of(str(draft.parent.pid.pid_value)):
        payload = row.json.get("payload") or {}
        if payload.get("deposit_review"):
            return Request.get_record(payload["deposit_review"])
    recids = [str(r.pid.pid_value)
              for r in RDMRecord.get_records_by_parent(draft.parent, with_deleted=False)]
    row = (
        RequestMetadata.query.filter(
            RequestMetadata.json["type"].as_string() == "deposit-review",
            RequestMetadata.json["status"].as_string() == "accepted",
            RequestMetadata.json[("topic", "record")].as_string().in_(recids),
        ).order_by(RequestMetadata.created.desc()).first()
    )
    return Request.get_record(row.id) if row else None


def _latest_published(draft):
    """The dataset's latest published version, or ``None``."""
    try:
        return RDMRecord.get_latest_by_parent(draft.parent)
    except Exception:
        return None


def request_revision_review(identity, recid):
    """Open the confidentiality review of draft ``recid`` for its owner (CD-TD Art. 24).

    Refused (400, bilingual) when the draft is a first version (it goes
    through the data centre first), opens nothing (不予开放 needs no review),
    the dataset was never accepted by a data centre, or a review of it is
    already waiting. Returns the review request.
    """
    draft = _draft(recid)
    records_service.require_permission(identity, "update_draft", record=draft)
    if draft.versions.index == 1 and not draft.is_published:
        _refuse("record", bilingual(_("A first version goes to a data centre's review: submit "
                                      "it there.")))
    if not needs_confidentiality_review(draft):
        _refuse("record", bilingual(_("Data that is not opened needs no confidentiality "
                                      "review: publish it.")))
    latest = _latest_published(draft)
    if latest is not None and opening_type(latest) != opening_type(draft):
        # CD-TD Art. 11: the data centre grades; opening closed data is an
        # opening application (CD-PD Art. 34), not a revision.
        _refuse("record", bilingual(_("A revision cannot change the opening type; to open "
                                      "closed data, file an opening application.")))
    parent_id = str(draft.parent.pid.pid_value)
    if reviews_of(parent_id, "submitted"):
        _refuse("record", bilingual(_("A confidentiality review of this dataset is already "
                                      "waiting.")))
    deposit_review = _accepted_deposit_review(draft)
    if deposit_review is None:
        _refuse("record", bilingual(_("The dataset was never accepted by a data centre: "
                                      "submit it for review first.")))
    records_service._validate_draft(identity, draft)
    curator = SimpleNamespace(id=(deposit_review.get("payload") or {}).get("decided_by"))
    community = draft.parent.communities.default or deposit_review.receiver.resolve()
    with UnitOfWork(db.session) as uow:
        review = open_confidentiality_review(draft, deposit_review, curator, community, uow)
        uow.commit()
    current_app.logger.info("revision review %s opened for %s", review.id, recid)
    return Request.get_record(review.id)
