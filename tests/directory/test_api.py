"""REST API of the live directories (CD-TD Art. 7, 19, 24; CD-PD Art. 31-33)."""

from invenio_db import db

from techdata.directory import store
from tests.directory.conftest import not_opened
from tests.helpers import CHECKLIST, deposit

CATALOGUED = {
    "title_zh": "成都市科技企业名录（外部系统）", "title_en": "Chengdu tech enterprises",
    "content": "市科技局业务系统中的科技企业名录。", "category": "resources",
    "responsible_department": "kjj", "providing_entity": "scu", "opening_type": "unconditional",
    "update_cycle": "quarterly", "access_methods": ["download"],
    "landing_page": "https://data.example.org/enterprises", "data_items": ["企业名称", "统一社会信用代码"],
}


def _bilingual(res):
    """The response's message has Chinese and English parts."""
    message = res.get_json()["message"]
    assert " / " in message and any("\u4e00" <= c <= "\u9fff" for c in message), message
    return message


def _ids(res):
    return [h["entry_id"] for h in res.get_json()["hits"]["hits"]]


def test_not_opened_record_never_in_the_open_directory_api(
        running_app, client, workflow, bureau_token, company_token):
    """Open: public, opened records only; resource: government roles, all (CD-TD Art. 24)."""
    opened = workflow.publish(deposit(title="开放目录接口测试数据"))
    closed = workflow.publish(not_opened(title="不开放目录接口测试数据"))
    open_id = store.deposited_entry_id(opened["parent"]["id"])
    closed_id = store.deposited_entry_id(closed["parent"]["id"])

    res = client.get("/api/directories/open/entries", query_string={"q": "目录接口测试数据",
                                                                     "size": 100})
    assert res.status_code == 200
    assert open_id in _ids(res) and closed_id not in _ids(res)
    # Not by id, not by a search for its exact title, not with a facet filter.
    assert client.get(f"/api/directories/open/entries/{closed_id}").status_code == 404
    res = client.get("/api/directories/open/entries",
                     query_string={"q": "不开放目录接口测试数据", "opening_type": "none"})
    assert res.get_json()["hits"]["total"] == 0
    assert client.get(f"/api/directories/open/entries/{open_id}").get_json()["title_zh"] == \
        "开放目录接口测试数据"

    # The resource directory: anonymous 401, a company 403, the bureau reads both.
    res = client.get("/api/directories/resource/entries")
    assert res.status_code == 401 and _bilingual(res)
    res = client.get("/api/directories/resource/entries", headers=company_token)
    assert res.status_code == 403 and _bilingual(res)
    assert client.get(f"/api/directories/resource/entries/{closed_id}",
                      headers=company_token).status_code == 403
    res = client.get("/api/directories/resource/entries",
                     query_string={"q": "目录接口测试数据", "size": 100}, headers=bureau_token)
    assert res.status_code == 200 and {open_id, closed_id} <= set(_ids(res))
    got = client.get(f"/api/directories/resource/entries/{closed_id}", headers=bureau_token)
    assert got.status_code == 200
    assert got.get_json()["state"]["in_open"] is False
    assert got.get_json()["opening_type"]["id"] == "none"


def _seed(tag, rows):
    """Entries ``(category, entity, opening, in_open)`` whose text contains ``tag``."""
    for n, (category, entity, opening, in_open) in enumerate(rows):
        store.upsert_entry({"title_zh": f"{tag} 数据 {n}", "category": {"id": category},
                            "providing_entity": {"id": entity},
                            "opening_type": {"id": opening},
                            "update_cycle": {"id": "yearly"}},
                           "catalogued", entry_id=f"c-{tag}-{n}", in_open=in_open,
                           review_passed=in_open)
    db.session.commit()


def _buckets(res, facet):
    return {b["key"]: b["count"] for b in res.get_json()["aggregations"][facet]["buckets"]}


