"""Fixtures of the directory tests: users of the domain roles with API tokens.

The ``bureau`` and the ``company`` user (and their tokens) are fixtures of
``tests/conftest.py``.
"""

import pytest

from tests.helpers import token_headers, user_with_role
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
def entity_admin_token(UserFixture, app, db):
    """API token headers of a legal-entity data administrator."""
    return token_headers(user_with_role(UserFixture, app, db, "entity@test.example.org",
                                  "entity-admin"), db)
