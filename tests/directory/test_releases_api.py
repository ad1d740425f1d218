"""REST API of directory releases: the workflow over HTTP, permissions, errors, exports.

A deposited 不予开放 record goes through the real deposit workflow and never
reaches a release or its exports (CD-TD Art. 24).
"""

import csv
import io
import json

from techdata.directory import store
from tests.helpers import token_headers, user_with_role
from tests.directory.conftest import not_opened
from tests.helpers import CHECKLIST, deposit

API = "/api/directories/open/releases"
PASS = {"decision": "pass", "checklist": CHECKLIST, "reasons": "无涉密内容"}


def _bilingual(res, status):
    """The response has ``status`` and a "中文 / English" message."""
    body = res.get_json()
    assert res.status_code == status, body
    assert body["status"] == status and " / " in body["message"], body
    return body


def _put(n, opening="unconditional"):
    """A catalogued entry in the live directory."""
    store.upsert_entry({"title_zh": f"目录条目{n}", "title_en": f"Entry {n}",
                        "opening_type": {"id": opening, "zh": opening, "en": opening}},
                       "catalogued", entry_id=f"c-api{n:03d}", in_open=opening != "none",
                       review_passed=True)


def _release(client, bureau, reviewer):
    """Compile → submit → review → publish over REST; the published release JSON."""
    assert client.post(f"{API}/draft", headers=bureau).status_code == 201
    assert client.post(f"{API}/draft/submit", headers=bureau).status_code == 200
    res = client.post(f"{API}/draft/review", headers=reviewer, json=PASS)
    assert res.status_code == 200 and res.json["status"] == "approved", res.get_json()
    res = client.post(f"{API}/draft/publish", headers=bureau)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def test_workflow_and_reading(running_app, client, db, bureau_token, reviewer_token,
                              curator_token, company_token):
    """The bureau releases; anyone lists and reads it; drafts stay with government roles."""
    _put(1)
    _put(2)
    assert client.get(API).json["hits"]["total"] == 0
    _bilingual(client.get(f"{API}/latest"), 404)
    # only the bureau compiles
    for headers, status in (({}, 401), (company_token, 403), (reviewer_token, 403),
                            (curator_token, 403)):
        _bilingual(client.post(f"{API}/draft", headers=headers), status)
    res = client.post(f"{API}/draft", headers=bureau_token)
    assert res.status_code == 201 and res.json["status"] == "draft"
    assert res.json["entry_count"] == 2 and res.json["number"] is None
    # the draft: government roles only
    assert client.get(f"{API}/draft", headers=curator_token).status_code == 200
    _bilingual(client.get(f"{API}/draft"), 401)
    _bilingual(client.get(f"{API}/draft", headers=company_token), 403)
    diff = client.get(f"{API}/draft/diff", headers=bureau_token).get_json()
    assert diff["counts"] == {"added": 2, "changed": 0, "withdrawn": 0}
    # the compiler cannot review; the reviewer cannot publish
    client.post(f"{API}/draft/submit", headers=bureau_token)
    _bilingual(client.post(f"{API}/draft/review", headers=bureau_token, json=PASS), 403)
    body = _bilingual(client.post(f"{API}/draft/review", headers=reviewer_token,
                                  json={"decision": "pass", "checklist": {}}), 400)
    assert body["errors"] and body["errors"][0]["field"] == "checklist"
    client.post(f"{API}/draft/review", headers=reviewer_token, json=PASS)
    _bilingual(client.post(f"{API}/draft/publish", headers=reviewer_token), 403)
    release = client.post(f"{API}/draft/publish", headers=bureau_token).get_json()
    assert release["number"] == 1 and release["status"] == "published"
    assert release["issued"] and release["digest"] and release["review"]["passed"] is True
    assert release["links"]["self"].endswith(f"{API}/1")
    assert set(release["links"]["exports"]) == {"csv", "xlsx", "json", "ttl", "jsonld"}
    # public reading
    listing = client.get(API).get_json()
    assert listing["hits"]["total"] == 1
    hit = listing["hits"]["hits"][0]
    assert (hit["number"], hit["entry_count"]) == (1, 2) and "created_by" not in hit
    assert client.get(f"{API}/1").json["number"] == 1
    assert client.get(f"{API}/latest").json["number"] == 1
    assert client.get(f"{API}/1/diff").json["counts"]["added"] == 2
    # the resource directory's releases: government roles only
    _bilingual(client.get("/api/directories/resource/releases"), 401)
    assert client.get("/api/directories/resource/releases",
                      headers=curator_token).status_code == 200


