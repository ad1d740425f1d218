"""The directory service: entries, catalogue, open plan and upkeep (CD-TD Art. 7, 9, 19, 24).

Reached through :data:`techdata.directory.proxies.current_directory_service`.
Who may do what is the permission policy's business
(:class:`DirectoryPermissionPolicy`, roles from the ``TECHDATA_DIRECTORY_*``
settings); writes run in a unit of work, which commits. The API and the
pages only parse, call and render.
"""

from flask import current_app
from invenio_access.permissions import system_process
from invenio_records_permissions.generators import AnyUser, SystemProcess

from ..kernel import audit
from ..access.generators import sharing_scope_ids
from ..entities.proxies import current_entities_service
from ..kernel.generators import DomainRoles
from ..kernel.i18n import _
from ..kernel.roles import held_roles, resolve_roles
from ..kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, InScope, scopes_of
from ..kernel.services import (DomainPermissionPolicy, DomainService, DomainServiceConfig,
                               unit_of_work)
from . import catalogue, plan, store
from .errors import DirectoryError, refused

AUDIENCES = store.AUDIENCES
"""The two directories: ``open`` (everyone) and ``resource`` (government roles)."""

BUREAU = DomainRoles("config:TECHDATA_DIRECTORY_BUREAU_ROLES")
"""The tech bureau (and the platform administrator): compiles the directories (CD-TD Art. 7)."""


class DirectoryPermissionPolicy(DomainPermissionPolicy):
    """Who reads and compiles the directories (CD-TD Art. 7, 9, 11, 19, 24; QY Art. 8)."""

    can_read_open = [AnyUser(), SystemProcess()]
    can_read_resource = [DomainRoles("config:TECHDATA_DIRECTORY_RESOURCE_ROLES"), SystemProcess()]
    can_catalogue = [BUREAU, SystemProcess()]
    can_review = [DomainRoles("config:TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"), SystemProcess()]
    # The bureau checks any entry; an entity's verified data admins check their own
    # entity's entries only (QY Art. 8; CD-TD Art. 8-9; issue 18).
    can_check = [DomainRoles("config:TECHDATA_DIRECTORY_CHECK_ROLES"),
                 InScope(ENTITY, "entity", (DATA_ADMIN,)), SystemProcess()]
    can_upkeep = [BUREAU, SystemProcess()]
    can_read_plan = [AnyUser(), SystemProcess()]
    # the bureau keeps the whole plan; an entity's data admins their own entity's items
    can_plan = [BUREAU, InScope(ENTITY, "entity", (DATA_ADMIN,)), SystemProcess()]


def audit_entry(identity, uow, action, row, before=None, **after):
    """A directory act in the audit trail, in the caller's unit of work (LZ Art. 21)."""
    entry_id = getattr(row, "entry_id", row)
    state = {k: getattr(row, k, None) for k in ("in_open", "review_passed", "last_checked",
                                                  "withdrawn")}
    audit.log(action, str(entry_id), identity=identity, uow=uow, before=before,
              after={**{k: v for k, v in state.items() if v is not None}, **after},
              details={"entity": getattr(row, "entity", None) or ""})


class DirectoryServiceConfig(DomainServiceConfig):
    """Config of the directory service."""

    service_id = "techdata-directory"
    permission_policy_cls = DirectoryPermissionPolicy


def user_id(identity):
    """The acting account as stored (``system`` for the system process)."""
    if system_process in getattr(identity, "provides", ()):
        return "system"
    return str(identity.id)


