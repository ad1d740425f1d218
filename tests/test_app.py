"""The instance boots and a dataset goes through deposit, publish, search, read.

Runs against the real PostgreSQL and OpenSearch (see conftest.py).
"""

from invenio_rdm_records.proxies import current_rdm_records_service as records

from tests.helpers import deposit

DATASET = deposit()

OTHER = deposit(
    title="Sichuan Basin seismic station waveform catalogue",
    title_en="Sichuan Basin seismic station waveform catalogue",
    abstract="四川盆地地震台站波形目录。",
)
OTHER["metadata"]["description"] = "Waveform records of 48 stations."


def test_front_page_in_chinese_by_default(app, client):
    """The UI answers, in Simplified Chinese unless English is asked for."""
    res = client.get("/")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert '<html lang="zh' in html or 'lang="zh_CN"' in html or "zh-CN" in html
    assert "成都科技数据汇交平台" in html


def test_english_selectable(app, client):
    """English is offered as a UI language."""
    res = client.get("/", headers={"Accept-Language": "en"})
    assert res.status_code == 200
    assert app.config["I18N_LANGUAGES"][0][0] == "en"


def test_deposit_publish_search_read(running_app, db, workflow, client):
    """A researcher deposits, the reviews pass; anyone finds it with a Chinese query."""
    rec = workflow.publish(DATASET)
    other = workflow.publish(OTHER)
    assert rec["is_published"] is True

    records.indexer.refresh()

    # Read over REST, anonymously.
    res = client.get(f"/api/records/{rec['id']}")
    assert res.status_code == 200
    assert res.get_json()["metadata"]["title"] == DATASET["metadata"]["title"]

    # A Chinese query finds the Chinese record and not the English one.
    res = client.get("/api/records", query_string={"q": "土壤重金属"})
    hits = [h["id"] for h in res.get_json()["hits"]["hits"]]
    assert rec["id"] in hits
    assert other["id"] not in hits

    # An English query on the translated title finds it too.
    res = client.get("/api/records", query_string={"q": "Chengdu Plain"})
    assert rec["id"] in [h["id"] for h in res.get_json()["hits"]["hits"]]

    # The landing page renders.
    res = client.get(f"/records/{rec['id']}")
    assert res.status_code == 200, res.get_data(as_text=True)[-3000:]
    assert DATASET["metadata"]["title"] in res.get_data(as_text=True)


def test_draft_is_private(running_app, db, researcher_token, client):
    """An unpublished draft is visible to its owner only."""
    res = client.post("/api/records", json=DATASET, headers=researcher_token)
    assert res.status_code == 201
    draft_id = res.get_json()["id"]
    assert client.get(f"/api/records/{draft_id}/draft", headers=researcher_token).status_code == 200

    assert client.get(f"/api/records/{draft_id}/draft").status_code in (401, 403)
    assert client.get(f"/api/records/{draft_id}").status_code == 404
