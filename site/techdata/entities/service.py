"""The entities service: entities, departments, memberships (issue 18).

Public API (through :data:`.proxies.current_entities_service`):

- entities: :meth:`~EntitiesService.create_entity`, ``update_entity``,
  ``read_entity``, ``search_entities``; departments: ``create_department``,
  ``update_department``, ``read_department``, ``search_departments``;
  department admins: ``add_department_admin``, ``remove_department_admin``,
  ``departments_of``; programmes' managers (CD-TD Art. 8-9): ``add_program_manager``,
  ``remove_program_manager``, ``programs_of``, ``program_managers``,
  ``program_assignments``;
- memberships: ``request_membership(identity, entity_id, role)`` (pending),
  ``verify_membership(identity, membership_id, approve, reason)`` (the
  entity's data admin or the bureau: CD-TD Art. 8; LZ Art. 9),
  ``memberships_of(user_id)``, ``members(entity_id)``, ``membership_queue(identity,
  entity_id=None)`` (the rows of the one memberships page);
- lookups for imports and pages: ``resolve_entity`` / ``resolve_department``
  (id, credit code or name to id), ``entity_names`` / ``department_names``.

Reads return plain dicts; writes run in a unit of work after the permission
check; refusals are the kernel's bilingual ``DomainError`` naming the field.
"""

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_accounts.models import User
from invenio_db import db
from invenio_vocabularies.proxies import current_service as vocabulary_service
from marshmallow import ValidationError
from sqlalchemy import func, or_

from ..kernel import audit
from ..kernel.errors import DomainError, field_errors, not_found
from ..kernel.i18n import _, bilingual
from ..kernel.roles import PROGRAM_MANAGER
from ..kernel.scopes import (DATA_ADMIN, DEPARTMENT, ENTITY, ENTITY_ROLES, SECURITY_OFFICER,
                             scopes_of)
from ..kernel.services import DomainService, DomainServiceConfig, unit_of_work
from .credit_code import is_credit_code, normalise
from .models import (PENDING, PROGRAM_MAX, REFUSED, VERIFIED, Department, DepartmentAdmin,
                     Entity, Membership, ProgramManager, naive_utcnow)
from .permissions import EntitiesPermissionPolicy
from .schemas import PEOPLE, DepartmentSchema, EntitySchema

ENTITY_VOCABULARY = "td-entities"
DEPARTMENT_VOCABULARY = "td-departments"
"""The vocabularies deposit forms and records take their labels from (kept in step)."""

REASON_MAX = 2000
"""Longest reason of a membership decision."""


class EntitiesServiceConfig(DomainServiceConfig):
    """Config of the entities service."""

    service_id = "techdata-entities"
    permission_policy_cls = EntitiesPermissionPolicy


def _iso(value):
    """ISO text of a datetime, or ``None``."""
    return value.isoformat() if value else None


def _field_error(field, message, code=400, summary=None):
    """A ``DomainError`` naming ``field`` with the bilingual ``message``."""
    return DomainError(code, summary or _("Invalid input."),
                       errors=[{"field": field, "messages": [bilingual(message)]}])


def _user_id(identity):
    """The account id of ``identity`` (``None`` for the system and anonymous)."""
    uid = getattr(identity, "id", None)
    return uid if isinstance(uid, int) else None


def _email(user_id):
    """The e-mail of account ``user_id`` (``""`` if there is none)."""
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.email if user is not None else ""


