"""The deposit journey in code: submit to the city centre, both reviews, publish.

Used by the demo loader and the bench seeder, so that every record they open
went through the same deposit review and confidentiality review as a user's
(CD-TD Art. 11, 24): there is no path around the ``ConfidentialityGate``.
"""

from flask import current_app, has_request_context
from invenio_access.permissions import system_identity
from invenio_communities.proxies import current_communities
from invenio_communities.utils import load_community_needs
from invenio_rdm_records.proxies import current_rdm_records_service as records

from ..kernel.i18n import _, bilingual
from .centres import ensure_city_centre
from .gate import needs_confidentiality_review, reviews_of
from .proxies import current_review_service
from .schemas import CHECKLIST


def acting_as(identity):
    """``identity`` with its community roles loaded, as on a logged-in request."""
    if has_request_context():
        load_community_needs(identity)
    else:
        with current_app.test_request_context():  # the loader reads the session
            load_community_needs(identity)
    return identity


def review_and_publish(draft_id, depositor, curator, reviewer, grading):
    """Submit ``draft_id`` to the city centre, accept it, pass its review.

    ``grading`` is the curator's confirmation (``grade``, ``basis`` and any
    changed levels). Returns the published record item.
    """
    centre = current_communities.service.read(system_identity, ensure_city_centre())
    records.review.update(
        depositor, draft_id, {"receiver": {"community": str(centre.id)},
                              "type": "community-submission"}
    )
    request = records.review.submit(depositor, draft_id, data=None, require_review=True)
    decisions = current_review_service
    decisions.decide_deposit(acting_as(curator), request.id,
                             {"decision": "accept", "grading": grading})
    draft = records.read_draft(system_identity, draft_id)._record
    if needs_confidentiality_review(draft):
        (row,) = reviews_of(draft.parent.pid.pid_value, "submitted")
        decisions.decide_confidentiality(
            acting_as(reviewer), row.id,
            {"decision": "pass", "checklist": {c: True for c in CHECKLIST},
             "reasons": bilingual(_("demo data, nothing classified"))},
        )
    return records.read(system_identity, draft_id)
