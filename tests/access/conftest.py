"""Fixtures of the tests of requests from outside: the people who file and decide them.

The applicant ``company`` and the ``bureau`` (escalations) are fixtures of
``tests/conftest.py``, and so are the data sets the requests are about (``datasets``)
and the deposits of ``tests/access/filing.py``; helpers are imported by name
from ``tests/access/conditional.py`` and ``tests/access/filing.py``.
"""

import pytest

from tests.helpers import registered_user, token_headers, user_with_role


@pytest.fixture()
def other_company(UserFixture, app, db):
    """Another registered company user."""
    return registered_user(UserFixture, app, db, "other@test.example.org", "Other-Test-2026")


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
