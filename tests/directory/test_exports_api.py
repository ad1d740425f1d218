"""Live exports of the directories over REST (CD-TD Art. 7, 19, 24; QY Art. 23).

``GET /api/directories/<open|resource>/entries/export?format=...``: the open
directory for everyone, without not-opened entries; the resource directory
for government roles only.
"""

import copy
import csv
import io
import json

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF

from techdata.directory import store
from techdata.directory.exports.tabular import csv_cell
from techdata.directory.fields import DIRECTORY_FIELDS, FIELD_KEYS, SOURCE_CATALOGUED
from tests.directory.export_data import DCAT, NOT_OPENED, SPARSE, TRICKY, read_entry

URL = "/api/directories/{}/entries/export"


@pytest.fixture()
def entries(running_app, db):
    """Two open entries (reviewed, open types) and a not-opened one."""
    opened = [copy.deepcopy(TRICKY), copy.deepcopy(SPARSE)]
    for data in opened:
        store.upsert_entry(data, SOURCE_CATALOGUED, entry_id=data["entry_id"],
                           in_open=True, review_passed=True)
    store.upsert_entry(copy.deepcopy(NOT_OPENED), SOURCE_CATALOGUED,
                       entry_id=NOT_OPENED["entry_id"], in_open=True, review_passed=True)
    db.session.commit()
    return {"open": sorted(e["entry_id"] for e in opened),
            "resource": sorted([*(e["entry_id"] for e in opened), NOT_OPENED["entry_id"]])}


def test_open_directory_json_for_anyone(client, entries):
    """Anonymous: the open entries only, every field, as the store has them."""
    res = client.get(URL.format("open"), query_string={"format": "json"}, buffered=False)
    assert res.status_code == 200 and res.mimetype == "application/json"
    assert res.is_streamed
    assert "filename*=UTF-8''techdata-open-directory-" in res.headers["Content-Disposition"]
    doc = json.loads(res.get_data())
    assert [e["entry_id"] for e in doc["entries"]] == entries["open"]
    assert doc["entries"] == list(store.iter_entries("open"))
    assert all(list(e) == list(FIELD_KEYS) for e in doc["entries"])
    assert doc["catalog"]["number"] is None and doc["catalog"]["title_zh"].endswith("开放目录")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_open_directory_dcat_never_has_not_opened_entries(client, entries, fmt):
    """The DCAT exports of the open directory carry no not-opened entry (CD-TD Art. 24)."""
    res = client.get(URL.format("open"), query_string={"format": fmt})
    assert res.status_code == 200
    g = Graph().parse(data=res.get_data(as_text=True),
                      format="turtle" if fmt == "ttl" else "json-ld")
    ids = sorted(str(g.value(ds, DCTERMS.identifier))
                 for ds in g.subjects(RDF.type, DCAT.Dataset))
    assert len(ids) == 2
    assert not list(g.subjects(DCTERMS.identifier, Literal(NOT_OPENED["entry_id"])))
    for entry in store.iter_entries("open"):
        assert read_entry(g, entry["entry_id"])["title_zh"] == entry["title_zh"]


def test_open_directory_csv_default(client, entries):
    """No format: CSV with the BOM and Chinese headings."""
    res = client.get(URL.format("open"))
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"), newline="")))
    assert rows[0] == [f.zh for f in DIRECTORY_FIELDS]
    assert [r[0] for r in rows[1:]] == entries["open"]


def test_resource_directory_needs_a_government_role(client, entries, company_token):
    """Anonymous → 401, a user without a government role → 403, bilingual."""
    res = client.get(URL.format("resource"), query_string={"format": "csv"})
    assert res.status_code == 401 and " / " in res.get_json()["message"]
    res = client.get(URL.format("resource"), query_string={"format": "csv"},
                     headers=company_token)
    assert res.status_code == 403 and "资源目录" in res.get_json()["message"]


def test_resource_directory_for_the_bureau(client, entries, bureau_token):
    """The bureau exports every live entry, not-opened ones included."""
    res = client.get(URL.format("resource"), query_string={"format": "csv"},
                     headers=bureau_token)
    assert res.status_code == 200
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == entries["resource"]
    for row, entry in zip(rows[1:], store.iter_entries("resource")):
        assert row == [csv_cell(entry, f) for f in DIRECTORY_FIELDS]  # neutralised (issue 20)


def test_withdrawn_entries_leave_the_exports(client, entries, db):
    """A withdrawn entry is in no export."""
    store.withdraw_entry(TRICKY["entry_id"])
    db.session.commit()
    doc = json.loads(client.get(URL.format("open"), query_string={"format": "json"}).get_data())
    assert [e["entry_id"] for e in doc["entries"]] == [SPARSE["entry_id"]]


def test_bad_format_and_directory(client, entries):
    """Unknown format → 400 listing the formats; unknown directory → 404; both bilingual."""
    res = client.get(URL.format("open"), query_string={"format": "pdf"})
    assert res.status_code == 400
    assert res.get_json()["formats"] == ["csv", "xlsx", "json", "ttl", "jsonld"]
    assert "未知的导出格式" in res.get_json()["message"]
    res = client.get(URL.format("secret"), query_string={"format": "csv"})
    assert res.status_code == 404 and " / " in res.get_json()["message"]
