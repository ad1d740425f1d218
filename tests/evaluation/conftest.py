"""Fixtures of the evaluation tests (issue 19).

The world the indicator tests compute from is built by ``world.py``; the pages' and
report's facts and accounts by ``pages_world.py``.
"""

import pytest
from flask_principal import identity_loaded
from invenio_access.permissions import system_identity
from invenio_db import db as _db

from techdata.entities.models import Department
from techdata.evaluation.proxies import current_evaluation_service
from techdata.kernel import roles
from tests.evaluation.pages_world import (
    PAGES_FACTS, PAGES_YEAR, SCOPE_ACCOUNTS, SCOPE_NAMES, store_facts)
from tests.evaluation.world import ON, YEAR, build_world, drop_stats, index_stats
from tests.helpers import registered_user, user_with_role


@pytest.fixture()
def world(running_app, db, UserFixture, app):
    """The world, computed for 2026 as of :data:`ON`."""
    owner = UserFixture(email="owner@test.example.org", password="Owner-Test-2026")
    owner.create(app, db)
    index_stats()
    try:
        built = build_world(owner.id)
        built["owner"] = owner
        built["run"] = current_evaluation_service.recompute(system_identity, YEAR, on=ON)
        yield built
    finally:
        drop_stats()


@pytest.fixture()
def pages_world(running_app, db):
    """The pages' facts and summaries of :data:`PAGES_YEAR`."""
    store_facts(PAGES_FACTS, PAGES_YEAR)
    for dept_id, zh, en in SCOPE_NAMES:  # the names pages show instead of ids
        if _db.session.get(Department, dept_id) is None:
            _db.session.add(Department(id=dept_id, name_zh=zh, name_en=en))
    _db.session.commit()
    return {"year": PAGES_YEAR, "identity": system_identity}


@pytest.fixture()
def scoped_identities(app):
    """Give the accounts of :data:`SCOPE_ACCOUNTS` their scope needs when loaded."""
    from invenio_accounts.models import User

    def add_needs(sender, identity):
        user = _db.session.get(User, identity.id) if isinstance(identity.id, int) else None
        for need in SCOPE_ACCOUNTS.get(getattr(user, "email", None), ()):
            identity.provides.add(need)

    identity_loaded.connect(add_needs, app)
    yield
    identity_loaded.disconnect(add_needs, app)


@pytest.fixture()
def dept_admin(UserFixture, app, db, scoped_identities):
    """An administrator of the science department (sees that department and its entities)."""
    return user_with_role(UserFixture, app, db, "dept-admin@test.example.org",
                          roles.DEPARTMENT_ADMIN, password="Dept-Admin-Test-2026")


@pytest.fixture()
def entity_admin(UserFixture, app, db, scoped_identities):
    """A data administrator of the university (sees that entity only)."""
    return user_with_role(UserFixture, app, db, "entity-admin@test.example.org",
                          roles.ENTITY_ADMIN, password="Entity-Admin-Test-2026")


@pytest.fixture()
def outsider(UserFixture, app, db):
    """A registered user holding no scope."""
    return registered_user(UserFixture, app, db, "outsider@test.example.org",
                           "Outsider-Test-2026")
