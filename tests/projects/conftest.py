"""Fixtures of the project tests: a program manager of the test projects' programme."""

import pytest

from techdata.kernel import roles
from tests.helpers import program_manager, registered_user, token_headers, user_with_role

PASSWORD = "Project-Test-2026"


def project_user(UserFixture, app, db, email, role=None):
    """A user, optionally holding ``role``; a program manager runs the test projects'
    programme (CD-TD Art. 8-9)."""
    if role == roles.PROGRAM_MANAGER:
        return program_manager(UserFixture, app, db, email, password=PASSWORD)
    if role:
        return user_with_role(UserFixture, app, db, email, role, password=PASSWORD)
    return registered_user(UserFixture, app, db, email, PASSWORD)


@pytest.fixture()
def manager(UserFixture, app, db):
    """A program manager of the test projects' programme."""
    return project_user(UserFixture, app, db, "pm@test.example.org", roles.PROGRAM_MANAGER)


@pytest.fixture()
def manager_token(manager, db):
    """The program manager's API headers."""
    return token_headers(manager, db)