def test_facet_counts(running_app, client, bureau_token):
    """Counts per facet; a facet's own filter leaves its counts, the others narrow them."""
    _seed("facetmark", [
        ("rd", "scu", "unconditional", True), ("rd", "scu", "conditional", True),
        ("rd", "uestc", "unconditional", True), ("observation", "scu", "unconditional", True),
        ("observation", "uestc", "none", False),
    ])
    res = client.get("/api/directories/open/entries", query_string={"q": "facetmark"})
    assert res.get_json()["hits"]["total"] == 4
    assert _buckets(res, "category") == {"rd": 3, "observation": 1}
    assert _buckets(res, "entity") == {"scu": 3, "uestc": 1}
    assert _buckets(res, "opening_type") == {"unconditional": 3, "conditional": 1}
    assert _buckets(res, "update_cycle") == {"yearly": 4}
    bucket = res.get_json()["aggregations"]["category"]["buckets"][0]
    assert bucket["label_zh"] and bucket["label_en"] and bucket["label_zh"] != bucket["label_en"]

    res = client.get("/api/directories/open/entries",
                     query_string={"q": "facetmark", "category": "rd"})
    assert res.get_json()["hits"]["total"] == 3
    assert _buckets(res, "category") == {"rd": 3, "observation": 1}  # own filter not applied
    assert _buckets(res, "entity") == {"scu": 2, "uestc": 1}
    res = client.get("/api/directories/open/entries",
                     query_string=[("q", "facetmark"), ("entity", "scu"), ("entity", "uestc"),
                                   ("opening_type", "conditional")])
    assert res.get_json()["hits"]["total"] == 1

    res = client.get("/api/directories/resource/entries", query_string={"q": "facetmark"},
                     headers=bureau_token)
    assert res.get_json()["hits"]["total"] == 5
    assert _buckets(res, "opening_type") == {"unconditional": 3, "conditional": 1, "none": 1}

    res = client.get("/api/directories/open/entries",
                     query_string={"q": "facetmark", "size": 2, "page": 2})
    assert res.get_json()["hits"]["total"] == 4 and len(_ids(res)) == 2


def test_bad_input_is_a_bilingual_400(running_app, client):
    """Bad paging, an over-long query, an unknown directory: clear errors, never a 500."""
    for params in ({"page": "0"}, {"size": "1000"}, {"page": "x"}, {"q": "词" * 600},
                   {"category": "x" * 200}):
        res = client.get("/api/directories/open/entries", query_string=params)
        assert res.status_code == 400, params
        _bilingual(res)
        assert res.get_json()["errors"][0]["field"] in params
    res = client.get("/api/directories/secret/entries")
    assert res.status_code == 404 and _bilingual(res)
    res = client.get("/api/directories/open/entries/no-such-entry")
    assert res.status_code == 404 and _bilingual(res)
    # SQL wildcards in the query are literal.
    res = client.get("/api/directories/open/entries", query_string={"q": "%_"})
    assert res.status_code == 200 and res.get_json()["hits"]["total"] == 0


