"""Who creates communities and data centres (CD-TD Art. 10; issue 20).

A community with ``cdtd:centre_level`` is a data centre: its curators
review, grade and publish deposits (CD-TD Art. 10-11). Designating data
centres is the bureau's duty, so only the bureau and the platform
administrator create communities at all (InvenioRDM lets any registered
account create one), and only they set or change a community's centre level:
an owner the bureau made cannot turn a plain community into a centre, or a
centre into another level.
"""

from invenio_access.permissions import system_process
from invenio_communities.communities.services.components import DefaultCommunityComponents
from invenio_communities.permissions import CommunityPermissionPolicy
from invenio_i18n import lazy_gettext as _
from invenio_records_permissions.generators import SystemProcess
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_records_resources.services.records.components import ServiceComponent

from ..kernel.generators import DomainRoles
from ..kernel.labels import NAMESPACE
from ..kernel.roles import BUREAU_ROLES, has_role

CENTRE_LEVEL = f"{NAMESPACE}:centre_level"
"""The community custom field that makes a community a data centre."""


class TechDataCommunityPermissionPolicy(CommunityPermissionPolicy):
    """InvenioRDM's community permissions, creation for the bureau only (CD-TD Art. 10)."""

    can_create = [DomainRoles(*BUREAU_ROLES), SystemProcess()]


def may_designate_centres(identity):
    """True for the bureau, the platform administrator and system processes."""
    return system_process in identity.provides or has_role(identity, *BUREAU_ROLES)


def _level(custom_fields):
    return (custom_fields or {}).get(CENTRE_LEVEL) or None


class CentreLevelComponent(ServiceComponent):
    """Refuse setting or changing ``cdtd:centre_level`` but by the bureau (CD-TD Art. 10)."""

    def _check(self, identity, old, new):
        if new != old and not may_designate_centres(identity):
            raise PermissionDeniedError(
                _("Only the tech bureau designates data centres (CD-TD Art. 10)."))

    def create(self, identity, data=None, record=None, **kwargs):
        """A new community has a centre level only if the bureau gives it one."""
        self._check(identity, None, _level((data or {}).get("custom_fields")))

    def update(self, identity, data=None, record=None, **kwargs):
        """The centre level stays unless the bureau changes it."""
        data = data or {}
        old = _level(record.get("custom_fields") if record is not None else None)
        # InvenioRDM replaces the custom fields with the data's (none given: none kept).
        new = _level(data.get("custom_fields"))
        self._check(identity, old, new)


COMMUNITIES_SERVICE_COMPONENTS = [CentreLevelComponent, *DefaultCommunityComponents]
"""The centre-level guard first (it compares with the stored custom fields, which
InvenioRDM's ``CustomFieldsComponent`` then replaces), then InvenioRDM's components."""


__all__ = ("CENTRE_LEVEL", "COMMUNITIES_SERVICE_COMPONENTS", "CentreLevelComponent",
           "TechDataCommunityPermissionPolicy", "may_designate_centres")
