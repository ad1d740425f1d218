"""Who sees and changes projects.

A PI and the members see their own projects; the bureau sees and manages all
(CD-TD Art. 15, 27; QY Art. 32); companies and the public see none of it.
Program managers are scoped to their programmes (issue 18; CD-TD Art. 8-9): a
programme's managers (``scope_need(PROGRAM, programme)``, assigned by the bureau)
see, change and decide that programme's projects only (acceptance, status
decisions, the overdue list); a program manager registers a project only in one
of his programmes. Other scoped readers (``kernel.scopes``): a competent
department's admins read the projects of their department, an entity's data
admins those it leads.
"""

from flask_principal import UserNeed
from invenio_records_permissions.generators import AuthenticatedUser, Generator, SystemProcess
from invenio_records_permissions.policies import BasePermissionPolicy
from invenio_search.engine import dsl

from ...kernel.generators import DomainRoles
from ...kernel.roles import ADMIN, BUREAU, PROGRAM_MANAGER
from ...kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, PROGRAM, InScope

MANAGERS = DomainRoles(BUREAU, ADMIN)
"""The tech bureau and platform admins: every project."""

IN_PROGRAM = InScope(PROGRAM, "program")
"""The managers of the project's programme (CD-TD Art. 8-9)."""


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
                InScope(ENTITY, "lead_entity", (DATA_ADMIN,)), IN_PROGRAM, SystemProcess()]
    can_create = [MANAGERS, DomainRoles(PROGRAM_MANAGER), SystemProcess()]
    can_create_in = [MANAGERS, IN_PROGRAM, SystemProcess()]  # the new data's programme
    can_update = [MANAGERS, IN_PROGRAM, SystemProcess()]
    can_delete = [SystemProcess()]
    can_decide = [DomainRoles(BUREAU), IN_PROGRAM, SystemProcess()]  # CD-TD Art. 8-9, 15
    can_certify = [MANAGERS, IN_PROGRAM, ProjectParticipants(), SystemProcess()]
