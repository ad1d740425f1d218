"""Who reads the preservation report: the platform administrators and the tech bureau."""

from invenio_administration.generators import Administration
from invenio_records_permissions.generators import SystemProcess

from ..kernel import roles
from ..kernel.generators import DomainRoles
from ..kernel.services import DomainPermissionPolicy


class PreservationPermissionPolicy(DomainPermissionPolicy):
    """The report is read by administrators and the bureau (CD-TD Art. 17, 25)."""

    can_read = [Administration(), DomainRoles(*roles.BUREAU_ROLES), SystemProcess()]
