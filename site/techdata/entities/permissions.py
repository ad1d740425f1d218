"""Who reads, edits and verifies what of entities (CD-TD Art. 8-9; LZ Art. 9).

- everyone reads entities and departments (names, codes, kinds: the
  registration form searches them), the named people and their contacts
  only the managers, the department admins and the entity's own members;
- the bureau (``TECHDATA_ENTITIES_MANAGER_ROLES``) creates and edits
  entities and departments and names department admins; an entity's data
  admin edits his own entity's named people;
- any logged-in account asks to join an entity; the entity's data admin or
  the bureau verifies (entity A's admin never verifies for B);
- members are listed to the bureau, the entity's data admin and security
  officer, and the admins of its supervising department.
"""

from invenio_records_permissions.generators import AnyUser, AuthenticatedUser, SystemProcess

from ..kernel.generators import DomainRoles
from ..kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, SECURITY_OFFICER, InScope
from ..kernel.services import DomainPermissionPolicy

MANAGERS = DomainRoles("config:TECHDATA_ENTITIES_MANAGER_ROLES")


class EntitiesPermissionPolicy(DomainPermissionPolicy):
    """The permission policy of the entities service."""

    can_read = [AnyUser(), SystemProcess()]
    can_manage = [MANAGERS, SystemProcess()]
    can_update = [MANAGERS, InScope(ENTITY, "id", (DATA_ADMIN,)), SystemProcess()]
    can_read_contacts = [MANAGERS, DomainRoles("config:TECHDATA_ENTITIES_OVERSIGHT_ROLES"),
                         InScope(ENTITY, "id"), InScope(DEPARTMENT, "department_id"),
                         SystemProcess()]
    can_request_membership = [AuthenticatedUser(), SystemProcess()]
    can_verify_membership = [MANAGERS, InScope(ENTITY, "entity_id", (DATA_ADMIN,)),
                             SystemProcess()]
    can_read_members = [MANAGERS, InScope(ENTITY, "id", (DATA_ADMIN, SECURITY_OFFICER)),
                        InScope(DEPARTMENT, "department_id"), SystemProcess()]
