"""Who reads the audit trail: the bureau, auditors and administrators (LZ Art. 21, 40).

Replaces InvenioRDM's audit-log policy (``AUDIT_LOGS_PERMISSION_POLICY``):
entries are created by the system process only (services record them in
their unit of work), read and searched by the holders of
``roles.AUDIT_ROLES``; nobody updates or deletes one (CD-PD Art. 23: kept at
least five years; LZ Art. 38: tamper-evident).
"""

from invenio_administration.generators import Administration
from invenio_records_permissions.generators import Disable, SystemProcess
from invenio_records_permissions.policies import BasePermissionPolicy

from ..kernel import roles
from ..kernel.generators import DomainRoles


class AuditTrailPermissionPolicy(BasePermissionPolicy):
    """Read-only for the bureau and auditors; written by the system; never changed."""

    can_search = [Administration(), DomainRoles(*roles.AUDIT_ROLES), SystemProcess()]
    can_read = [Administration(), DomainRoles(*roles.AUDIT_ROLES), SystemProcess()]
    can_export = [Administration(), DomainRoles(*roles.AUDIT_ROLES), SystemProcess()]
    can_create = [SystemProcess()]
    can_update = [Disable()]
    can_delete = [Disable()]
    can_create_or_update_many = [Disable()]
