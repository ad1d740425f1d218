"""Who may import: the system (``invenio techdata import`` runs as the system process)."""

from invenio_records_permissions.generators import SystemProcess

from ..kernel.services import DomainPermissionPolicy


class ImportPermissionPolicy(DomainPermissionPolicy):
    """Actions of the import service."""

    can_import = [SystemProcess()]
    """Import a manifest (an administrator's command line, never a web request)."""
