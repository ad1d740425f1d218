"""Registration with e-mail confirmation and a pending membership (issue 18; LZ Art. 9, 26).

A person registers with name, phone, entity (by credit code) and role; the account
cannot log in until the mailed link is followed; the entity's data admin sees the
pending membership with the name and phone and verifies it; another entity's admin
cannot.
"""

import re

import pytest
from flask import g
from invenio_access.permissions import system_identity
from invenio_accounts.models import User

from techdata.entities.proxies import current_entities_service
from techdata.security.registration_models import Registration
from tests.helpers import registered_user

CODE = "91350100M000100Y43"
"""A valid unified social credit code."""

PASSWORD = "Joiner-Test-2026"


@pytest.fixture()
def company(running_app, db):
    """An enterprise with a credit code, and another entity."""
    service = current_entities_service
    a = service.create_entity(system_identity, {
        "credit_code": CODE, "name_zh": "注册测试科技有限公司", "name_en": "Reg Test Co.",
        "kind": "enterprise"})
    b = service.create_entity(system_identity, {
        "id": "reg-other", "name_zh": "别的研究所", "kind": "institute"})
    return {"a": a["id"], "b": b["id"]}


def _admin(UserFixture, app, db, email, entity_id):
    user = registered_user(UserFixture, app, db, email, "Admin-Test-2026")
    m = current_entities_service.request_membership(system_identity, entity_id, "data-admin",
                                                    user_id=user.id)
    current_entities_service.verify_membership(system_identity, m["id"], True)
    return user


def _form(**extra):
    return {"email": "joiner@test.example.org", "password": PASSWORD,
            "password_confirm": PASSWORD, "profile.username": "joiner",
            "profile.full_name": "赵六", "profile.affiliations": "", "phone": "13800138000", "entity": CODE,
            "entity_role": "member", **extra}


def _login(client, email, password):
    g.pop("_login_user", None)
    res = client.post("/login/", data={"email": email, "password": password})
    g.pop("_login_user", None)
    return res


def test_the_form_asks_for_phone_entity_and_role(running_app, client):
    """The sign-up page shows the fields; the entity is searched over /api/entities."""
    html = client.get("/signup/").get_data(as_text=True)
    for name in ('name="phone"', 'name="entity"', 'name="entity_role"', 'name="profile.full_name"',
                 'data-endpoint="/api/entities"', "entity-search.js"):
        assert name in html, name


def test_bad_registrations_name_the_field(running_app, client, company):
    """No phone, a bad phone, an unknown entity, no name: the form again, nothing stored."""
    for extra, message in (({"phone": ""}, "phone"), ({"phone": "12345"}, "028-12345678"),
                           ({"entity": "没有这个单位"}, "No such entity"),
                           ({"profile.full_name": ""}, "name is required")):
        res = client.post("/signup/", data=_form(**extra))
        assert res.status_code == 200, extra
        html = res.get_data(as_text=True)
        assert message in html, (extra, message)
        assert User.query.filter_by(email="joiner@test.example.org").one_or_none() is None


