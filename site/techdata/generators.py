"""Permission generators of the domain roles (cross-cutting)."""

from flask import current_app
from flask_principal import RoleNeed
from invenio_records_permissions.generators import Generator
from invenio_search.engine import dsl


class DomainRoles(Generator):
    """Holders of the named domain roles (``TECHDATA_DOMAIN_ROLES`` keys)."""

    def __init__(self, *roles):
        """Roles named directly, or a config key holding a list of them."""
        self.roles = roles

    def _names(self):
        """The role names, resolving ``config:KEY`` entries."""
        names = []
        for role in self.roles:
            if role.startswith("config:"):
                value = current_app.config[role[len("config:"):]]
                names.extend([value] if isinstance(value, str) else value)
            else:
                names.append(role)
        return names

    def needs(self, **kwargs):
        """One role need per role."""
        return [RoleNeed(name) for name in self._names()]

    def query_filter(self, identity=None, **kwargs):
        """Role holders see every record this generator guards."""
        held = {n.value for n in identity.provides if n.method == "role"}
        if held & set(self._names()):
            return dsl.Q("match_all")
        return []


class ConfidentialityReviewers(Generator):
    """The reviewer role, on drafts that have a confidentiality review (CD-TD Art. 24)."""

    def needs(self, record=None, **kwargs):
        """Reviewers may preview a draft and its files while its review is open."""
        if record is None or getattr(record, "parent", None) is None:
            return []
        from .review.gate import reviews_of

        if not reviews_of(record.parent.pid.pid_value, "submitted"):
            return []
        return [RoleNeed(current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])]
