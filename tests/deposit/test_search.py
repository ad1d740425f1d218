"""Facets and Chinese full-text search of deposits."""

from invenio_rdm_records.proxies import current_rdm_records_service as records

from tests.helpers import deposit

SOIL = deposit(title="成都平原土壤重金属监测数据集", abstract="土壤重金属含量观测。",
               category={"id": "observation"}, update_cycle={"id": "yearly"}, storage_format="CSV",
               grade={"id": "important"}, providing_entity={"id": "cdut"},
               responsible_department={"id": "sthjj"})
# has 土 and 壤, 含 and 量 apart, but never the words 土壤 or 含量
SCATTERED = deposit(title="龙泉山土地壤质调查", abstract="含水率与产量的调查名录。",
                    title_en="Longquan mountain land survey",
                    category={"id": "resources"}, update_cycle={"id": "irregular"},
                    providing_entity={"id": "scu"})


def _ids(client, **params):
    res = client.get("/api/records", query_string=params)
    assert res.status_code == 200, res.json
    return {h["id"] for h in res.json["hits"]["hits"]}, res.json


def test_two_character_word_matches_precisely(running_app, db, researcher_token, client, workflow):
    """"土壤" finds the soil record, not one that has 土 and 壤 apart."""
    soil = workflow.publish(SOIL)
    scattered = workflow.publish(SCATTERED)
    records.indexer.refresh()
    for word in ("土壤", "重金属", "含量", "土壤 监测"):
        ids, _ = _ids(client, q=word)
        assert soil["id"] in ids, word
        assert scattered["id"] not in ids, word
    ids, _ = _ids(client, q="壤质")
    assert ids == {scattered["id"]}
    # words in different languages and fields are all required
    ids, _ = _ids(client, q="土壤 heavy")
    assert ids == {soil["id"]}
    ids, _ = _ids(client, q="土壤 Longquan")
    assert ids == set()


def test_facets(running_app, db, researcher_token, client, workflow):
    """Category, grade, entity and department are facets, and filter."""
    soil = workflow.publish(SOIL)
    scattered = workflow.publish(SCATTERED)
    records.indexer.refresh()
    ids, body = _ids(client)
    aggs = body["aggregations"]
    for facet in ("category", "sharing_type", "opening_type", "grade", "department", "entity", "subject"):
        assert facet in aggs, facet
    cats = {b["key"]: b for b in aggs["category"]["buckets"]}
    assert cats["observation"]["label"] in ("观测监测、考察调查、检验检测数据", "Observation, survey and testing data")
    ids, _ = _ids(client, category="observation")
    assert soil["id"] in ids and scattered["id"] not in ids
    ids, _ = _ids(client, entity="scu")
    assert scattered["id"] in ids and soil["id"] not in ids
    ids, _ = _ids(client, grade="important")
    assert soil["id"] in ids and scattered["id"] not in ids
    ids, _ = _ids(client, department="sthjj")
    assert soil["id"] in ids
