"""Settings of entities, departments and memberships (issue 18)."""

from ..kernel import roles

TECHDATA_ENTITIES_MANAGER_ROLES = list(roles.BUREAU_ROLES)
"""Roles that create and edit entities and departments, name department admins and verify
any membership (the tech bureau and the platform administrator; CD-TD Art. 8; LZ Art. 9)."""

TECHDATA_ENTITIES_OVERSIGHT_ROLES = [roles.DEPARTMENT_ADMIN]
"""Platform-wide roles that read entities' named people (contacts) besides the managers."""

TECHDATA_ENTITIES_PAGE_SIZE = 50
"""Entities per page of the lists (pages and REST)."""
