"""Pages (in Chinese): the list, the members page with approve/refuse, the form, departments."""

from flask import g
from invenio_access.permissions import system_identity

from techdata.entities.proxies import current_entities_service as service

from .conftest import CODE_A


def browser(app, user):
    """A client of its own, logged in as ``user``."""
    client = app.test_client()
    g.pop("_login_user", None)
    user.login(client)
    g.pop("_login_user", None)
    return client


def get(client, url):
    """GET ``url`` as the session's user."""
    g.pop("_login_user", None)
    return client.get(url)


def post(client, url, data):
    """POST the form ``data`` as the session's user."""
    g.pop("_login_user", None)
    return client.post(url, data=data)


def test_admin_approves_and_refuses_on_the_one_memberships_page(app, entities, admin_a, admin_b,
                                                                applicant, UserFixture, db):
    """One page over ``membership_queue``: /account/memberships (pending for the caller) and
    ?entity= (that entity's members); the former members page redirects there."""
    mid = service.request_membership(system_identity, CODE_A, "member",
                                     user_id=applicant.id)["id"]
    other = UserFixture(email="late@test.example.org", password="Late-Joiner-2026")
    other.create(app, db)
    other_mid = service.request_membership(system_identity, CODE_A, "member",
                                           user_id=other.id)["id"]
    c = browser(app, admin_a)
    html = get(c, "/entities/").get_data(as_text=True)
    assert "法人单位" in html and "待您核实的单位成员申请" in html
    assert 'href="/account/memberships"' in html and 'data-count="2"' in html
    res = get(c, f"/entities/{CODE_A}/members")
    assert res.status_code == 301
    assert res.location.endswith(f"/account/memberships?entity={CODE_A}")
    assert get(c, "/account/pending").location.endswith("/account/memberships")
    html = get(c, "/account/memberships").get_data(as_text=True)
    assert f'data-approve="{mid}"' in html and f'data-approve="{other_mid}"' in html
    page = f"/account/memberships?entity={CODE_A}"
    html = get(c, page).get_data(as_text=True)
    assert "成员" in html and f'data-approve="{mid}"' in html and "验证" in html
    res = post(c, page, {"membership": mid, "decision": "approve"})
    assert res.status_code == 302 and res.location.endswith(page)
    res = post(c, page, {"membership": other_mid, "decision": "refuse"})
    assert res.status_code == 400 and "不予通过须说明理由" in res.get_data(as_text=True)
    res = post(c, page, {"membership": other_mid, "decision": "refuse", "reason": "查无此人"})
    assert res.status_code == 302
    statuses = {m["id"]: m["status"] for m in service.members(CODE_A)}
    assert statuses[mid] == "verified" and statuses[other_mid] == "refused"
    html = get(c, page).get_data(as_text=True)  # the entity's members, every status
    assert f'data-membership="{mid}" data-status="verified"' in html
    assert "查无此人" in html and "data-approve" not in html
    assert "data-approve" not in get(c, "/account/memberships").get_data(as_text=True)
    # B's admin sees neither A's members nor A's pending requests, and cannot decide them
    mid3 = service.request_membership(system_identity, CODE_A, "security-officer",
                                      user_id=applicant.id)["id"]
    b = browser(app, admin_b)
    assert get(b, page).status_code == 403
    assert f'data-membership="{mid3}"' not in get(b, "/account/memberships").get_data(
        as_text=True)
    assert post(b, "/account/memberships",
                {"membership": mid3, "decision": "approve"}).status_code == 403
    assert {m["id"]: m["status"] for m in service.members(CODE_A)}[mid3] == "pending"


def test_entity_form_in_chinese_and_bureau_pages(app, entities, bureau_user, applicant):
    c = browser(app, bureau_user)
    html = get(c, f"/entities/{CODE_A}").get_data(as_text=True)
    assert "统一社会信用代码" in html and "第一责任人" in html and "张三" in html
    res = post(c, "/entities/new", {"credit_code": "91350100M000100Y40", "name_zh": "丙",
                                    "kind": "enterprise"})
    html = res.get_data(as_text=True)
    assert res.status_code == 400 and 'data-error="credit_code"' in html and "校验码" in html
    res = post(c, "/entities/new", {"credit_code": "91510100MA61R4X2X8", "name_zh": "丙公司",
                                    "kind": "enterprise", "department": "d2"})
    assert res.status_code == 302 and res.location.endswith("/entities/91510100MA61R4X2X8")
    html = get(c, "/departments/").get_data(as_text=True)
    assert "主管部门" in html and "成都市二局" in html
    res = post(c, "/departments/", {"id": "d3", "name_zh": "成都市三局"})
    assert res.status_code == 302
    assert "成都市三局" in get(c, "/departments/").get_data(as_text=True)
    assert "导入单位" in get(c, "/entities/import").get_data(as_text=True)
    # an ordinary account reads the entity, without its contacts or a form
    u = browser(app, applicant)
    html = get(u, f"/entities/{CODE_A}").get_data(as_text=True)
    assert "甲科技有限公司" in html and "张三" not in html and 'id="entity-save"' not in html
    assert get(u, "/entities/new").status_code == 403
    assert get(u, "/entities/import").status_code == 403


def test_header_link_for_entity_admins_only(app, entities, admin_a, applicant):
    c = browser(app, admin_a)
    html = get(c, "/").get_data(as_text=True)
    assert 'href="/entities/"' in html
    u = browser(app, applicant)
    assert 'href="/entities/"' not in get(u, "/").get_data(as_text=True)
