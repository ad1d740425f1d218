"""The provider inbox is scoped (issue 18; CD-TD Art. 9): an entity's verified data admin
sees, reads and answers the requests about his entity's datasets and none of another
entity's; the data centre's curator sees his centre's; a plain member sees none. Enforced
in the requests policy (``access.generators.ProvidingEntityAdmins``: permission and search
filter), not only in the page."""

import pytest
from flask import g
from invenio_access.permissions import system_identity
from invenio_requests.proxies import current_requests_service

from techdata.entities.proxies import current_entities_service as entities
from tests.access.conditional import CONDITIONAL, act, application, apply
from tests.helpers import deposit, make_workflow, registered_user, token_headers

CODE_A = "91510100MA6C1NB0AR"
CODE_B = "91510100MA6C1NB0BW"


@pytest.fixture(scope="module")
def world(running_app, UserFixture, database):
    """Entities A and B, a conditional dataset of each, their data admins, a member of A,
    a company applying for both."""
    db = database
    for code, name in ((CODE_A, "收件甲科技有限公司"), (CODE_B, "收件乙科技有限公司")):
        entities.create_entity(system_identity, {"credit_code": code, "name_zh": name,
                                                 "kind": "enterprise"})
    db.session.commit()

    def account(email, code=None, role=None):
        user = registered_user(UserFixture, running_app, db, email, "Inbox-Test-2026")
        if code:
            membership = entities.request_membership(system_identity, code, role,
                                                     user_id=user.user.id)
            entities.verify_membership(system_identity, membership["id"], True)
            db.session.commit()
        users[email.split("@")[0][6:]] = user
        return token_headers(user, db, name="inbox")

    users = {}
    h = {"admin_a": account("inbox-admin-a@test.example.org", CODE_A, "data-admin"),
         "admin_b": account("inbox-admin-b@test.example.org", CODE_B, "data-admin"),
         "member_a": account("inbox-member-a@test.example.org", CODE_A, "member"),
         "company": account("inbox-company@test.example.org")}
    owner_h = account("inbox-owner@test.example.org")
    client = running_app.test_client()
    flow = make_workflow(running_app, db, client, owner_h, tag="inbox")
    h["curator"] = flow.curator
    recids = {k: flow.publish(deposit(title=f"收件范围数据{k}", providing_entity={"id": code},
                                      **CONDITIONAL))["id"]
              for k, code in (("a", CODE_A), ("b", CODE_B))}
    requests = {}
    for k, recid in recids.items():
        res = apply(client, h["company"], application(client, recid))
        assert res.status_code == 201, res.get_json()
        requests[k] = res.get_json()["id"]
    current_requests_service.indexer.refresh()
    return {"h": h, "client": client, "recids": recids, "requests": requests, "users": users}


def _page(app, user, url):
    """``(status, html)`` of the page ``url`` in a browser of ``user``'s own, logged in."""
    client = app.test_client()
    g.pop("_login_user", None)
    user.login(client)
    g.pop("_login_user", None)
    res = client.get(url)
    g.pop("_login_user", None)
    return res.status_code, res.get_data(as_text=True)


def _inbox(client, headers):
    """Ids in the caller's inbox."""
    res = client.get("/api/techdata/access/lists/inbox", headers=headers)
    assert res.status_code == 200, res.get_json()
    return {hit["id"] for hit in res.get_json()["hits"]["hits"]}


def _searched(client, headers):
    """Ids of the requests from outside the standard request search shows the caller."""
    res = client.get("/api/requests", query_string={"size": 100}, headers=headers,
                     follow_redirects=True)
    assert res.status_code == 200, res.get_json()
    return {hit["id"] for hit in res.get_json()["hits"]["hits"]}


def test_entity_data_admin_sees_his_entitys_requests_only(running_app, world):
    """Inbox, search, GET and the request page: A's admin A's request, B's admin B's."""
    client, h, req = world["client"], world["h"], world["requests"]
    assert req["a"] in _inbox(client, h["admin_a"])
    assert req["b"] not in _inbox(client, h["admin_a"])
    assert _inbox(client, h["admin_b"]) & {req["a"], req["b"]} == {req["b"]}
    assert not _inbox(client, h["member_a"]) & {req["a"], req["b"]}  # members do not answer
    # the centre's curator sees his centre's requests (both datasets are the city centre's)
    assert {req["a"], req["b"]} <= _inbox(client, h["curator"])

    assert req["a"] in _searched(client, h["admin_a"])
    assert req["b"] not in _searched(client, h["admin_a"])
    assert req["a"] not in _searched(client, h["member_a"])

    assert client.get(f"/api/requests/{req['a']}", headers=h["admin_a"]).status_code == 200
    assert client.get(f"/api/requests/{req['b']}", headers=h["admin_a"]).status_code in (403, 404)
    assert client.get(f"/api/requests/{req['a']}", headers=h["member_a"]).status_code in (403,
                                                                                          404)
    admin_a = world["users"]["admin-a"]
    status, html = _page(running_app, admin_a, f"/access/request/{req['a']}")
    assert status == 200 and 'id="decision-form"' in html  # he may decide it
    assert _page(running_app, admin_a, f"/access/request/{req['b']}")[0] in (403, 404)


def test_entity_data_admin_answers_his_entitys_requests_only(world):
    """B's admin cannot return or refuse A's request; A's admin returns it."""
    client, h, req = world["client"], world["h"], world["requests"]
    res = act(client, h["admin_b"], req["a"], "return", comment="请补充 / more please")
    assert res.status_code in (403, 404), res.get_json()
    res = act(client, h["member_a"], req["a"], "refuse", reason="不行 / no")
    assert res.status_code in (403, 404), res.get_json()
    res = act(client, h["admin_a"], req["b"], "refuse", reason="不行 / no")
    assert res.status_code in (403, 404), res.get_json()
    res = act(client, h["admin_a"], req["a"], "return", comment="请说明用途 / state the use")
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["status"] == "returned"
    # the returned request stays in A's admin's inbox and out of B's
    assert req["a"] in _inbox(client, h["admin_a"])
    assert req["a"] not in _inbox(client, h["admin_b"])


def test_a_new_request_is_mailed_to_the_entitys_data_admins(world, mailbox):
    """The providing entity's data admins are told of a new request beside the centre;
    its plain members and the other entity's admins are not."""
    client, h = world["client"], world["h"]
    res = apply(client, h["admin_b"], application(client, world["recids"]["a"]))
    assert res.status_code == 201, res.get_json()
    got = {r for m in mailbox for r in m.recipients}
    assert "inbox-admin-a@test.example.org" in got
    assert "inbox-member-a@test.example.org" not in got
    assert "inbox-curator@test.example.org" in got
