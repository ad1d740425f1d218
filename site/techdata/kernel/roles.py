"""Roles: the names of the domain roles and the sets the rules use.

Every role name of the domain is written here once (shared/DOMAIN.md "Who
uses it"); features name roles through these constants or the config keys
that default to them, never as literals.
"""

from flask import current_app
from invenio_accounts.models import Role, User
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from sqlalchemy import or_

ADMIN = "admin"
"""InvenioRDM's platform administrator."""
BUREAU = "bureau-admin"
"""市科技局: compiles and publishes the directories, evaluates (CD-TD Art. 7)."""
PROGRAM_MANAGER = "program-manager"
"""科技计划管理部门: accepts projects whose data is deposited (CD-TD Art. 15)."""
CURATOR = "data-centre-curator"
"""科技数据中心: reviews, grades and publishes deposits (CD-TD Art. 10-11)."""
CONFIDENTIALITY_REVIEWER = "confidentiality-reviewer"
"""保密审查员: security and secrecy review before opening (CD-TD Art. 24)."""
ENTITY_ADMIN = "entity-admin"
"""法人单位数据管理员: keeps its unit's directory (CD-TD Art. 9)."""
DEPARTMENT_ADMIN = "department-admin"
"""主管部门: oversees its entities (CD-TD Art. 8)."""
EXPERT_COMMITTEE = "expert-committee"
"""专家委员会: decides appeals (复核, CD-PD Art. 34)."""
AUDITOR = "auditor"
"""审计员: reads the whole audit trail, nothing else (LZ Art. 21, 40)."""

DOMAIN_ROLES = {
    ADMIN: "平台管理员 Platform administrator",
    BUREAU: "市科技局 Tech bureau administrator",
    PROGRAM_MANAGER: "科技计划管理部门 Program manager",
    CURATOR: "科技数据中心 Data-centre curator",
    CONFIDENTIALITY_REVIEWER: "保密审查员 Confidentiality reviewer",
    ENTITY_ADMIN: "法人单位数据管理员 Legal-entity data administrator",
    DEPARTMENT_ADMIN: "主管部门 Competent department",
    EXPERT_COMMITTEE: "专家委员会 Expert committee (appeals)",
    AUDITOR: "审计员 Auditor (audit trail, read-only)",
}
"""Roles created at set-up; descriptions are stored once, so they carry both languages."""

GOVERNMENT_READERS = (BUREAU, CURATOR, CONFIDENTIALITY_REVIEWER, DEPARTMENT_ADMIN,
                      PROGRAM_MANAGER)
"""Roles that read not-opened records and the resource directory (CD-TD Art. 7, 11, 19)."""

BUREAU_ROLES = (ADMIN, BUREAU)
"""The bureau and the platform administrator (directory upkeep, request oversight)."""

SHARING_ROLES = (BUREAU, DEPARTMENT_ADMIN, PROGRAM_MANAGER)
"""Government roles that may ask for conditional sharing (CD-PD Art. 24)."""

CHECK_ROLES = (ADMIN, BUREAU)
"""Roles that mark any directory entry checked (QY Art. 8); an entity's verified data
admins check their own entity's entries through their scope (``scopes``; issue 18)."""

AUDIT_ROLES = (ADMIN, BUREAU, AUDITOR)
"""Roles that read the whole audit trail (LZ Art. 21, 40)."""


def resolve_roles(roles):
    """Role names of ``roles``: names, or ``config:KEY`` settings holding one or a list."""
    names = []
    for role in roles:
        if role.startswith("config:"):
            value = current_app.config[role[len("config:"):]]
            names.extend([value] if isinstance(value, str) else value)
        else:
            names.append(role)
    return names


def held_roles(identity):
    """Names of the roles ``identity`` holds."""
    return {n.value for n in getattr(identity, "provides", ()) if n.method == "role"}


def has_role(identity, *roles):
    """True when ``identity`` holds one of ``roles``."""
    return bool(held_roles(identity) & set(roles))


def role_emails(roles):
    """E-mail addresses of the active holders of ``roles`` (role ids or names).

    The domain roles are created with id = name; InvenioRDM's own (``admin``)
    may not be, so either matches.
    """
    roles = list(roles or [])
    if not roles:
        return []
    users = User.query.join(User.roles).filter(
        or_(Role.id.in_(roles), Role.name.in_(roles)), User.active.is_(True))
    return sorted({u.email for u in users})


def role_users(roles):
    """Active users holding one of ``roles`` (ids or names)."""
    roles = list(roles or [])
    if not roles:
        return []
    return list(User.query.join(User.roles).filter(
        or_(Role.id.in_(roles), Role.name.in_(roles)), User.active.is_(True)))


def ensure_roles():
    """Create the domain roles of ``TECHDATA_DOMAIN_ROLES`` that are missing (set-up)."""
    created = []
    for name, description in current_app.config["TECHDATA_DOMAIN_ROLES"].items():
        if not Role.query.filter_by(name=name).one_or_none():
            current_datastore.create_role(id=name, name=name, description=str(description))
            created.append(name)
    db.session.commit()
    return created
