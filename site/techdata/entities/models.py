"""Tables of entities, departments, memberships and department admins (issue 18).

An entity's id is its unified social credit code (GB 32100) where it has one,
else the id it had in the ``td-entities`` vocabulary (kept, so records and
directory entries naming it still resolve); ``credit_code`` holds the code of
an entity whose id is a vocabulary id. Departments keep the ids of the
``td-departments`` vocabulary.
"""

from invenio_db import db

from ..kernel.scopes import ENTITY_ROLES
from ..kernel.time import utcnow

KINDS = ("university", "institute", "enterprise", "government-department", "district")
"""Kinds of entity (CD-TD Art. 4-5)."""

PENDING, VERIFIED, REFUSED = "pending", "verified", "refused"
STATUSES = (PENDING, VERIFIED, REFUSED)
"""Life of a membership: asked for, then verified or refused (CD-TD Art. 8; LZ Art. 9)."""


def naive_utcnow():
    """Now in UTC, as a naive datetime (the columns have no time zone)."""
    return utcnow().replace(tzinfo=None)


def _in(values):
    """SQL list of ``values`` for a CHECK constraint."""
    return ", ".join(f"'{v}'" for v in values)


class Department(db.Model):
    """One of the city's competent departments (主管部门, CD-TD Art. 8)."""

    __tablename__ = "techdata_department"

    id = db.Column(db.String(64), primary_key=True)
    name_zh = db.Column(db.String(255), nullable=False)
    name_en = db.Column(db.String(255), nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=naive_utcnow)
    updated = db.Column(db.DateTime, nullable=False, default=naive_utcnow, onupdate=naive_utcnow)


class Entity(db.Model):
    """A legal entity (法人单位): the subject of the deposit duties (CD-TD Art. 4-5, 9).

    The first responsible person, data admin and security officer are named
    with their contacts (QY Art. 5); the accounts acting for the entity are
    its :class:`Membership` rows.
    """

    __tablename__ = "techdata_entity"
    __table_args__ = (
        db.CheckConstraint(f"kind IN ({_in(KINDS)})", name="ck_techdata_entity_kind"),
    )

    id = db.Column(db.String(64), primary_key=True)
    credit_code = db.Column(db.String(18), nullable=True, unique=True)
    name_zh = db.Column(db.String(255), nullable=False, index=True)
    name_en = db.Column(db.String(255), nullable=True)
    kind = db.Column(db.String(32), nullable=False)
    department_id = db.Column(db.String(64), db.ForeignKey(Department.id), nullable=True,
                              index=True)
    responsible_name = db.Column(db.String(255), nullable=True)
    responsible_contact = db.Column(db.String(255), nullable=True)
    data_admin_name = db.Column(db.String(255), nullable=True)
    data_admin_contact = db.Column(db.String(255), nullable=True)
    security_officer_name = db.Column(db.String(255), nullable=True)
    security_officer_contact = db.Column(db.String(255), nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=naive_utcnow)
    updated = db.Column(db.DateTime, nullable=False, default=naive_utcnow, onupdate=naive_utcnow)

    department = db.relationship(Department, lazy="joined")


class Membership(db.Model):
    """A user's role at an entity, pending until the entity's data admin or the bureau
    verifies it (CD-TD Art. 8; LZ Art. 9)."""

    __tablename__ = "techdata_entity_membership"
    __table_args__ = (
        db.UniqueConstraint("user_id", "entity_id", "role",
                            name="uq_techdata_entity_membership"),
        db.CheckConstraint(f"role IN ({_in(ENTITY_ROLES)})",
                           name="ck_techdata_entity_membership_role"),
        db.CheckConstraint(f"status IN ({_in(STATUSES)})",
                           name="ck_techdata_entity_membership_status"),
    )

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    user_id = db.Column(db.Integer, db.ForeignKey("accounts_user.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    entity_id = db.Column(db.String(64), db.ForeignKey(Entity.id, ondelete="CASCADE"),
                          nullable=False, index=True)
    role = db.Column(db.String(32), nullable=False)
    status = db.Column(db.String(16), nullable=False, default=PENDING)
    verified_by = db.Column(db.Integer, nullable=True)
    verified_at = db.Column(db.DateTime, nullable=True)
    reason = db.Column(db.Text, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=naive_utcnow)

    entity = db.relationship(Entity, lazy="joined")


class DepartmentAdmin(db.Model):
    """An account administering a competent department (sees its entities and projects)."""

    __tablename__ = "techdata_department_admin"

    user_id = db.Column(db.Integer, db.ForeignKey("accounts_user.id", ondelete="CASCADE"),
                        primary_key=True)
    department_id = db.Column(db.String(64), db.ForeignKey(Department.id, ondelete="CASCADE"),
                              primary_key=True)
    created = db.Column(db.DateTime, nullable=False, default=naive_utcnow)


PROGRAM_MAX = 100
"""Longest programme name (as a project's ``program``, 计划类别)."""


class ProgramManager(db.Model):
    """A program-manager account running a programme (科技计划/专项, CD-TD Art. 8-9): he
    sees and decides that programme's projects only. A programme is named as the projects
    name it (their ``program``, from the program-management system)."""

    __tablename__ = "techdata_program_manager"

    user_id = db.Column(db.Integer, db.ForeignKey("accounts_user.id", ondelete="CASCADE"),
                        primary_key=True)
    program = db.Column(db.String(PROGRAM_MAX), primary_key=True)
    created = db.Column(db.DateTime, nullable=False, default=naive_utcnow)
