"""Who sees and changes projects.

A PI and the members see their own projects; program managers and the bureau
see and manage all (CD-TD Art. 15, 27; QY Art. 32); companies and the public
see none of it. Scoped readers (issue 18; ``kernel.scopes``): a competent
department's admins read the projects of their department, an entity's data
admins those it leads, a programme's managers those of their programme.
"""

from flask_principal import UserNeed
from invenio_records_permissions.generators import AuthenticatedUser, Generator, SystemProcess
from invenio_records_permissions.policies import BasePermissionPolicy
from invenio_search.engine import dsl

from ...kernel.generators import DomainRoles
from ...kernel.roles import ADMIN, BUREAU, PROGRAM_MANAGER
from ...kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, PROGRAM, InScope

MANAGERS = DomainRoles(PROGRAM_MANAGER, BUREAU, ADMIN)
"""Program managers, the tech bureau and platform admins."""


class ProjectParticipants(Generator):
    """The PI and members of the project."""

    def needs(self, record=None, **kwargs):
        """A user need per participant."""
        if record is None:
            return []
        people = [record.get("pi") or {}] + list(record.get("members") or [])
        return [UserNeed(int(p["user"])) for p in people if str(p.get("user", "")).isdigit()]

    def query_filter(self, identity=None, **kwargs):
        """Projects where the identity is PI or member."""
        ids = [str(n.value) for n in identity.provides if n.method == "id"]
        if not ids:
            return []
        return dsl.Q("terms", **{"pi.user": ids}) | dsl.Q("terms", **{"members.user": ids})


class ProjectPermissionPolicy(BasePermissionPolicy):
    """Permissions of the project service."""

    can_search = [AuthenticatedUser(), SystemProcess()]  # hits filtered by can_read
    can_read = [MANAGERS, ProjectParticipants(), InScope(DEPARTMENT, "department"),
                InScope(ENTITY, "lead_entity", (DATA_ADMIN,)), InScope(PROGRAM, "program"),
                SystemProcess()]
    can_create = [MANAGERS, SystemProcess()]
    can_update = [MANAGERS, SystemProcess()]
    can_delete = [SystemProcess()]
    can_decide = [DomainRoles(PROGRAM_MANAGER, BUREAU), SystemProcess()]  # CD-TD Art. 15
    can_certify = [MANAGERS, ProjectParticipants(), SystemProcess()]
