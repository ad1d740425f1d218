"""The scope contract of the kernel (issue 18): needs, lookups and the InScope generator."""

from flask_principal import Identity

from techdata.kernel.scopes import (
    DATA_ADMIN, DEPARTMENT, ENTITY, MEMBER, InScope, holds_scope, scope_need, scopes_of)


def identity_with(*needs):
    """An identity holding ``needs``."""
    identity = Identity(7)
    identity.provides.update(needs)
    return identity


def test_scopes_of_filters_by_kind_and_role():
    identity = identity_with(scope_need(ENTITY, "A", DATA_ADMIN), scope_need(ENTITY, "B", MEMBER),
                             scope_need(DEPARTMENT, "D1"))
    assert scopes_of(identity, ENTITY) == {"A", "B"}
    assert scopes_of(identity, ENTITY, DATA_ADMIN) == {"A"}
    assert scopes_of(identity, DEPARTMENT) == {"D1"}
    assert holds_scope(identity, ENTITY, "A", DATA_ADMIN)
    assert not holds_scope(identity, ENTITY, "B", DATA_ADMIN)
    assert scopes_of(None, ENTITY) == set()


def test_in_scope_needs_and_filter():
    generator = InScope(ENTITY, "owner.entity", (DATA_ADMIN,))
    assert generator.needs(record={"owner": {"entity": {"id": "A"}}}) == [
        scope_need(ENTITY, "A", DATA_ADMIN)]
    assert generator.needs(record={"owner": {}}) == []
    admin_of_a = identity_with(scope_need(ENTITY, "A", DATA_ADMIN))
    assert generator.query_filter(identity=admin_of_a).to_dict() == {
        "terms": {"owner.entity": ["A"]}}
    member_of_a = identity_with(scope_need(ENTITY, "A", MEMBER))
    assert generator.query_filter(identity=member_of_a) == []
