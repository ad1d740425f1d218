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


def entity_data_admin(UserFixture, app, db, email, entity_id, name_zh):
    """A user holding the entity-admin role and the verified data-admin membership of
    ``entity_id`` (created if missing; issue 18: an admin keeps his own entity's entries)."""
    from invenio_access.permissions import system_identity

    from techdata.entities.proxies import current_entities_service as entities

    if entities.resolve_entity(entity_id) is None:
        entities.create_entity(system_identity, {"id": entity_id, "name_zh": name_zh,
                                                 "kind": "university"})
    user = user_with_role(UserFixture, app, db, email, "entity-admin")
    membership = entities.request_membership(system_identity, entity_id, "data-admin",
                                             user_id=user.id)
    entities.verify_membership(system_identity, membership["id"], True)
    return user


@pytest.fixture()
def entity_admin_token(UserFixture, app, db):
    """API token headers of the data administrator of entity ``scu`` (四川大学)."""
    return token_headers(entity_data_admin(UserFixture, app, db, "entity@test.example.org",
                                           "scu", "四川大学"), db)


@pytest.fixture()
def other_entity_admin_token(UserFixture, app, db):
    """API token headers of the data administrator of another entity (``uestc``)."""
    return token_headers(entity_data_admin(UserFixture, app, db, "entity-b@test.example.org",
                                           "uestc", "电子科技大学"), db)