class EntitiesService(DomainService):
    """Entities, departments, department admins and memberships."""

    # -- serialisation -----------------------------------------------------

    def entity_dict(self, identity, entity):
        """An entity as a dict; its named people only to whoever may read contacts."""
        out = {
            "id": entity.id, "credit_code": entity.credit_code,
            "name_zh": entity.name_zh, "name_en": entity.name_en, "kind": entity.kind,
            "department": entity.department_id,
            "department_name": ({"zh": entity.department.name_zh,
                                 "en": entity.department.name_en}
                                if entity.department is not None else None),
            "created": _iso(entity.created), "updated": _iso(entity.updated),
        }
        if self.can(identity, "read_contacts", record=entity):
            for person in PEOPLE:
                out[person] = {"name": getattr(entity, f"{person}_name"),
                               "contact": getattr(entity, f"{person}_contact")}
        return out

    @staticmethod
    def department_dict(department):
        """A department as a dict."""
        return {"id": department.id, "name_zh": department.name_zh,
                "name_en": department.name_en, "created": _iso(department.created),
                "updated": _iso(department.updated)}

    @staticmethod
    def membership_dict(membership):
        """A membership as a dict (with the account's e-mail and the entity's names)."""
        entity = membership.entity
        return {
            "id": membership.id, "user_id": membership.user_id,
            "email": _email(membership.user_id),
            "entity": {"id": entity.id, "name_zh": entity.name_zh, "name_en": entity.name_en,
                       "credit_code": entity.credit_code},
            "role": membership.role, "status": membership.status,
            "verified_by": membership.verified_by, "verified_at": _iso(membership.verified_at),
            "reason": membership.reason, "created": _iso(membership.created),
        }

    # -- entities ------------------------------------------------------------

    def get_entity(self, entity_id):
        """The ``Entity`` row of ``entity_id`` (404 when there is none)."""
        entity = db.session.get(Entity, str(entity_id)) if entity_id else None
        if entity is None:
            raise not_found(_("No such entity."))
        return entity

    def read_entity(self, identity, entity_id):
        """One entity (dict)."""
        self.require(identity, "read")
        return self.entity_dict(identity, self.get_entity(entity_id))

    def search_entities(self, identity, q=None, kind=None, department=None, page=1, size=None):
        """``{"total", "hits"}``: entities matching ``q`` (name, id or credit code)."""
        self.require(identity, "read")
        size = min(max(int(size or current_app.config["TECHDATA_ENTITIES_PAGE_SIZE"]), 1), 500)
        page = min(max(int(page or 1), 1), 10000)
        query = Entity.query
        if q:
            like = f"%{q.strip()}%"
            query = query.filter(or_(Entity.name_zh.ilike(like), Entity.name_en.ilike(like),
                                     Entity.id.ilike(like), Entity.credit_code.ilike(like)))
        if kind:
            query = query.filter(Entity.kind == kind)
        if department:
            query = query.filter(Entity.department_id == department)
        total = query.count()
        rows = (query.order_by(Entity.name_zh, Entity.id)
                .offset(max(page - 1, 0) * size).limit(size).all())
        return {"total": total, "hits": [self.entity_dict(identity, e) for e in rows]}

    def _load(self, schema, data, partial=False):
        """``data`` loaded by ``schema`` (a 400 naming each field)."""
        try:
            return schema().load(data if isinstance(data, dict) else {}, partial=partial)
        except ValidationError as err:
            raise DomainError(400, _("Invalid input."), errors=field_errors(err.messages))

    def _check_department(self, department_id):
        """The department named by an entity must exist (400 ``department``)."""
        if department_id and db.session.get(Department, department_id) is None:
            raise _field_error("department", _("No such department: %(id)s.",
                                               id=department_id[:64]))

    def _check_code_free(self, code, entity_id=None):
        """No other entity holds the credit ``code`` (409 ``credit_code``)."""
        if not code:
            return
        other = Entity.query.filter(or_(Entity.credit_code == code, Entity.id == code)).first()
        if other is not None and other.id != entity_id:
            raise _field_error("credit_code", _("Another entity (%(id)s) has this unified "
                                                "social credit code.", id=other.id), code=409)

    @staticmethod
    def _apply(entity, data):
        """Write loaded ``data`` onto ``entity``."""
        for key in ("name_zh", "name_en", "kind", "credit_code"):
            if key in data:
                setattr(entity, key, data[key])
        if "department" in data:
            entity.department_id = data["department"] or None
        for person in PEOPLE:
            if person in data:
                value = data[person] or {}
                setattr(entity, f"{person}_name", value.get("name"))
                setattr(entity, f"{person}_contact", value.get("contact"))

    def check_entity(self, data, entity_id=None):
        """Validate entity ``data`` without storing it (a new one, or changes of
        ``entity_id``); returns the loaded data (with its ``id`` when new)."""
        data = self._load(EntitySchema, data, partial=entity_id is not None)
        if entity_id is not None:
            self._check_code_free(data.get("credit_code"), entity_id)
            self._check_department(data.get("department"))
            return data
        code = data.get("credit_code")
        data["id"] = data.get("id") or code
        if not data["id"]:
            raise _field_error("credit_code", _("Give the unified social credit code "
                                                "(or an id for an entity without one)."))
        if is_credit_code(data["id"]) and not code:
            code = data["credit_code"] = normalise(data["id"])
        if db.session.get(Entity, data["id"]) is not None:
            raise _field_error("id", _("An entity with this id exists already."), code=409)
        self._check_code_free(code)
        self._check_department(data.get("department"))
        return data

    @unit_of_work()
    def create_entity(self, identity, data, uow=None):
        """Create an entity; its id is its credit code unless an id is given (bureau)."""
        self.require(identity, "manage")
        data = self.check_entity(data)
        entity = Entity(id=data["id"])
        self._apply(entity, data)
        db.session.add(entity)
        db.session.flush()
        self._sync_vocabulary(ENTITY_VOCABULARY, entity.id, entity.name_zh, entity.name_en,
                              {"kind": entity.kind}, uow)
        return self.entity_dict(identity, entity)

    @unit_of_work()
    def update_entity(self, identity, entity_id, data, uow=None):
        """Change an entity (given fields only). The bureau changes everything; the
        entity's data admin only its named people (QY Art. 5)."""
        entity = self.get_entity(entity_id)
        self.require(identity, "update", record=entity)
        data = self._load(EntitySchema, data, partial=True)
        data.pop("id", None)
        if not self.can(identity, "manage"):
            data = {k: v for k, v in data.items() if k in PEOPLE}
        if "name_zh" in data and not data["name_zh"]:
            raise _field_error("name_zh", _("Required."))
        if "kind" in data and not data["kind"]:
            raise _field_error("kind", _("Required."))
        self._check_code_free(data.get("credit_code"), entity.id)
        self._check_department(data.get("department"))
        self._apply(entity, data)
        entity.updated = naive_utcnow()
        db.session.flush()
        self._sync_vocabulary(ENTITY_VOCABULARY, entity.id, entity.name_zh, entity.name_en,
                              {"kind": entity.kind}, uow)
        return self.entity_dict(identity, entity)

    # -- departments -----------------------------------------------------------

    def get_department(self, department_id):
        """The ``Department`` row (404 when there is none)."""
        department = db.session.get(Department, str(department_id)) if department_id else None
        if department is None:
            raise not_found(_("No such department."))
        return department

    def read_department(self, identity, department_id):
        """One department (dict)."""
        self.require(identity, "read")
        return self.department_dict(self.get_department(department_id))

    def search_departments(self, identity, q=None):
        """``{"total", "hits"}``: every department (few), matching ``q`` if given."""
        self.require(identity, "read")
        query = Department.query
        if q:
            like = f"%{q.strip()}%"
            query = query.filter(or_(Department.name_zh.ilike(like),
                                     Department.name_en.ilike(like), Department.id.ilike(like)))
        rows = query.order_by(Department.id).all()
        return {"total": len(rows), "hits": [self.department_dict(d) for d in rows]}

    @unit_of_work()
    def create_department(self, identity, data, uow=None):
        """Create a competent department (bureau)."""
        self.require(identity, "manage")
        data = self._load(DepartmentSchema, data)
        if db.session.get(Department, data["id"]) is not None:
            raise _field_error("id", _("A department with this id exists already."), code=409)
        department = Department(id=data["id"], name_zh=data["name_zh"],
                                name_en=data.get("name_en"))
        db.session.add(department)
        db.session.flush()
        self._sync_vocabulary(DEPARTMENT_VOCABULARY, department.id, department.name_zh,
                              department.name_en, None, uow)
        return self.department_dict(department)

    @unit_of_work()
    def update_department(self, identity, department_id, data, uow=None):
        """Rename a department (bureau)."""
        self.require(identity, "manage")
        department = self.get_department(department_id)
        data = self._load(DepartmentSchema, data, partial=True)
        if "name_zh" in data:
            if not data["name_zh"]:
                raise _field_error("name_zh", _("Required."))
            department.name_zh = data["name_zh"]
        if "name_en" in data:
            department.name_en = data["name_en"]
        department.updated = naive_utcnow()
        db.session.flush()
        self._sync_vocabulary(DEPARTMENT_VOCABULARY, department.id, department.name_zh,
                              department.name_en, None, uow)
        return self.department_dict(department)

    def departments_of(self, user_id):
        """Ids of the departments account ``user_id`` administers."""
        return sorted(d for (d,) in db.session.query(DepartmentAdmin.department_id)
                      .filter(DepartmentAdmin.user_id == user_id))

    def department_admins(self, department_id):
        """Account ids administering ``department_id``."""
        return sorted(u for (u,) in db.session.query(DepartmentAdmin.user_id)
                      .filter(DepartmentAdmin.department_id == department_id))

    @unit_of_work()
    def add_department_admin(self, identity, department_id, user_id, uow=None):
        """Name account ``user_id`` an admin of ``department_id`` (bureau)."""
        self.require(identity, "manage")
        self.get_department(department_id)
        user_id = int(user_id)
        if db.session.get(User, user_id) is None:
            raise _field_error("user", _("No such account."))
        if db.session.get(DepartmentAdmin, (user_id, department_id)) is None:
            db.session.add(DepartmentAdmin(user_id=user_id, department_id=department_id))
            audit.log("techdata.role.change", str(user_id), identity=identity, uow=uow,
                      after={"department": department_id, "role": "admin"})
        return self.departments_of(user_id)

    @unit_of_work()
    def remove_department_admin(self, identity, department_id, user_id, uow=None):
        """Take ``department_id`` from account ``user_id`` (bureau)."""
        self.require(identity, "manage")
        user_id = int(user_id)
        row = db.session.get(DepartmentAdmin, (user_id, department_id))
        if row is not None:
            db.session.delete(row)
            audit.log("techdata.role.change", str(user_id), identity=identity, uow=uow,
                      before={"department": department_id, "role": "admin"})
        return self.departments_of(user_id)

    # -- programmes' managers (CD-TD Art. 8-9) ----------------------------------------

    def programs_of(self, user_id):
        """The programmes account ``user_id`` runs (names, as projects name them)."""
        return sorted(p for (p,) in db.session.query(ProgramManager.program)
                      .filter(ProgramManager.user_id == user_id))

    def program_managers(self, program):
        """Account ids running ``program``."""
        return sorted(u for (u,) in db.session.query(ProgramManager.user_id)
                      .filter(ProgramManager.program == program))

    def program_assignments(self, identity):
        """Every programme assignment ``[{"program", "user_id", "email"}]`` (bureau)."""
        self.require(identity, "manage")
        rows = (db.session.query(ProgramManager.program, ProgramManager.user_id, User.email)
                .join(User, User.id == ProgramManager.user_id)
                .order_by(ProgramManager.program, User.email))
        return [{"program": p, "user_id": u, "email": e} for p, u, e in rows]

    @staticmethod
    def _program_name(program):
        """A programme name, checked (400 naming ``program``)."""
        name = program.strip() if isinstance(program, str) else ""
        if not name:
            raise _field_error("program", _("Name the programme (as its projects name it)."))
        if len(name) > PROGRAM_MAX:
            raise _field_error("program", _("Too long: at most %(max)s characters.",
                                            max=PROGRAM_MAX))
        return name

    @staticmethod
    def _program_manager_account(user, role_needed=True):
        """The account ``user`` names (id or e-mail), a program manager unless not
        ``role_needed`` (400 naming ``user``)."""
        account = None
        if (isinstance(user, int) and not isinstance(user, bool)) or (
                isinstance(user, str) and user.strip().isdecimal()):
            number = int(user)
            account = db.session.get(User, number) if 0 < number < 2**31 else None
        elif isinstance(user, str) and user.strip():
            account = User.query.filter(func.lower(User.email) == user.strip().lower()).first()
        if account is None:
            raise _field_error("user", _("No such account."))
        if role_needed and PROGRAM_MANAGER not in {r.name for r in account.roles}:
            raise _field_error("user", _("Only a program manager runs a programme "
                                         "(CD-TD Art. 8-9): give the account that role first."))
        return account

    def check_program_manager(self, program, user):
        """Check an assignment without storing it: ``(programme, account)`` (400 naming
        ``program`` or ``user``)."""
        return self._program_name(program), self._program_manager_account(user)

    @unit_of_work()
    def add_program_manager(self, identity, program, user, uow=None):
        """Assign ``program`` to the program manager ``user`` (id or e-mail; bureau): he then
        sees and decides that programme's projects (CD-TD Art. 8-9). Returns his programmes."""
        self.require(identity, "manage")
        program, account = self.check_program_manager(program, user)
        if db.session.get(ProgramManager, (account.id, program)) is None:
            db.session.add(ProgramManager(user_id=account.id, program=program))
            db.session.flush()
            audit.log("techdata.role.change", str(account.id), identity=identity, uow=uow,
                      after={"program": program, "role": PROGRAM_MANAGER})
        return self.programs_of(account.id)

    @unit_of_work()
    def remove_program_manager(self, identity, program, user, uow=None):
        """Take ``program`` from account ``user`` (id or e-mail; bureau)."""
        self.require(identity, "manage")
        program = self._program_name(program)
        account = self._program_manager_account(user, role_needed=False)
        row = db.session.get(ProgramManager, (account.id, program))
        if row is not None:
            db.session.delete(row)
            db.session.flush()
            audit.log("techdata.role.change", str(account.id), identity=identity, uow=uow,
                      before={"program": program, "role": PROGRAM_MANAGER})
        return self.programs_of(account.id)

    # -- memberships -------------------------------------------------------------

    @unit_of_work()
    def request_membership(self, identity, entity_id, role, uow=None, user_id=None):
        """Ask that the identity's account (or ``user_id``, for the system) hold ``role``
        at ``entity_id``: a pending membership until verified (LZ Art. 9, 26).

        Asking again for what is pending or verified returns it; a refused one is
        asked again (pending).
        """
        self.require(identity, "request_membership")
        uid = _user_id(identity) if user_id is None or _user_id(identity) else int(user_id)
        if uid is None:
            raise _field_error("user", _("Only an account can join an entity."))
        if not entity_id or db.session.get(Entity, str(entity_id)) is None:
            raise _field_error("entity", _("No such entity: search it by name or unified "
                                           "social credit code."))
        if role not in ENTITY_ROLES:
            raise _field_error("role", _("One of: member, data-admin, security-officer."))
        membership = Membership.query.filter_by(user_id=uid, entity_id=str(entity_id),
                                                role=role).one_or_none()
        if membership is None:
            membership = Membership(user_id=uid, entity_id=str(entity_id), role=role,
                                    status=PENDING)
            db.session.add(membership)
        elif membership.status == REFUSED:
            membership.status = PENDING
            membership.verified_by = membership.verified_at = None
        db.session.flush()
        return self.membership_dict(membership)

    def get_membership(self, membership_id):
        """The ``Membership`` row (404 when there is none)."""
        try:
            number = int(membership_id)
        except (TypeError, ValueError):
            number = 0
        membership = db.session.get(Membership, number) if 0 < number < 2**31 else None
        if membership is None:
            raise not_found(_("No such membership."))
        return membership

    @unit_of_work()
    def verify_membership(self, identity, membership_id, approve, reason=None, uow=None):
        """Verify (``approve``) or refuse a membership: the entity's data admin or the
        bureau (CD-TD Art. 8; LZ Art. 9). A refusal states its reason; nobody decides
        his own membership."""
        membership = self.get_membership(membership_id)
        self.require(identity, "verify_membership", record=membership)
        uid = _user_id(identity)
        if uid is not None and uid == membership.user_id:
            raise DomainError(403, _("Nobody verifies his own membership (LZ Art. 9)."))
        reason = (reason or "").strip() or None
        if reason and len(reason) > REASON_MAX:
            raise _field_error("reason", _("Too long: at most %(max)s characters.",
                                           max=REASON_MAX))
        if not approve and not reason:
            raise _field_error("reason", _("State the reason of the refusal (LZ Art. 9)."))
        before = membership.status
        membership.status = VERIFIED if approve else REFUSED
        membership.verified_by = uid
        membership.verified_at = naive_utcnow()
        membership.reason = reason
        db.session.flush()
        audit.log("techdata.role.change", str(membership.user_id), identity=identity, uow=uow,
                  before={"entity": membership.entity_id, "role": membership.role,
                          "status": before},
                  after={"entity": membership.entity_id, "role": membership.role,
                         "status": membership.status},
                  details={"reason": reason, "membership": membership.id})
        return self.membership_dict(membership)

    def memberships_of(self, user_id, status=None):
        """Memberships of account ``user_id`` (dicts), ``status`` only if given."""
        query = Membership.query.filter(Membership.user_id == user_id)
        if status:
            query = query.filter(Membership.status == status)
        return [self.membership_dict(m) for m in query.order_by(Membership.id)]

    def verified_entities(self, user_id, *roles):
        """Ids of the entities where ``user_id`` holds a verified one of ``roles`` (any)."""
        query = db.session.query(Membership.entity_id).filter(
            Membership.user_id == user_id, Membership.status == VERIFIED)
        if roles:
            query = query.filter(Membership.role.in_(roles))
        return sorted({e for (e,) in query})

    def members(self, entity_id, status=None, identity=None):
        """Memberships of ``entity_id`` (dicts); checked against ``identity`` if given."""
        entity = self.get_entity(entity_id)
        if identity is not None:
            self.require(identity, "read_members", record=entity)
        query = Membership.query.filter(Membership.entity_id == entity.id)
        if status:
            query = query.filter(Membership.status == status)
        return [self.membership_dict(m) for m in query.order_by(Membership.status, Membership.id)]

    def membership_queue(self, identity, entity_id=None):
        """The rows of the one memberships page (CD-TD Art. 8; LZ Art. 9).

        Without ``entity_id``: every pending membership ``identity`` may verify (the
        bureau: all; an entity's verified data admin: his entities'). With it: that
        entity's memberships, whatever their status, to whoever reads its members (403
        otherwise). Each dict gains ``may_decide`` (pending, and ``identity`` may verify it).
        """
        if entity_id:
            entity = self.get_entity(entity_id)
            self.require(identity, "read_members", record=entity)
            rows = (Membership.query.filter(Membership.entity_id == entity.id)
                    .order_by(Membership.status, Membership.id))
        else:
            rows = Membership.query.filter(Membership.status == PENDING).order_by(Membership.id)
        out = []
        for membership in rows:
            may = (membership.status == PENDING
                   and self.can(identity, "verify_membership", record=membership))
            if entity_id or may:
                out.append({**self.membership_dict(membership), "may_decide": may})
        return out

    def pending_for(self, identity):
        """Pending memberships ``identity`` may verify (the bureau: all)."""
        rows = Membership.query.filter(Membership.status == PENDING).order_by(Membership.id)
        return [self.membership_dict(m) for m in rows
                if self.can(identity, "verify_membership", record=m)]

    def administers(self, identity):
        """Whether ``identity`` has entity pages to work: the bureau, department admins,
        entities' data admins and security officers (the navigation link)."""
        return bool(self.can(identity, "manage")
                    or self.can(identity, "read_contacts", record=None)
                    or scopes_of(identity, DEPARTMENT)
                    or scopes_of(identity, ENTITY, DATA_ADMIN, SECURITY_OFFICER))

    # -- lookups ---------------------------------------------------------------------

    def resolve_entity(self, text):
        """The id of the entity ``text`` names: its id, credit code, Chinese or English
        name (case and surrounding spaces ignored), or ``None``."""
        value = str(text or "").strip()
        if not value:
            return None
        if db.session.get(Entity, value) is not None:
            return value
        code = normalise(value)
        found = Entity.query.filter(or_(Entity.credit_code == code, Entity.id == code)).first()
        if found is None:
            found = Entity.query.filter(or_(Entity.name_zh == value,
                                            func.lower(Entity.name_en) == value.lower())).first()
        return found.id if found is not None else None

    def resolve_department(self, text):
        """The id of the department ``text`` names (id, Chinese or English name), or ``None``."""
        value = str(text or "").strip()
        if not value:
            return None
        if db.session.get(Department, value) is not None:
            return value
        found = Department.query.filter(or_(Department.name_zh == value,
                                            func.lower(Department.name_en) == value.lower())).first()
        return found.id if found is not None else None

    @staticmethod
    def entity_names(ids):
        """``{id: {"zh", "en"}}`` of the entities of ``ids`` (unknown ids left out)."""
        ids = [i for i in set(ids or ()) if i]
        if not ids:
            return {}
        rows = Entity.query.filter(Entity.id.in_(ids))
        return {e.id: {"zh": e.name_zh, "en": e.name_en or e.name_zh} for e in rows}

    @staticmethod
    def department_names(ids):
        """``{id: {"zh", "en"}}`` of the departments of ``ids`` (unknown ids left out)."""
        ids = [i for i in set(ids or ()) if i]
        if not ids:
            return {}
        rows = Department.query.filter(Department.id.in_(ids))
        return {d.id: {"zh": d.name_zh, "en": d.name_en or d.name_zh} for d in rows}

    @staticmethod
    def entities_of_department(department_id):
        """Ids of the entities ``department_id`` supervises."""
        return sorted(e for (e,) in db.session.query(Entity.id)
                      .filter(Entity.department_id == department_id))

    # -- the vocabularies forms read labels from ----------------------------------

    @staticmethod
    def _sync_vocabulary(vocabulary, id_, name_zh, name_en, props, uow):
        """Create or update the vocabulary entry of an entity or department, so deposit
        forms and record pages name it (nothing when the vocabulary is not loaded)."""
        data = {"id": id_, "type": vocabulary,
                "title": {"zh": name_zh, "en": name_en or name_zh}}
        if props:
            data["props"] = {k: str(v) for k, v in props.items()}
        try:
            vocabulary_service.read(system_identity, (vocabulary, id_))
        except Exception:  # noqa: BLE001 no entry yet (or no vocabulary type): create below
            exists = False
        else:
            exists = True
        try:
            if exists:
                vocabulary_service.update(system_identity, (vocabulary, id_), data, uow=uow)
            else:
                vocabulary_service.create(system_identity, data, uow=uow)
        except Exception as err:  # noqa: BLE001 the vocabulary type is not loaded (tests, set-up)
            current_app.logger.info("vocabulary %s not updated for %s: %s", vocabulary, id_, err)
