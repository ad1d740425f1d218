"""Who may use the review service (CD-TD Art. 11, 24).

The policy admits logged-in people to the service's actions; whether a
person may decide one review is the request's own policy
(``REQUESTS_PERMISSION_POLICY``: the centre's curators for a deposit review,
the confidentiality reviewers for a confidentiality review), checked per
request by the service.
"""

from invenio_records_permissions.generators import AuthenticatedUser, SystemProcess

from ..kernel.services import DomainPermissionPolicy


class ReviewPermissionPolicy(DomainPermissionPolicy):
    """Actions of the review service."""

    can_decide = [AuthenticatedUser(), SystemProcess()]
    """Take a decision (the request's policy then says on which reviews)."""

    can_read_queue = [AuthenticatedUser(), SystemProcess()]
    """See one's open reviews (only those one may decide are listed)."""

    can_read_review = [AuthenticatedUser(), SystemProcess()]
    """Open a review's decision page (the request's ``read`` permission applies)."""

    can_request_revision = [AuthenticatedUser(), SystemProcess()]
    """Ask for the confidentiality review of a revision (the draft's owner, per draft)."""