class DirectoryService(DomainService):
    """The live directories: search, entries, catalogue, checks, upkeep and the open plan."""

    def require(self, identity, action, message=None, **kwargs):
        """Refuse (401 anonymous, 403 logged in; bilingual) unless ``identity`` may ``action``."""
        if not self.check_permission(identity, action, **kwargs):
            raise refused(identity, message)

    # -- reading ---------------------------------------------------------

    def check_audience(self, identity, audience):
        """``audience`` must be a directory (404) that ``identity`` may read (401/403)."""
        if audience not in AUDIENCES:
            raise DirectoryError(404, _("There is no directory “%(name)s”; use open or resource.",
                                        name=str(audience)[:32]))
        self.require(identity, f"read_{audience}",
                     _("The resource directory is for government roles (CD-TD Art. 7, 11, 19)."))

    @staticmethod
    def reader_scope(identity, audience):
        """The part of ``audience`` that ``identity`` reads: None for the whole of it.

        A competent department's admins (``TECHDATA_DIRECTORY_SCOPED_RESOURCE_ROLES``)
        read, of the resource directory, the open entries and those of their
        departments and of the entities these supervise (issue 18; CD-TD Art. 8),
        unless they hold another resource role too.
        """
        if audience != "resource" or system_process in getattr(identity, "provides", ()):
            return None
        scoped = set(resolve_roles(["config:TECHDATA_DIRECTORY_SCOPED_RESOURCE_ROLES"]))
        whole = set(resolve_roles(["config:TECHDATA_DIRECTORY_RESOURCE_ROLES"])) - scoped
        held = held_roles(identity)
        if held & whole or not held & scoped:
            return None
        departments = scopes_of(identity, DEPARTMENT)
        entities = {e for d in departments
                    for e in current_entities_service.entities_of_department(d)}
        # data shared unconditionally: every government unit, or those its scope names
        # (CD-PD Art. 22, 26; as ``access.generators.GovernmentSharing`` gives the record)
        shared = [entry_id for entry_id, text in store.shared_unconditionally()
                  if not sharing_scope_ids(text)
                  or set(sharing_scope_ids(text)) & (departments | entities)]
        return store.Scope(departments, entities, shared)

    def search(self, identity, audience, q="", filters=None, page=1, size=20):
        """A page of a directory with its facets (see :func:`.store.search`)."""
        self.check_audience(identity, audience)
        return store.search(audience, q, filters, page, size,
                            scope=self.reader_scope(identity, audience))

    def read(self, identity, audience, entry_id):
        """The row ``entry_id`` of directory ``audience`` (404 when that directory lacks it)."""
        self.check_audience(identity, audience)
        try:
            row = store.get_entry(entry_id)
        except store.EntryNotFound:
            row = None
        if row is None or (audience == "open" and not row.in_open):
            raise catalogue.no_entry(entry_id)
        scope = self.reader_scope(identity, audience)
        if scope is not None and not scope.holds(row):
            raise catalogue.no_entry(entry_id)
        return row

    def reader_audience(self, identity):
        """The directory ``identity`` reads entries in: ``resource`` for government roles."""
        return "resource" if self.can(identity, "read_resource") else "open"

    def entries(self, identity, audience):
        """The live entries of ``audience`` as a stream of entry dicts (exports)."""
        self.check_audience(identity, audience)
        return store.iter_entries(audience, scope=self.reader_scope(identity, audience))

    # -- the catalogue (CD-TD Art. 19, 24) -------------------------------

    @unit_of_work()
    def create(self, identity, data, uow=None):
        """A catalogued entry (data held elsewhere); not open until reviewed."""
        self.require(identity, "catalogue", _("Only the tech bureau catalogues entries."))
        row = catalogue.create(data, user_id(identity))
        audit_entry(identity, uow, "techdata.directory.catalogue", row, step="create")
        return row

    @unit_of_work()
    def update(self, identity, entry_id, data, uow=None):
        """Replace a catalogued entry; a change of facts needs a new review (CD-TD Art. 24)."""
        self.require(identity, "catalogue", _("Only the tech bureau catalogues entries."))
        row = catalogue.update(entry_id, data, user_id(identity))
        audit_entry(identity, uow, "techdata.directory.catalogue", row, step="update")
        return row

    @unit_of_work()
    def withdraw(self, identity, entry_id, uow=None):
        """Withdraw a catalogued entry from both directories."""
        self.require(identity, "catalogue", _("Only the tech bureau catalogues entries."))
        row = catalogue.withdraw(entry_id)
        audit_entry(identity, uow, "techdata.directory.withdraw", row or entry_id)
        return row

    @unit_of_work()
    def review(self, identity, entry_id, data, uow=None):
        """Record the confidentiality review of a catalogued entry (CD-TD Art. 24)."""
        self.require(identity, "review",
                     _("Only confidentiality reviewers review directory entries."))
        return catalogue.review(entry_id, data, user_id(identity))

    @staticmethod
    def own_entities(identity):
        """Ids of the entities whose directory entries ``identity`` keeps as their verified
        data admin (CD-TD Art. 9; ``kernel.scopes``)."""
        return scopes_of(identity, ENTITY, DATA_ADMIN)

    def may_check_some(self, identity):
        """Whether ``identity`` checks any entry: the bureau, or an entity's data admin."""
        return self.can(identity, "check") or bool(self.own_entities(identity))

    @unit_of_work()
    def mark_checked(self, identity, entry_id, uow=None):
        """The yearly check of an entry (QY Art. 8): the bureau, or the data admins of the
        entry's own entity (CD-TD Art. 8-9)."""
        try:
            row = store.get_entry(entry_id)
        except store.EntryNotFound:
            row = None
        if row is None:
            raise catalogue.no_entry(entry_id)
        self.require(identity, "check",
                     _("Only the tech bureau or the data administrator of the entry's own "
                       "entity checks it (CD-TD Art. 9; QY Art. 8)."), record=row)
        before = {"last_checked": row.last_checked}
        checked = store.mark_checked(entry_id, user_id(identity))
        audit_entry(identity, uow, "techdata.directory.check", checked, before=before)
        return checked

    def upkeep(self, identity):
        """Changes not yet released and entries due for their check (CD-PD Art. 14; QY Art. 8):
        all of them for the bureau, his own entity's for an entity data admin."""
        entities = None
        if not self.can(identity, "upkeep"):
            entities = self.own_entities(identity)
            if not entities:
                self.require(identity, "upkeep",
                             _("Only the tech bureau sees the directory upkeep."))

        def own(rows):
            return rows if entities is None else [r for r in rows if r["entity"] in entities]

        return {"pending_changes": own(store.pending_changes()),
                "unchecked": own(store.unchecked_entries()),
                "upkeep_days": current_app.config["TECHDATA_DIRECTORY_UPKEEP_DAYS"],
                "entities": None if entities is None else sorted(entities)}

    # -- the open plan (CD-PD Art. 33) -----------------------------------

    def plan(self, identity, year):
        """The open plan of ``year`` and its progress (public)."""
        self.require(identity, "read_plan")
        return plan.progress(year)

    def _require_plan(self, identity, entity):
        """The bureau, or the data admins of ``entity`` (CD-TD Art. 9; CD-PD Art. 33)."""
        self.require(identity, "plan",
                     _("Only the tech bureau keeps the open plan; an entity's data "
                       "administrator keeps his own entity's items (CD-TD Art. 9)."),
                     record={"entity": entity})

    @unit_of_work()
    def create_plan_item(self, identity, data, uow=None):
        """Add a plan item (bureau; an entity's data admin for his entity)."""
        self._require_plan(identity, (data or {}).get("entity"))
        return plan.create_item(data, user_id(identity))

    @unit_of_work()
    def update_plan_item(self, identity, item_id, data, uow=None):
        """Replace a plan item (bureau; an entity's data admin, within his entity)."""
        self._require_plan(identity, plan.get_item(item_id).entity)
        self._require_plan(identity, (data or {}).get("entity"))
        return plan.update_item(item_id, data, user_id(identity))

    @unit_of_work()
    def delete_plan_item(self, identity, item_id, uow=None):
        """Remove a plan item (bureau; an entity's data admin, his entity's)."""
        self._require_plan(identity, plan.get_item(item_id).entity)
        plan.delete_item(item_id)


__all__ = ("DirectoryPermissionPolicy", "DirectoryService", "DirectoryServiceConfig")
