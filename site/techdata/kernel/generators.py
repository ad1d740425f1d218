"""Permission generators of the domain roles (used by every feature's policy)."""

from flask_principal import RoleNeed
from invenio_records_permissions.generators import Generator
from invenio_search.engine import dsl

from .roles import resolve_roles


class DomainRoles(Generator):
    """Holders of the named domain roles (constants of :mod:`.roles`).

    A name ``config:KEY`` reads the role (or list of roles) from the setting
    ``KEY``, so a deployment can move a duty to another role.
    """

    def __init__(self, *roles):
        """Roles named directly, or ``config:KEY`` entries."""
        self.roles = roles

    def names(self):
        """The role names, resolving ``config:KEY`` entries."""
        return resolve_roles(self.roles)

    def needs(self, **kwargs):
        """One role need per role."""
        return [RoleNeed(name) for name in self.names()]

    def query_filter(self, identity=None, **kwargs):
        """Role holders see every record this generator guards."""
        held = {n.value for n in identity.provides if n.method == "role"}
        if held & set(self.names()):
            return dsl.Q("match_all")
        return []
