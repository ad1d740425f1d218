"""Scope needs on a loaded identity (the contract of ``techdata.kernel.scopes``).

When Flask-Principal loads an identity (each request of a logged-in user,
token or session), :func:`on_identity_loaded` adds one
``scope_need(ENTITY, id, role)`` per VERIFIED membership and one
``scope_need(DEPARTMENT, id)`` per department the account administers, and one
``scope_need(PROGRAM, programme)`` per programme a program manager runs.
Code that builds identities itself (tasks, tests) calls
:func:`add_scope_needs`.
"""

from flask import current_app
from flask_login import current_user
from flask_principal import identity_loaded
from invenio_db import db
from sqlalchemy import String, literal, select, union_all
from sqlalchemy.exc import ProgrammingError

from ..kernel.scopes import DEPARTMENT, ENTITY, PROGRAM, scope_need
from .models import VERIFIED, DepartmentAdmin, Membership, ProgramManager


def scope_needs_of(user_id):
    """The scope needs account ``user_id`` holds (verified memberships, departments,
    programmes), read in one statement (it runs on every request of a logged-in user;
    three before issue 21)."""
    needs = set()
    if user_id is None:
        return needs
    rows = union_all(
        select(literal(ENTITY), Membership.entity_id, Membership.role).where(
            Membership.user_id == user_id, Membership.status == VERIFIED),
        select(literal(DEPARTMENT), DepartmentAdmin.department_id,
               literal(None, String)).where(DepartmentAdmin.user_id == user_id),
        select(literal(PROGRAM), ProgramManager.program, literal(None, String)).where(
            ProgramManager.user_id == user_id),
    )
    for kind, value, role in db.session.execute(rows):
        if kind == ENTITY:
            needs.add(scope_need(ENTITY, value, role))
        elif kind == DEPARTMENT:
            needs.add(scope_need(DEPARTMENT, value))
        else:
            needs.add(scope_need(PROGRAM, value))
    return needs


def _account_id(identity):
    """The account id of ``identity``: its user need, else the logged-in user's."""
    for need in identity.provides:
        if need.method == "id" and isinstance(need.value, int):
            return need.value
    user = getattr(identity, "user", None)
    if user is not None and getattr(user, "id", None) is not None:
        return user.id
    if isinstance(identity.id, int):
        return identity.id
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def add_scope_needs(identity, user_id=None):
    """Add the scope needs of ``user_id`` (default: the identity's account) to ``identity``."""
    uid = user_id if user_id is not None else _account_id(identity)
    identity.provides.update(scope_needs_of(uid))
    return identity


def on_identity_loaded(sender, identity):
    """``identity_loaded`` receiver: the identity's scope needs.

    Before ``invenio techdata upgrade`` created the tables, an identity gets no
    scope (logged) instead of every request failing.
    """
    try:
        add_scope_needs(identity)
    except ProgrammingError:
        db.session.rollback()
        current_app.logger.warning("entity tables missing: run invenio techdata upgrade")


def init_app(app):
    """Connect the receiver for ``app``."""
    identity_loaded.connect_via(app)(on_identity_loaded)
