"""Record permission policy: who reads what, by opening type.

- 不予开放 (not opened): the record is metadata-restricted; besides owners and
  the centre's curators, the government roles that keep the resource
  directory read its metadata (CD-TD Art. 7, 11, 19), never its files.
- 有条件开放 (conditional): metadata public, files only to granted users (QY
  Art. 24; LZ Art. 25-26).
- 不予开放 but 无条件共享 (shared unconditionally): its files too go to the
  government units its sharing scope allows (CD-PD Art. 22, 26; QY Art. 16;
  ``access.generators.GovernmentSharing``).
- The providing entity's verified data admins read its not-opened records
  metadata (issue 18; CD-TD Art. 9).
- A competent department's admins read the not-opened metadata of their
  department's datasets only (issue 18; CD-TD Art. 8): those naming it as
  responsible department, provided by an entity it supervises, or of one of its
  projects (``DepartmentOversight``); the role alone reads none.
- Confidentiality reviewers may preview the draft they review (CD-TD Art. 24).
"""

from invenio_rdm_records.services.generators import IfRestricted
from invenio_rdm_records.services.permissions import (
    RDMRecordPermissionPolicy,
    RDMRequestsPermissionPolicy,
)
from functools import reduce
from itertools import chain
from operator import or_

from invenio_records_permissions.generators import AnyUser, Generator, SameAs, SystemProcess
from invenio_search.engine import dsl

from invenio_requests.services.generators import Creator, Receiver, Reviewers, Status, Topic

from .access.generators import (
    DELIVERING_TYPES, GovernmentSharing, IfRequestType, ProvidingEntityAdmins,
)
from .access.registry import TYPES as ACCESS_TYPES
from .entities.proxies import current_entities_service
from .kernel.errors import DomainError
from .kernel.generators import DomainRoles
from .kernel.labels import NAMESPACE
from .kernel.roles import BUREAU, DEPARTMENT_ADMIN, GOVERNMENT_READERS
from .kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, InScope, scope_need, scopes_of
from .projects.records.models import ProjectMetadata
from .review.generators import ConfidentialityReviewers


class OnRequestTypes(Generator):
    """``generators`` on requests of the given types only: in the needs of one request and
    in the search filter (a ``terms`` on ``type``), so a search shows no other request."""

    def __init__(self, type_ids, generators):
        """``type_ids``: request types the ``generators`` apply to."""
        self.type_ids = tuple(type_ids)
        self.generators = generators

    def needs(self, request=None, **kwargs):
        """The generators' needs on a request of the types, else none."""
        if request is None or request.type.type_id not in self.type_ids:
            return []
        return set(chain.from_iterable(g.needs(request=request, **kwargs)
                                       for g in self.generators))

    def query_filter(self, identity=None, **kwargs):
        """The generators' filters, limited to requests of the types."""
        queries = [q for g in self.generators for q in [g.query_filter(identity=identity,
                                                                       **kwargs)] if q]
        if not queries:
            return []
        return reduce(or_, queries) & dsl.Q("terms", type=list(self.type_ids))


NOT_OPENED_READER_ROLES = tuple(r for r in GOVERNMENT_READERS if r != DEPARTMENT_ADMIN)
"""Roles that read every not-opened record's metadata; a department's admins read their
department's only (``DepartmentOversight``; issue 18)."""


def _cf_id(record, name):
    """The id of the record's ``cdtd:<name>`` term (or its text value)."""
    value = (record.get("custom_fields") or {}).get(f"{NAMESPACE}:{name}")
    return value.get("id") if isinstance(value, dict) else value


class DepartmentOversight(Generator):
    """A competent department's admins read its datasets' not-opened metadata (CD-TD Art. 8).

    A dataset is the department's when it names the department as responsible
    department (``cdtd:responsible_department``), when its providing entity is
    supervised by it, or when its project (``cdtd:project``) is the department's
    (issue 18). Needs: the department scope needs of the dataset; filter: the datasets
    of the identity's departments.
    """

    def needs(self, record=None, **kwargs):
        """The scope needs of the departments the record belongs to."""
        if record is None:
            return []
        departments = {_cf_id(record, "responsible_department")}
        entity_id = _cf_id(record, "providing_entity")
        if entity_id:
            try:
                departments.add(current_entities_service.get_entity(entity_id).department_id)
            except DomainError:  # an entity the platform does not know: no department
                pass
        number = _cf_id(record, "project")
        if number:
            row = (ProjectMetadata.query
                   .with_entities(ProjectMetadata.json["department"].as_string())
                   .filter(ProjectMetadata.json["number"].as_string() == str(number)).first())
            departments.add(row[0] if row else None)
        return [scope_need(DEPARTMENT, d) for d in sorted(d for d in departments if d)]

    def query_filter(self, identity=None, **kwargs):
        """The records of the identity's departments, of their entities and projects."""
        departments = sorted(scopes_of(identity, DEPARTMENT))
        if not departments:
            return []
        query = dsl.Q("terms", **{f"custom_fields.{NAMESPACE}:responsible_department.id":
                                  departments})
        entity_ids = sorted({e for d in departments
                             for e in current_entities_service.entities_of_department(d)})
        if entity_ids:
            query |= dsl.Q("terms", **{f"custom_fields.{NAMESPACE}:providing_entity.id":
                                       entity_ids})
        numbers = sorted({n for (n,) in ProjectMetadata.query.with_entities(
            ProjectMetadata.json["number"].as_string()).filter(
            ProjectMetadata.json["department"].as_string().in_(departments)) if n})
        if numbers:
            query |= dsl.Q("terms", **{f"custom_fields.{NAMESPACE}:project": numbers})
        return query


