"""The entities service: entities, departments, memberships and their permissions."""

import pytest
from invenio_access.permissions import system_identity
from invenio_access.utils import get_identity
from invenio_vocabularies.proxies import current_service as vocabularies

from techdata.entities.models import Entity, Membership
from techdata.entities.proxies import current_entities_service as service
from techdata.kernel.errors import DomainError
from techdata.kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, MEMBER, scope_need, scopes_of

from .conftest import CODE_A, identity_of


def errors_of(err):
    """``{field: messages}`` of a refused call."""
    return {e["field"]: e["messages"] for e in err.value.errors or []}


def test_entity_id_is_its_credit_code(entities):
    assert entities["a"] == CODE_A
    a = service.read_entity(system_identity, CODE_A)
    assert a["credit_code"] == CODE_A and a["kind"] == "enterprise"
    assert a["department_name"]["zh"] == "成都市一局"
    assert a["responsible"] == {"name": "张三", "contact": "028-1234"}
    b = service.read_entity(system_identity, "ent-b")
    assert b["credit_code"] is None


def test_create_refusals_name_the_field(entities):
    with pytest.raises(DomainError) as err:
        service.create_entity(system_identity, {"credit_code": "91350100M000100Y44",
                                                "name_zh": "丙", "kind": "enterprise"})
    assert err.value.code == 400 and "credit_code" in errors_of(err)
    assert "GB 32100" in errors_of(err)["credit_code"][0]
    with pytest.raises(DomainError) as err:
        service.create_entity(system_identity, {"id": "x1", "name_zh": "丙", "kind": "shop"})
    assert "kind" in errors_of(err)
    with pytest.raises(DomainError) as err:
        service.create_entity(system_identity, {"id": "x1", "name_zh": "丙",
                                                "kind": "enterprise", "department": "nope"})
    assert "department" in errors_of(err)
    with pytest.raises(DomainError) as err:
        service.create_entity(system_identity, {"id": "x2", "credit_code": CODE_A,
                                                "name_zh": "丙", "kind": "enterprise"})
    assert err.value.code == 409 and "credit_code" in errors_of(err)


def test_search_by_name_and_code(entities):
    found = service.search_entities(system_identity, q="乙研究")
    assert [h["id"] for h in found["hits"]] == ["ent-b"]
    found = service.search_entities(system_identity, q=CODE_A[:10])
    assert [h["id"] for h in found["hits"]] == [CODE_A]
    assert service.search_entities(system_identity, department="d1")["total"] == 2
    assert service.search_departments(system_identity, q="二局")["hits"][0]["id"] == "d2"


def test_contacts_only_to_the_entitys_people(entities, applicant, admin_a):
    stranger = identity_of(applicant)
    assert "responsible" not in service.read_entity(stranger, CODE_A)
    assert service.read_entity(identity_of(admin_a), CODE_A)["responsible"]["name"] == "张三"


def test_resolve_by_id_code_and_names(entities):
    assert service.resolve_entity("甲科技有限公司") == CODE_A
    assert service.resolve_entity("alpha tech co.") == CODE_A
    assert service.resolve_entity(CODE_A.lower()) == CODE_A
    assert service.resolve_entity("ent-b") == "ent-b"
    assert service.resolve_entity("无此单位") is None
    assert service.resolve_department("成都市二局") == "d2"
    assert service.resolve_department("bureau one") == "d1"


def test_membership_request_then_verify_gives_the_scope(entities, applicant, admin_a):
    asked = service.request_membership(identity_of(applicant), CODE_A, MEMBER)
    assert asked["status"] == "pending"
    assert scopes_of(identity_of(applicant), ENTITY) == set()
    again = service.request_membership(identity_of(applicant), CODE_A, MEMBER)
    assert again["id"] == asked["id"]
    done = service.verify_membership(identity_of(admin_a), asked["id"], True)
    assert done["status"] == "verified" and done["verified_by"] == int(admin_a.id)
    identity = identity_of(applicant)
    assert scope_need(ENTITY, CODE_A, MEMBER) in identity.provides
    assert scopes_of(identity, ENTITY, DATA_ADMIN) == set()
    assert [m["entity"]["id"] for m in service.memberships_of(applicant.id)] == [CODE_A]
    assert service.verified_entities(applicant.id) == [CODE_A]


def test_admin_of_a_cannot_verify_for_b(entities, applicant, admin_a, admin_b):
    asked = service.request_membership(identity_of(applicant), "ent-b", MEMBER)
    with pytest.raises(DomainError) as err:
        service.verify_membership(identity_of(admin_a), asked["id"], True)
    assert err.value.code in (401, 403)
    assert Membership.query.get(asked["id"]).status == "pending"
    assert service.pending_for(identity_of(admin_a)) == []
    assert [m["id"] for m in service.pending_for(identity_of(admin_b))] == [asked["id"]]
    with pytest.raises(DomainError):
        service.members("ent-b", identity=identity_of(admin_a))
    assert service.members("ent-b", identity=identity_of(admin_b))