def test_register_confirm_and_get_verified(running_app, client, company, mailbox, UserFixture,
                                           db):
    """Register → mail → no log-in before the link → link → log-in; pending membership
    verified by the entity's own data admin, not by another entity's."""
    res = client.post("/signup/", data=_form())
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    user = User.query.filter_by(email="joiner@test.example.org").one()
    assert user.confirmed_at is None
    row = Registration.query.get(user.id)
    assert (row.full_name, row.phone, row.entity_id, row.role) == (
        "赵六", "13800138000", company["a"], "member")
    [membership] = current_entities_service.memberships_of(user.id)
    assert membership["status"] == "pending" and membership["entity"]["id"] == company["a"]

    # not before the link is followed
    fresh = running_app.test_client()
    res = _login(fresh, user.email, PASSWORD)
    assert res.status_code == 200 and "/account/entities" not in res.headers.get("Location", "")
    assert User.query.get(user.id).confirmed_at is None

    mails = [m for m in mailbox if user.email in m.recipients]
    assert mails, [m.recipients for m in mailbox]
    links = re.findall(r"https?://[^\s\"'<>]+/confirm/[^\s\"'<>]+", mails[-1].body or mails[-1].html)
    assert links, mails[-1].body
    path = re.sub(r"^https?://[^/]+", "", links[0])
    g.pop("_login_user", None)
    res = fresh.get(path)
    g.pop("_login_user", None)
    assert res.status_code in (200, 302)
    assert User.query.get(user.id).confirmed_at is not None
    other = running_app.test_client()
    res = _login(other, user.email, PASSWORD)
    assert res.status_code == 302, res.get_data(as_text=True)[:1000]
    g.pop("_login_user", None)
    page = other.get("/account/entities").get_data(as_text=True)
    assert "注册测试科技有限公司" in page and 'data-status="pending"' in page

    # B's admin neither sees nor verifies it
    admin_b = _admin(UserFixture, running_app, db, "reg-admin-b@test.example.org", company["b"])
    client_b = running_app.test_client()
    assert _login(client_b, admin_b.email, "Admin-Test-2026").status_code == 302
    g.pop("_login_user", None)
    res = client_b.get("/account/pending")  # the former page: the memberships page
    assert res.status_code == 301 and res.location.endswith("/account/memberships")
    g.pop("_login_user", None)
    assert "13800138000" not in client_b.get("/account/memberships").get_data(as_text=True)
    res = client_b.post("/account/memberships", data={"membership": membership["id"],
                                                      "decision": "approve"})
    assert res.status_code == 403
    assert current_entities_service.memberships_of(user.id)[0]["status"] == "pending"

    # A's admin sees name, phone, confirmed; a refusal needs its reason; verifies
    admin_a = _admin(UserFixture, running_app, db, "reg-admin-a@test.example.org", company["a"])
    client_a = running_app.test_client()
    assert _login(client_a, admin_a.email, "Admin-Test-2026").status_code == 302
    g.pop("_login_user", None)
    html = client_a.get("/account/memberships").get_data(as_text=True)
    assert "赵六" in html and "13800138000" in html and f'id="approve-{membership["id"]}"' in html
    res = client_a.post("/account/memberships", data={"membership": membership["id"],
                                                      "decision": "refuse"})
    assert res.status_code == 400 and "reason" in res.get_data(as_text=True).lower()
    res = client_a.post("/account/memberships", data={"membership": membership["id"],
                                                      "decision": "approve"})
    assert res.status_code == 302
    assert current_entities_service.memberships_of(user.id)[0]["status"] == "verified"


def test_join_from_my_entities_page(running_app, company, UserFixture, db):
    """An account without an entity asks to join from /account/entities (pending)."""
    user = registered_user(UserFixture, running_app, db, "join-later@test.example.org", PASSWORD)
    client = running_app.test_client()
    assert _login(client, user.email, PASSWORD).status_code == 302
    g.pop("_login_user", None)
    assert 'id="join-form"' in client.get("/account/entities").get_data(as_text=True)
    res = client.post("/account/entities", data={"entity": "nobody", "role": "member"})
    assert res.status_code == 400 and "No such entity" in res.get_data(as_text=True)
    res = client.post("/account/entities", data={"entity": "别的研究所", "role": "security-officer"})
    assert res.status_code == 302
    [m] = current_entities_service.memberships_of(user.id)
    assert (m["entity"]["id"], m["role"], m["status"]) == (company["b"], "security-officer",
                                                           "pending")


def test_demo_and_fixture_accounts_still_log_in(running_app, researcher):
    """Accounts created confirmed (fixtures, demo) log in with confirmation on."""
    assert running_app.config["SECURITY_CONFIRMABLE"] is True
    client = running_app.test_client()
    assert _login(client, researcher.email, "Researcher-Test-2026").status_code == 302


def test_city_sso_is_configured_but_off(running_app, client):
    """No remote app by default (the log-in page offers none); the helper builds the city's
    OIDC client for invenio-oauthclient (README "single sign-on")."""
    from techdata.security.sso import REMOTE, city_sso_settings

    assert running_app.config["OAUTHCLIENT_REMOTE_APPS"] == {}
    assert f"/oauth/login/{REMOTE}" not in client.get("/login/").get_data(as_text=True)
    settings = city_sso_settings("https://sso.example.gov.cn", "chengdu")
    remote = settings["OAUTHCLIENT_REMOTE_APPS"][REMOTE]
    assert remote["params"]["app_key"] == "CITY_SSO_APP_CREDENTIALS"
    assert remote["params"]["authorize_url"] == (
        "https://sso.example.gov.cn/realms/chengdu/protocol/openid-connect/auth")
    assert REMOTE in settings["OAUTHCLIENT_REST_REMOTE_APPS"]
