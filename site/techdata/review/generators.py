"""Permission generators of the review (CD-TD Art. 24)."""

from flask import current_app
from flask_principal import RoleNeed
from invenio_records_permissions.generators import Generator

from .gate import reviews_of


class ConfidentialityReviewers(Generator):
    """The reviewer role, on drafts that have a confidentiality review (CD-TD Art. 24)."""

    def needs(self, record=None, **kwargs):
        """Reviewers may preview a draft and its files while its review is open."""
        if record is None or getattr(record, "parent", None) is None:
            return []
        if not reviews_of(record.parent.pid.pid_value, "submitted"):
            return []
        return [RoleNeed(current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])]