def test_published_release_refuses_changes(running_app, client, db, bureau_token,
                                           reviewer_token):
    """Any change addressed to a published release: 409, in Chinese and English."""
    _put(1)
    _release(client, bureau_token, reviewer_token)
    for method, url in (("post", f"{API}/1/publish"), ("post", f"{API}/1/submit"),
                        ("post", f"{API}/1/review"), ("post", f"{API}/1"),
                        ("delete", f"{API}/1"), ("put", f"{API}/1"), ("patch", f"{API}/latest")):
        if url.endswith("latest"):
            url = f"{API}/1"
        res = getattr(client, method)(url, headers=bureau_token, json={})
        _bilingual(res, 409)
    assert client.get(f"{API}/1").json["entry_count"] == 1
    # a draft can be discarded, not a release
    client.post(f"{API}/draft", headers=bureau_token)
    assert client.delete(f"{API}/draft", headers=bureau_token).status_code == 204
    _bilingual(client.get(f"{API}/draft", headers=bureau_token), 404)


def test_bad_input_is_bilingual_never_500(running_app, client, db, bureau_token,
                                          reviewer_token):
    """Unknown directory, release, format, action, malformed bodies: 400/404, bilingual."""
    _put(1)
    _release(client, bureau_token, reviewer_token)
    _bilingual(client.get("/api/directories/secret/releases"), 404)
    _bilingual(client.get(f"{API}/99"), 404)
    _bilingual(client.get(f"{API}/abc"), 400)
    _bilingual(client.get(f"{API}/99999999999999999999"), 400)
    _bilingual(client.get(f"{API}/1/export?format=pdf"), 400)
    _bilingual(client.get(f"{API}/1/export"), 400)
    _bilingual(client.get(f"{API}/99/export?format=csv"), 404)
    _bilingual(client.get(f"{API}/1/diff?size=-3"), 400)
    _bilingual(client.post(f"{API}/draft/frobnicate", headers=bureau_token), 404)
    _bilingual(client.post(f"{API}/draft", headers=bureau_token, data="not json",
                           content_type="application/json"), 400)
    _bilingual(client.post(f"{API}/draft", headers=bureau_token, json=[1, 2]), 400)
    _bilingual(client.post(f"{API}/draft/submit", headers=bureau_token), 404)  # no draft yet
    client.post(f"{API}/draft", headers=bureau_token)
    client.post(f"{API}/draft/submit", headers=bureau_token)
    _bilingual(client.post(f"{API}/draft/review", headers=reviewer_token, data="[",
                           content_type="application/json"), 400)
    _bilingual(client.post(f"{API}/draft/publish", headers=bureau_token), 409)
    assert client.get(f"{API}/draft", headers=bureau_token).json["status"] == "in_review"


def test_not_opened_record_never_in_release_or_exports(running_app, client, db, workflow,
                                                       bureau_token, reviewer_token,
                                                       UserFixture, app):
    """A deposited 不予开放 record: in the resource directory, never in an open release."""
    opened = workflow.publish(deposit(title="公开的土壤监测数据"))
    closed = workflow.publish(not_opened(title="未公开专利实验数据"))
    opened_id = store.deposited_entry_id(opened["parent"]["id"])
    closed_id = store.deposited_entry_id(closed["parent"]["id"])
    assert closed_id in [e["entry_id"] for e in store.iter_entries("resource")]
    # a second bureau account for the resource directory's release
    other = token_headers(user_with_role(UserFixture, app, db, "bureau2@test.example.org",
                                   "bureau-admin"), db)
    release = _release(client, bureau_token, reviewer_token)
    assert release["entry_count"] == 1
    res = client.get(f"{API}/{release['number']}/export?format=csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.headers["Cache-Control"] == "public, max-age=86400" and res.headers["ETag"]
    text = res.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    ids = [r[0] for r in rows[1:]]
    assert ids == [opened_id]
    assert "未公开专利实验数据" not in text and "公开的土壤监测数据" in text
    for fmt in ("json", "ttl", "jsonld"):
        body = client.get(f"{API}/latest/export?format={fmt}").get_data(as_text=True)
        assert opened_id in body and closed_id not in body and "未公开专利" not in body, fmt
    doc = json.loads(client.get(f"{API}/latest/export?format=json").get_data(as_text=True))
    assert opened_id in json.dumps(doc, ensure_ascii=False)
    xlsx = client.get(f"{API}/latest/export?format=xlsx")
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(xlsx.get_data())).active.iter_rows(
        values_only=True) for c in row]
    assert opened_id in cells and closed_id not in cells
    # the resource directory's release has it, for government roles only
    for step in ("draft", "draft/submit"):
        client.post(f"/api/directories/resource/releases/{step}", headers=other)
    client.post("/api/directories/resource/releases/draft/review", headers=reviewer_token,
                json=PASS)
    client.post("/api/directories/resource/releases/draft/publish", headers=other)
    res = client.get("/api/directories/resource/releases/1/export?format=csv", headers=other)
    assert closed_id in res.get_data(as_text=True)
    assert client.get("/api/directories/resource/releases/1/export?format=csv").status_code == 401