class TechDataRecordPermissionPolicy(RDMRecordPermissionPolicy):
    """InvenioRDM's record policy plus the domain's readers."""

    can_preview = RDMRecordPermissionPolicy.can_preview + [ConfidentialityReviewers()]
    can_read = [
        IfRestricted(
            "record",
            then_=RDMRecordPermissionPolicy.can_view + [
                DomainRoles(*NOT_OPENED_READER_ROLES), GovernmentSharing(),
                # a competent department's admins: its own datasets (issue 18; CD-TD Art. 8)
                DepartmentOversight(),
                # the providing entity's verified data admins (issue 18; CD-TD Art. 9)
                InScope(ENTITY, f"custom_fields.{NAMESPACE}:providing_entity.id",
                        (DATA_ADMIN,))],
            else_=[AnyUser(), SystemProcess()],
        ),
    ]
    # files of not-opened data shared unconditionally: the government units of its
    # sharing scope (CD-PD Art. 22, 26); content and previews follow ``can_read_files``
    can_read_files = RDMRecordPermissionPolicy.can_read_files + [GovernmentSharing()]


class TechDataRequestsPermissionPolicy(RDMRequestsPermissionPolicy):
    """InvenioRDM's request policy plus the deposit review's ``return`` action.

    Returning a deposit for changes is a curator's decision, like accepting
    it (CD-TD Art. 11); a returned request stays readable by the same people
    as a submitted one.
    """

    can_action_return = SameAs("can_action_accept")
    # Answers of the receiver to requests from outside (``techdata.access``):
    # appeal (expert committee, CD-PD Art. 34), correction (provider, CD-PD
    # Art. 27), value-added service quote and delivery (data centre, CD-TD Art. 20).
    can_action_uphold = SameAs("can_action_accept")
    can_action_overturn = SameAs("can_action_accept")
    can_action_answer = SameAs("can_action_accept")
    can_action_quote = SameAs("can_action_accept")
    can_action_deliver = SameAs("can_action_accept")
    # Request files (a data service's deliverables) are read by whoever reads the
    # request; upstream binds this to its own ``can_read`` list, without our statuses.
    can_read_files = SameAs("can_read")
    # A data service's files are the centre's deliverables: only the receiver uploads (issue 20).
    can_manage_files = [IfRequestType(DELIVERING_TYPES, then_=[Receiver()],
                                      else_=RDMRequestsPermissionPolicy.can_manage_files)]
    can_read = RDMRequestsPermissionPolicy.can_read + [
        Status(["returned"], [Creator(), Receiver(), Reviewers(), Topic()]),
        # a value-added service quoted / delivered (``access/service_request.py``)
        Status(["quoted", "delivered"], [Creator(), Receiver(), Topic()]),
        # Requests from outside (issue 8): the bureau follows every request and
        # its full history, refused and expired ones included (CD-PD Art. 26-28);
        # only those: a deposit review carries a draft's title, which is its
        # depositor's and the centre's (issue 20).
        OnRequestTypes([t.type_id for t in ACCESS_TYPES], [DomainRoles(BUREAU)]),
        # the verified data admins of the dataset's providing entity (issue 18; CD-TD Art. 9)
        ProvidingEntityAdmins(),
    ]
    # Decisions on requests from outside (``techdata.access``): the receiver,
    # i.e. the providing entity (QY Art. 24; LZ Art. 25-26; CD-PD Art. 26): its data
    # centre's curators and its verified data admins (issue 18), none of another entity.
    can_action_accept = RDMRequestsPermissionPolicy.can_action_accept + [ProvidingEntityAdmins()]
    can_action_grant = SameAs("can_action_accept")
    can_action_refuse = SameAs("can_action_accept")
    can_update = RDMRequestsPermissionPolicy.can_update + [
        Status(["returned"], [Creator(), Receiver()]),
    ]