def test_member_cannot_verify_and_nobody_verifies_himself(entities, applicant, admin_a,
                                                         UserFixture, app, db):
    asked = service.request_membership(identity_of(applicant), CODE_A, MEMBER)
    service.verify_membership(identity_of(admin_a), asked["id"], True)
    other = UserFixture(email="other-joiner@test.example.org", password="Other-Joiner-2026")
    other.create(app, db)
    pending = service.request_membership(identity_of(other), CODE_A, DATA_ADMIN)
    with pytest.raises(DomainError):  # a plain member is no data admin
        service.verify_membership(identity_of(applicant), pending["id"], True)
    own = service.request_membership(identity_of(admin_a), CODE_A, MEMBER)
    with pytest.raises(DomainError) as err:
        service.verify_membership(identity_of(admin_a), own["id"], True)
    assert err.value.code == 403


def test_bureau_verifies_any_and_refusal_needs_a_reason(entities, applicant, bureau_user):
    asked = service.request_membership(identity_of(applicant), "ent-b", DATA_ADMIN)
    bureau = identity_of(bureau_user)
    with pytest.raises(DomainError) as err:
        service.verify_membership(bureau, asked["id"], False)
    assert "reason" in errors_of(err)
    refused = service.verify_membership(bureau, asked["id"], False, "非本单位员工")
    assert refused["status"] == "refused" and refused["reason"] == "非本单位员工"
    assert scopes_of(identity_of(applicant), ENTITY) == set()
    again = service.request_membership(identity_of(applicant), "ent-b", DATA_ADMIN)
    assert again["status"] == "pending"


def test_request_refusals(entities, applicant):
    with pytest.raises(DomainError) as err:
        service.request_membership(identity_of(applicant), "nope", MEMBER)
    assert "entity" in errors_of(err)
    with pytest.raises(DomainError) as err:
        service.request_membership(identity_of(applicant), CODE_A, "boss")
    assert "role" in errors_of(err)


def test_only_the_bureau_creates_and_admin_edits_own_people(entities, admin_a, admin_b,
                                                           bureau_user):
    with pytest.raises(DomainError):
        service.create_entity(identity_of(admin_a), {"id": "x3", "name_zh": "丙",
                                                     "kind": "enterprise"})
    changed = service.update_entity(identity_of(admin_a), CODE_A, {
        "name_zh": "改名", "data_admin": {"name": "李四", "contact": "li@example.org"}})
    assert changed["name_zh"] == "甲科技有限公司"  # the name is the bureau's
    assert changed["data_admin"]["name"] == "李四"
    with pytest.raises(DomainError):
        service.update_entity(identity_of(admin_b), CODE_A, {"data_admin": {"name": "X"}})
    renamed = service.update_entity(identity_of(bureau_user), CODE_A, {"name_zh": "甲公司"})
    assert renamed["name_zh"] == "甲公司"


def test_department_admin_gets_the_department_scope(entities, applicant, bureau_user):
    service.add_department_admin(identity_of(bureau_user), "d1", applicant.id)
    identity = identity_of(applicant)
    assert scopes_of(identity, DEPARTMENT) == {"d1"}
    assert service.members(CODE_A, identity=identity) == []
    assert service.entities_of_department("d1") == sorted([CODE_A, "ent-b"])
    service.remove_department_admin(identity_of(bureau_user), "d1", applicant.id)
    assert scopes_of(identity_of(applicant), DEPARTMENT) == set()
    with pytest.raises(DomainError):
        service.add_department_admin(get_identity(applicant.user), "d2", applicant.id)


def test_names_for_pages(entities):
    assert service.entity_names([CODE_A, "nope"]) == {
        CODE_A: {"zh": "甲科技有限公司", "en": "Alpha Tech Co."}}
    assert service.department_names(["d2"]) == {"d2": {"zh": "成都市二局", "en": "Bureau Two"}}
    assert Entity.query.count() >= 2


def test_new_entities_reach_the_vocabulary_forms_read(entities):
    item = vocabularies.read(system_identity, ("td-entities", "ent-b")).to_dict()
    assert item["title"] == {"zh": "乙研究所", "en": "Beta Institute"}
    service.update_entity(system_identity, "ent-b", {"name_zh": "乙研究院"})
    item = vocabularies.read(system_identity, ("td-entities", "ent-b")).to_dict()
    assert item["title"]["zh"] == "乙研究院"
    assert vocabularies.read(system_identity, ("td-departments", "d1")).to_dict()["title"] == {
        "zh": "成都市一局", "en": "Bureau One"}
