"""Fixtures of the directory tests: users of the domain roles with API tokens."""

import pytest

from tests.helpers import token_headers, user_with_role
from tests.helpers import deposit, registered_user

NOT_OPENED = dict(opening_type={"id": "none"}, opening_reason="涉及未公开专利",
                  opening_legal_basis="《专利法》第二十一条",
                  sharing_type={"id": "none"}, sharing_reason="涉及未公开专利",
                  sharing_legal_basis="《专利法》第二十一条")
"""cdtd fields of a 不予开放 deposit (with the reasons the rules require)."""


def not_opened(title="未公开专利实验数据", **custom):
    """A valid 不予开放 deposit."""
    return deposit(title=title, **{**NOT_OPENED, **custom})


@pytest.fixture()
def bureau_user(UserFixture, app, db):
    """A tech-bureau administrator (CD-TD Art. 7)."""
    return user_with_role(UserFixture, app, db, "bureau@test.example.org", "bureau-admin")


@pytest.fixture()
def bureau_token(bureau_user, db):
    """API token headers of the tech-bureau administrator."""
    return token_headers(bureau_user, db)


@pytest.fixture()
def company_user(UserFixture, app, db):
    """A registered company user (no role)."""
    return registered_user(UserFixture, app, db, "company@test.example.org", "Company-Test-2026")


@pytest.fixture()
def company_token(company_user, db):
    """API token headers of the company user."""
    return token_headers(company_user, db)


@pytest.fixture()
def entity_admin_token(UserFixture, app, db):
    """API token headers of a legal-entity data administrator."""
    return token_headers(user_with_role(UserFixture, app, db, "entity@test.example.org",
                                  "entity-admin"), db)
