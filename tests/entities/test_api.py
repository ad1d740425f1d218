"""REST: /api/entities, /api/departments, memberships; scope needs on token requests."""

from .conftest import CODE_A


def test_list_and_read_entities_anonymously(client, entities):
    res = client.get("/api/entities", query_string={"q": "甲科技"})
    assert res.status_code == 200, res.get_data(as_text=True)
    hits = res.get_json()["hits"]["hits"]
    assert [h["id"] for h in hits] == [CODE_A]
    assert "responsible" not in hits[0]  # named people: not for anyone
    assert client.get(f"/api/entities/{CODE_A}").get_json()["kind"] == "enterprise"
    res = client.get("/api/entities/nope")
    assert res.status_code == 404 and " / " in res.get_json()["message"]
    res = client.get("/api/departments")
    assert {d["id"] for d in res.get_json()["hits"]["hits"]} >= {"d1", "d2"}


def test_bad_input_is_a_bilingual_400_naming_the_field(client, entities, bureau_user, headers):
    h = headers(bureau_user)
    res = client.post("/api/entities", json={"credit_code": "91350100M000100Y40",
                                             "name_zh": "丙", "kind": "enterprise"}, headers=h)
    assert res.status_code == 400
    body = res.get_json()
    err = {e["field"]: e["messages"] for e in body["errors"]}
    assert "credit_code" in err and "统一社会信用代码" in err["credit_code"][0]
    assert "GB 32100" in err["credit_code"][0]
    res = client.get("/api/entities?page=x")
    assert res.status_code == 400 and res.get_json()["errors"][0]["field"] == "query.page"
    res = client.get("/api/memberships")  # anonymous: log in first
    assert res.status_code == 401 and " / " in res.get_json()["message"]


def test_create_entity_needs_the_bureau(client, entities, bureau_user, applicant, headers):
    data = {"credit_code": "91510100MA61R4X2X8", "name_zh": "丙公司", "kind": "enterprise",
            "department": "d2"}
    assert client.post("/api/entities", json=data, headers=headers(applicant)).status_code == 403
    res = client.post("/api/entities", json=data, headers=headers(bureau_user))
    assert res.status_code == 201 and res.get_json()["id"] == "91510100MA61R4X2X8"
    res = client.post("/api/entities", json=data, headers=headers(bureau_user))
    assert res.status_code == 409


def test_join_verify_over_rest(client, entities, applicant, admin_a, admin_b, headers):
    me = headers(applicant)
    res = client.post(f"/api/entities/{CODE_A}/memberships", json={"role": "member"}, headers=me)
    assert res.status_code == 201 and res.get_json()["status"] == "pending"
    mid = res.get_json()["id"]
    res = client.post(f"/api/entities/{CODE_A}/memberships", json={"role": "chief"}, headers=me)
    assert res.status_code == 400 and res.get_json()["errors"][0]["field"] == "role"
    # the scope need comes with the token's identity: A's admin lists A, not B
    assert client.get(f"/api/entities/{CODE_A}/memberships",
                      headers=headers(admin_a)).status_code == 200
    assert client.get(f"/api/entities/{CODE_A}/memberships",
                      headers=headers(admin_b)).status_code == 403
    assert client.get(f"/api/entities/{CODE_A}/memberships", headers=me).status_code == 403
    url = f"/api/entities/{CODE_A}/memberships/{mid}"
    assert client.post(url, json={"approve": True}, headers=headers(admin_b)).status_code == 403
    res = client.post(url, json={"approve": "yes"}, headers=headers(admin_a))
    assert res.status_code == 400 and res.get_json()["errors"][0]["field"] == "approve"
    res = client.post(url, json={"approve": True}, headers=headers(admin_a))
    assert res.status_code == 200 and res.get_json()["status"] == "verified"
    mine = client.get("/api/memberships", headers=me).get_json()["hits"]["hits"]
    assert [(m["entity"]["id"], m["status"]) for m in mine] == [(CODE_A, "verified")]
    assert client.post(f"/api/entities/ent-b/memberships/{mid}", json={"approve": True},
                       headers=headers(admin_b)).status_code == 404
