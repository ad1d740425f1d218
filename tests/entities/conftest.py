"""Fixtures of the entities tests: two entities in one department, their people."""

import pytest
from invenio_access.permissions import any_user, authenticated_user, system_identity
from invenio_access.utils import get_identity

from techdata.entities.identity import add_scope_needs
from techdata.entities.proxies import current_entities_service
from techdata.kernel import roles
from tests.helpers import registered_user, token_headers, user_with_role

CODE_A = "91350100M000100Y43"
"""A valid unified social credit code (GB 32100's worked example)."""


def identity_of(user):
    """The identity of a fixture user with its roles and scope needs (as at log-in)."""
    identity = get_identity(user.user if hasattr(user, "user") else user)
    identity.provides.update({any_user, authenticated_user})
    return add_scope_needs(identity)


@pytest.fixture()
def entities(running_app, db):
    """Department D1 supervising entities A (with a credit code) and B; department D2."""
    service = current_entities_service
    service.create_department(system_identity, {"id": "d1", "name_zh": "成都市一局",
                                                "name_en": "Bureau One"})
    service.create_department(system_identity, {"id": "d2", "name_zh": "成都市二局",
                                                "name_en": "Bureau Two"})
    a = service.create_entity(system_identity, {
        "credit_code": CODE_A, "name_zh": "甲科技有限公司", "name_en": "Alpha Tech Co.",
        "kind": "enterprise", "department": "d1",
        "responsible": {"name": "张三", "contact": "028-1234"}})
    b = service.create_entity(system_identity, {
        "id": "ent-b", "name_zh": "乙研究所", "name_en": "Beta Institute",
        "kind": "institute", "department": "d1"})
    return {"a": a["id"], "b": b["id"]}


@pytest.fixture()
def bureau_user(UserFixture, app, db):
    """A tech-bureau administrator."""
    return user_with_role(UserFixture, app, db, "ent-bureau@test.example.org", roles.BUREAU)


@pytest.fixture()
def admin_a(UserFixture, app, db, entities):
    """The verified data admin of entity A."""
    user = registered_user(UserFixture, app, db, "admin-a@test.example.org", "Admin-A-Test-2026")
    membership = current_entities_service.request_membership(
        system_identity, entities["a"], "data-admin", user_id=user.id)
    current_entities_service.verify_membership(system_identity, membership["id"], True)
    return user


@pytest.fixture()
def admin_b(UserFixture, app, db, entities):
    """The verified data admin of entity B."""
    user = registered_user(UserFixture, app, db, "admin-b@test.example.org", "Admin-B-Test-2026")
    membership = current_entities_service.request_membership(
        system_identity, entities["b"], "data-admin", user_id=user.id)
    current_entities_service.verify_membership(system_identity, membership["id"], True)
    return user


@pytest.fixture()
def applicant(UserFixture, app, db):
    """A registered account with no membership yet."""
    return registered_user(UserFixture, app, db, "joiner@test.example.org", "Joiner-Test-2026")


@pytest.fixture()
def headers(db):
    """``headers(user)``: API token headers of a fixture user."""
    return lambda user: token_headers(user, db)
