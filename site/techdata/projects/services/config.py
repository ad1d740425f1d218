"""Configuration of the project service (the invenio-records-resources way)."""

from invenio_i18n import lazy_gettext as _
from invenio_records_resources.services import (
    Link, RecordServiceConfig, SearchOptions, pagination_links,
)
from invenio_records_resources.services.base.config import ConfiguratorMixin
from invenio_records_resources.services.records.facets import TermsFacet
from invenio_records_resources.services.records.params import (
    FacetsParam, PaginationParam, QueryStrParam, SortParam,
)
from invenio_records_resources.services.records.queryparser import QueryParser

from ..entity_ids import ProjectEntityComponent
from ..records.api import ProjectRecord
from .components import ProjectDataComponent, ProjectNumberComponent
from .permissions import ProjectPermissionPolicy
from .schema import ProjectSchema


def _number(record, vars):
    """Link variables: the project number."""
    vars.update({"id": record.pid.pid_value})


class ProjectSearchOptions(SearchOptions):
    """Search, sort and facets of projects."""

    query_parser_cls = QueryParser.factory(
        fields=["number^3", "title_zh^2", "title_en", "lead_entity", "program", "pi.email"]
    )
    sort_default = "acceptance_due"
    sort_default_no_query = "acceptance_due"
    sort_options = {
        "acceptance_due": {"title": _("Acceptance due date"), "fields": ["acceptance_due"]},
        "number": {"title": _("Project number"), "fields": ["number"]},
        "bestmatch": {"title": _("Best match"), "fields": ["_score"]},
    }
    facets = {
        "status": TermsFacet(field="status", label=_("Status")),
        "program": TermsFacet(field="program", label=_("Program")),
        "lead_entity": TermsFacet(field="lead_entity", label=_("Lead entity")),
        "funding_source": TermsFacet(field="funding_source", label=_("Funding source")),
        "overridden": TermsFacet(field="acceptance.overridden", label=_("Accepted by override")),
    }
    params_interpreters_cls = [QueryStrParam, SortParam, PaginationParam, FacetsParam]


class ProjectServiceConfig(RecordServiceConfig, ConfiguratorMixin):
    """The project service."""

    service_id = "techdata-projects"
    record_cls = ProjectRecord
    schema = ProjectSchema
    permission_policy_cls = ProjectPermissionPolicy
    indexer_queue_name = service_id
    search = ProjectSearchOptions
    components = [ProjectDataComponent, ProjectNumberComponent, ProjectEntityComponent]
    links_item = {
        "self": Link("{+api}/projects/{id}", vars=_number),
        "gate": Link("{+api}/projects/{id}/gate", vars=_number),
        "acceptance": Link("{+api}/projects/{id}/acceptance", vars=_number),
        "status": Link("{+api}/projects/{id}/status", vars=_number),
        "certificate": Link("{+api}/projects/{id}/certificate", vars=_number),
    }
    links_search = pagination_links("{+api}/projects{?args*}")
