"""Fixtures of the tests of requests from outside: the people who file and decide them.

The data sets they are about are the ``datasets`` fixture (``tests/conftest.py``)
and the deposits of ``tests/access/filing.py``; helpers are imported by name
from ``tests/access/conditional.py`` and ``tests/access/filing.py``.
"""

import pytest

from tests.helpers import registered_user, token_headers, user_with_role


@pytest.fixture()
def company(UserFixture, app, db):
    """A registered company user (the applicant)."""
    return registered_user(UserFixture, app, db, "company@test.example.org", "Company-Test-2026")


@pytest.fixture()
def other_company(UserFixture, app, db):
    """Another registered company user."""
    return registered_user(UserFixture, app, db, "other@test.example.org", "Other-Test-2026")


@pytest.fixture()
def company_token(company, db):
    """API token headers of the company."""
    return token_headers(company, db)


@pytest.fixture()
def bureau(UserFixture, app, db):
    """A tech-bureau administrator (escalations go there)."""
    return user_with_role(UserFixture, app, db, "bureau@test.example.org", "bureau-admin")


@pytest.fixture()
def expert(UserFixture, app, db):
    """A member of the expert committee (appeals)."""
    return user_with_role(UserFixture, app, db, "expert@test.example.org", "expert-committee")


@pytest.fixture()
def people(running_app, UserFixture, db, datasets):
    """The company applicant, another company, and the provider (the centre's curator)."""
    from invenio_accounts.models import User

    company = UserFixture(email="company@test.example.org", password="Company-Test-2026")
    company.create(running_app, db)
    other = UserFixture(email="other-company@test.example.org", password="Other-Test-2026")
    other.create(running_app, db)
    curator = User.query.filter_by(email="acc-curator@test.example.org").one()
    return {
        "company": company, "other": other, "curator": curator,
        "company_h": token_headers(company, db), "other_h": token_headers(other, db),
        "curator_h": datasets["flow"].curator,
    }