def test_erratum_and_corrected_reissue(running_app, client, db, bureau_token, reviewer_token,
                                       company_token):
    """A published release carries errata naming its corrected re-issue; it stays as it was.

    Issue 14: release no. 1 listed download URLs that did not work; it cannot
    change (CD-TD Art. 7, 11), so release no. 2 corrects it and no. 1 says so.
    """
    import pytest
    import sqlalchemy
    from rdflib import Graph, Literal, Namespace, URIRef

    from techdata.directory.releases.models import OpenDirectoryReleaseErratum

    store.upsert_entry({"title_zh": "错误地址的条目", "download_url": "https://x.example/bad",
                        "opening_type": {"id": "unconditional", "zh": "u", "en": "u"}},
                       "catalogued", entry_id="c-err001", in_open=True, review_passed=True)
    first = _release(client, bureau_token, reviewer_token)
    note = {"note_zh": "下载地址有误，已在第 2 版更正。", "note_en": "Wrong download URLs."}
    # only the bureau; a draft has no errata; a later release must exist
    _bilingual(client.post(f"{API}/1/errata", json=note, headers=company_token), 403)
    body = _bilingual(client.post(f"{API}/1/errata", json={"note_en": "x", "corrected_by": 2},
                                  headers=bureau_token), 400)
    assert {e["field"] for e in body["errors"]} == {"note_zh", "corrected_by"}
    for bad in (1, 0, "2", True, 10**12, None):
        if bad is None:
            continue
        body = _bilingual(client.post(f"{API}/1/errata", json={**note, "corrected_by": bad},
                                      headers=bureau_token), 400)
        assert [e["field"] for e in body["errors"]] == ["corrected_by"], bad
    _bilingual(client.post(f"{API}/1/errata", json={"note_zh": "x" * 4001},
                           headers=bureau_token), 400)

    store.upsert_entry({"title_zh": "错误地址的条目", "download_url": "https://x.example/good",
                        "opening_type": {"id": "unconditional", "zh": "u", "en": "u"}},
                       "catalogued", entry_id="c-err001", in_open=True, review_passed=True)
    second = _release(client, bureau_token, reviewer_token)
    assert second["number"] == 2
    res = client.post(f"{API}/1/errata", json={**note, "corrected_by": 2}, headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    assert res.json["corrected_by_url"].endswith("/directory/releases/2")

    # the original is kept as published: same digest, same entries, plus the erratum
    again = client.get(f"{API}/1").get_json()
    assert (again["digest"], again["entry_count"]) == (first["digest"], first["entry_count"])
    assert [e["note_zh"] for e in again["errata"]] == [note["note_zh"]]
    doc = json.loads(client.get(f"{API}/1/export?format=json").get_data())
    assert doc["entries"][0]["download_url"] == "https://x.example/bad"
    assert doc["catalog"]["errata"][0]["corrected_by"] == 2
    graph = Graph().parse(data=client.get(f"{API}/1/export?format=ttl").get_data(as_text=True),
                          format="turtle")
    dcat, adms = Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://www.w3.org/ns/adms#")
    cat = next(graph.subjects(predicate=None, object=dcat.Catalog))
    assert Literal(note["note_zh"], lang="zh") in set(graph.objects(cat, adms.versionNotes))
    assert str(graph.value(cat, URIRef("http://purl.org/dc/terms/isReplacedBy"))).endswith(
        "/directory/releases/2")
    assert client.get(f"{API}/2").json["errata"] == []

    # an erratum, once stated, stays (trigger)
    erratum_id = OpenDirectoryReleaseErratum.query.one().id
    with pytest.raises(sqlalchemy.exc.DBAPIError):
        with db.session.begin_nested():
            db.session.execute(sqlalchemy.text(
                "UPDATE techdata_directory_release_erratum SET note_zh = 'x' WHERE id = :i"),
                {"i": erratum_id})
    db.session.rollback()
