"""Base of the repository's own services (the small SQL features).

Each feature (directory, releases, agreements, access, review ...) has a
service built on :class:`DomainService`, with a config naming its
permission policy, reached through a proxy; views parse, call, render.
Writes run in InvenioRDM's unit of work (``@unit_of_work()``), so indexing
and notifications happen on commit. Model: cds-rdm ``clc_sync``.
"""

from invenio_records_permissions.generators import SystemProcess
from invenio_records_permissions.policies import BasePermissionPolicy
from invenio_records_resources.services.base import Service, ServiceConfig
from invenio_records_resources.services.base.config import ConfiguratorMixin
from invenio_records_resources.services.uow import unit_of_work

from .errors import forbidden


class DomainPermissionPolicy(BasePermissionPolicy):
    """A policy whose actions default to the system process only."""

    def __init__(self, action, **over):
        """Actions not named by the subclass are the system's alone."""
        if not hasattr(self, f"can_{action}"):
            setattr(self, f"can_{action}", [SystemProcess()])
        super().__init__(action, **over)


class DomainServiceConfig(ServiceConfig, ConfiguratorMixin):
    """Config of a domain service: its id and permission policy."""

    service_id = None
    permission_policy_cls = DomainPermissionPolicy


class DomainService(Service):
    """A service with a permission policy; refusals become 401/403 answers."""

    @property
    def id(self):
        """The service id (registered in the service registry)."""
        return self.config.service_id

    def can(self, identity, action, **kwargs):
        """True when ``identity`` may do ``action``."""
        return self.check_permission(identity, action, **kwargs)

    def require(self, identity, action, **kwargs):
        """Refuse (401/403, bilingual) unless ``identity`` may do ``action``."""
        if not self.check_permission(identity, action, **kwargs):
            raise forbidden()


__all__ = ("DomainPermissionPolicy", "DomainService", "DomainServiceConfig", "unit_of_work")
