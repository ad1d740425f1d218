"""Fixtures of the directory tests: users of the domain roles with API tokens."""

import pytest

from tests.conftest import _token, _user_with_role
from tests.helpers import deposit

NOT_OPENED = dict(opening_type={"id": "none"}, opening_reason="涉及未公开专利",
                  opening_legal_basis="《专利法》第二十一条",
                  sharing_type={"id": "none"}, sharing_reason="涉及未公开专利",
                  sharing_legal_basis="《专利法》第二十一条")
"""cdtd fields of a 不予开放 deposit (with the reasons the rules require)."""


def not_opened(title="未公开专利实验数据", **custom):
    """A valid 不予开放 deposit."""
    return deposit(title=title, **{**NOT_OPENED, **custom})


@pytest.fixture()
def bureau_token(UserFixture, app, db):
    """API token headers of a tech-bureau administrator."""
    return _token(_user_with_role(UserFixture, app, db, "bureau@test.example.org",
                                  "bureau-admin"), db)


@pytest.fixture()
def company_token(UserFixture, app, db):
    """API token headers of a registered company user (no role)."""
    from invenio_accounts.proxies import current_datastore  # noqa: F401

    u = UserFixture(email="company@test.example.org", password="Company-Test-2026")
    u.create(app, db)
    return _token(u, db)


@pytest.fixture()
def entity_admin_token(UserFixture, app, db):
    """API token headers of a legal-entity data administrator."""
    return _token(_user_with_role(UserFixture, app, db, "entity@test.example.org",
                                  "entity-admin"), db)