def test_catalogued_entry_joins_the_open_directory_only_after_review(
        running_app, client, bureau_token, company_token, reviewer_token):
    """Bureau catalogues; only a confidentiality review opens it; a change needs another."""
    res = client.post("/api/directories/entries", json=CATALOGUED, headers=company_token)
    assert res.status_code == 403 and _bilingual(res)
    res = client.post("/api/directories/entries", json=CATALOGUED)
    assert res.status_code in (400, 401)  # the REST CSRF check or ours: never stored

    # Bad input: field errors in both languages, nothing stored.
    before = store.DirectoryEntry.query.count()
    bad = {**CATALOGUED, "title_zh": "", "category": "no-such-category",
           "landing_page": "not a url", "secrecy": "secret"}
    bad.pop("content")
    res = client.post("/api/directories/entries", json=bad, headers=bureau_token)
    assert res.status_code == 400
    _bilingual(res)
    fields = {e["field"]: e["messages"] for e in res.get_json()["errors"]}
    assert {"title_zh", "content", "landing_page", "secrecy"} <= set(fields), fields
    assert all(" / " in m for msgs in fields.values() for m in msgs)
    res = client.post("/api/directories/entries", json={**CATALOGUED, "category": "nope"},
                      headers=bureau_token)
    assert res.status_code == 400
    assert [e["field"] for e in res.get_json()["errors"]] == ["category"]
    # The bureau cannot mark it open.
    res = client.post("/api/directories/entries", json={**CATALOGUED, "in_open": True},
                      headers=bureau_token)
    assert res.status_code == 400
    assert res.get_json()["errors"][0]["field"] == "in_open"
    res = client.post("/api/directories/entries", data="not json", headers=bureau_token)
    assert res.status_code == 400
    assert store.DirectoryEntry.query.count() == before

    res = client.post("/api/directories/entries", json=CATALOGUED, headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    entry = res.get_json()
    entry_id = entry["entry_id"]
    assert entry["source"] == "catalogued" and entry["state"]["in_open"] is False
    assert entry["category"]["zh"] and entry["providing_entity"]["en"]
    assert client.get(f"/api/directories/open/entries/{entry_id}").status_code == 404
    assert client.get(f"/api/directories/resource/entries/{entry_id}",
                      headers=bureau_token).status_code == 200

    # The bureau cannot review it; a reviewer with an incomplete checklist is refused.
    res = client.post(f"/api/directories/entries/{entry_id}/review",
                      json={"decision": "pass", "checklist": CHECKLIST}, headers=bureau_token)
    assert res.status_code == 403
    res = client.post(f"/api/directories/entries/{entry_id}/review",
                      json={"decision": "pass", "checklist": {**CHECKLIST, "desensitised": False}},
                      headers=reviewer_token)
    assert res.status_code == 400 and res.get_json()["errors"][0]["field"] == "checklist"
    assert client.get(f"/api/directories/open/entries/{entry_id}").status_code == 404
    res = client.post(f"/api/directories/entries/{entry_id}/review",
                      json={"decision": "pass", "checklist": CHECKLIST, "reasons": "无涉密内容"},
                      headers=reviewer_token)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["state"]["in_open"] is True
    assert client.get(f"/api/directories/open/entries/{entry_id}").status_code == 200
    row = store.get_entry(entry_id)
    assert row.review["checklist"] == CHECKLIST and row.review["fingerprint"]

    # Re-saving the same facts keeps it open; changing them takes it out until reviewed.
    res = client.put(f"/api/directories/entries/{entry_id}", json=CATALOGUED,
                     headers=bureau_token)
    assert res.status_code == 200 and res.get_json()["state"]["in_open"] is True
    res = client.put(f"/api/directories/entries/{entry_id}",
                     json={**CATALOGUED, "update_cycle": "monthly"}, headers=bureau_token)
    assert res.status_code == 200 and res.get_json()["state"]["in_open"] is False
    assert client.get(f"/api/directories/open/entries/{entry_id}").status_code == 404
    # A 不予开放 entry stays out even with a passed review.
    client.put(f"/api/directories/entries/{entry_id}",
               json={**CATALOGUED, "opening_type": "none"}, headers=bureau_token)
    res = client.post(f"/api/directories/entries/{entry_id}/review",
                      json={"decision": "pass", "checklist": CHECKLIST}, headers=reviewer_token)
    assert res.status_code == 200 and res.get_json()["state"]["in_open"] is False

    # Withdraw: gone from both; a deposited entry cannot be edited here.
    assert client.delete(f"/api/directories/entries/{entry_id}",
                         headers=company_token).status_code == 403
    assert client.delete(f"/api/directories/entries/{entry_id}",
                         headers=bureau_token).status_code == 204
    assert client.get(f"/api/directories/resource/entries/{entry_id}",
                      headers=bureau_token).status_code == 404
    assert client.put(f"/api/directories/entries/{entry_id}", json=CATALOGUED,
                      headers=bureau_token).status_code == 404


def test_deposited_entry_is_not_edited_as_catalogued(running_app, client, workflow,
                                                     bureau_token):
    """The directory facts of a deposit change through the deposit, not this API."""
    rec = workflow.publish(not_opened(title="不可直接编辑的条目"))
    entry_id = store.deposited_entry_id(rec["parent"]["id"])
    res = client.put(f"/api/directories/entries/{entry_id}", json=CATALOGUED,
                     headers=bureau_token)
    assert res.status_code == 400 and _bilingual(res)
    assert store.get_entry(entry_id).data["title_zh"] == "不可直接编辑的条目"


def test_compiler_cannot_review_own_entry(running_app, client, UserFixture, db):
    """Whoever compiled a catalogued entry may not pass its review (CD-TD Art. 24)."""
    from invenio_accounts.proxies import current_datastore

    from tests.helpers import token_headers, user_with_role

    both = user_with_role(UserFixture, running_app, db, "both@test.example.org", "bureau-admin")
    current_datastore.add_role_to_user(both.user, "confidentiality-reviewer")
    db.session.commit()
    headers = token_headers(both, db)
    res = client.post("/api/directories/entries", json=CATALOGUED, headers=headers)
    assert res.status_code == 201, res.get_json()
    entry_id = res.get_json()["entry_id"]
    res = client.post(f"/api/directories/entries/{entry_id}/review",
                      json={"decision": "pass", "checklist": CHECKLIST}, headers=headers)
    assert res.status_code == 403 and _bilingual(res)
    assert client.get(f"/api/directories/open/entries/{entry_id}").status_code == 404
