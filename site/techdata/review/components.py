"""Service components of the review workflow."""

from invenio_drafts_resources.services.records.components import ServiceComponent
from invenio_requests.records.api import Request

from .centres import centre_level
from .requests import DepositReview


class DepositReviewComponent(ServiceComponent):
    """A submission to a data centre is a deposit review (CD-TD Art. 11).

    The deposit form asks for a plain community submission; when it is sent
    to a data-centre community, the still unsubmitted request becomes a
    ``deposit-review`` before it is submitted, so curators get the data
    centre's review (grading, return for changes, working-day clock).
    """

    def submit_record(self, identity, data=None, record=None, **kwargs):
        """Turn the draft's community submission into a deposit review."""
        review = record.get_review() if record is not None else None
        if review is None or review.type.type_id != "community-submission":
            return
        if review.status != "created":
            return
        if centre_level(review.receiver.resolve()) is None:
            return
        # ``get_review`` gives a read-only proxy: change the stored request itself.
        request = Request.get_record(review.id)
        request.type = DepositReview
        request.commit()
