"""Hardening of the directories (issue 20): no leak of not-opened titles, no formula
cells in spreadsheet exports, CSRF on every form, no 5xx from bad characters."""

import csv
import io
import re

import pytest
from flask import g
from openpyxl import load_workbook

from techdata.directory import store
from techdata.directory.exports import serialise
from techdata.directory.exports.tabular import DATA_SHEET
from techdata.directory.fields import FIELD_KEYS
from techdata.directory.models import OpenPlanItem
from techdata.directory.releases.models import OpenDirectoryRelease
from tests.helpers import CHECKLIST

SECRET = "未公开的量子通信试验数据"
"""Title of a 不予开放 entry: for authorised roles only (CD-TD Art. 18, 24)."""

FORMULAS = {"title_zh": "=HYPERLINK(\"http://evil\",\"点击\")", "title_en": "+SUM(1,2)",
            "content": "-2+3", "business_name": "@cmd", "information_system": "\tTAB",
            "storage_format": "\rCR", "sharing_scope": "普通文本"}
"""Cell values that a spreadsheet would read as formulas (OWASP CSV injection)."""

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _closed_entry(entry_id="c-hard-closed"):
    """A catalogued 不予开放 entry (resource directory only)."""
    store.upsert_entry({"title_zh": SECRET, "title_en": "Unreleased quantum trial data",
                        "category": {"id": "rd"}, "providing_entity": {"id": "scu"},
                        "opening_type": {"id": "none"}},
                       "catalogued", entry_id=entry_id, in_open=False, review_passed=False)


def _open_entry(entry_id, **data):
    """A catalogued entry in the open directory."""
    store.upsert_entry({"title_zh": "公开条目", "category": {"id": "rd"},
                        "providing_entity": {"id": "scu"},
                        "opening_type": {"id": "unconditional"}, **data},
                       "catalogued", entry_id=entry_id, in_open=True, review_passed=True)


def test_plan_item_never_shows_a_not_opened_title(running_app, client, db, bureau_token):
    """A plan item naming a not-opened entry shows no title publicly (CD-TD Art. 18, 24)."""
    _closed_entry()
    db.session.commit()
    res = client.post("/api/directories/plan", headers=bureau_token, json={
        "year": 2034, "entity": "scu", "entry_id": "c-hard-closed",
        "planned_date": "2034-06-30"})
    assert res.status_code == 201, res.get_json()
    assert SECRET not in res.get_data(as_text=True)
    # an item stored with the copied title (before the fix) is not shown either
    item = OpenPlanItem.query.get(res.get_json()["id"])
    item.title = SECRET
    db.session.commit()
    body = client.get("/api/directories/plan", query_string={"year": 2034})
    assert body.status_code == 200 and SECRET not in body.get_data(as_text=True)
    assert [i["entry_id"] for i in body.get_json()["items"]] == ["c-hard-closed"]
    page = client.get("/directory/plan", query_string={"year": 2034}).get_data(as_text=True)
    assert SECRET not in page
    # once the entry is in the open directory its title may be shown
    store.upsert_entry({**store.entry_dict(store.get_entry("c-hard-closed")),
                        "opening_type": {"id": "unconditional"}},
                       "catalogued", entry_id="c-hard-closed", in_open=True,
                       review_passed=True)
    db.session.commit()
    body = client.get("/api/directories/plan", query_string={"year": 2034}).get_json()
    assert body["items"][0]["title"] == SECRET


def _csv_rows(data):
    """Rows of a CSV export (BOM stripped)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_cells_never_start_like_a_formula():
    """=, +, -, @, tab and CR at the start of a cell get a leading apostrophe (OWASP)."""
    entry = {"entry_id": "c-formula", **FORMULAS}
    rows = _csv_rows(b"".join(serialise([entry], "csv", {})))
    cells = dict(zip(FIELD_KEYS, rows[1]))
    for key, value in FORMULAS.items():
        if value[0] in "=+-@\t\r":
            assert cells[key] == "'" + value, key
        else:
            assert cells[key] == value, key
    for row in rows:
        for value in row:
            assert not value or value[0] not in "=+-@\t\r", value


def test_live_and_release_csv_exports_are_neutralised(running_app, client, db, bureau_token,
                                                      reviewer_token):
    """The public open directory's CSV and a published release's CSV carry no formula."""
    _open_entry("c-hard-formula", **{k: v for k, v in FORMULAS.items() if k != "storage_format"})
    db.session.commit()
    res = client.get("/api/directories/open/entries/export?format=csv")
    assert res.status_code == 200
    row = [r for r in _csv_rows(res.get_data(as_text=True)) if r[0] == "c-hard-formula"][0]
    assert dict(zip(FIELD_KEYS, row))["title_zh"] == "'" + FORMULAS["title_zh"]
    assert dict(zip(FIELD_KEYS, row))["title_en"] == "'+SUM(1,2)"

    api = "/api/directories/open/releases"
    assert client.post(f"{api}/draft", headers=bureau_token).status_code == 201
    assert client.post(f"{api}/draft/submit", headers=bureau_token).status_code == 200
    assert client.post(f"{api}/draft/review", headers=reviewer_token, json={
        "decision": "pass", "checklist": CHECKLIST, "reasons": "无"}).status_code == 200
    assert client.post(f"{api}/draft/publish", headers=bureau_token).status_code == 200
    res = client.get(f"{api}/latest/export?format=csv")
    row = [r for r in _csv_rows(res.get_data(as_text=True)) if r[0] == "c-hard-formula"][0]
    assert dict(zip(FIELD_KEYS, row))["business_name"] == "'@cmd"


def test_xlsx_cells_are_text_and_bad_characters_are_dropped():
    """No formula cell; control characters, lone surrogates and non-characters dropped, not fatal."""
    entry = {"entry_id": "c-xlsx", **FORMULAS,
             "content": "控制\x00字符\x0b和\ud800孤立代理\uffff", "keywords": ["a\x1fb"]}
    book = load_workbook(io.BytesIO(b"".join(serialise([entry], "xlsx", {"title_zh": "=1+1"}))))
    cells = {k: c for k, c in zip(FIELD_KEYS, next(book[DATA_SHEET].iter_rows(min_row=2)))}
    assert cells["content"].value == "控制字符和孤立代理"
    assert cells["keywords"].value == "ab"
    for key in FORMULAS:
        assert cells[key].data_type == "s", key
    assert cells["title_zh"].value == FORMULAS["title_zh"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


@pytest.fixture()
def csrf_off_after(app):
    """CSRF checks off again after the test (a test turns them on, as in production)."""
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_release_forms_need_the_csrf_token(running_app, app, db, bureau, csrf_off_after):
    """The release pages' forms are refused (400, nothing stored) without the session's token."""
    _open_entry("c-hard-csrf")
    db.session.commit()
    with app.test_client() as c:
        bureau.login(c)  # the log-in form itself posts no token: CSRF on after it
        app.config["WTF_CSRF_ENABLED"] = True
        res = c.post("/directory/releases/manage/compile", data={"audience": "open"})
        assert res.status_code == 400
        assert OpenDirectoryRelease.query.count() == 0
        res = c.post("/directory/releases/manage/compile",
                     data={"audience": "open", "csrf_token": "forged"})
        assert res.status_code == 400 and OpenDirectoryRelease.query.count() == 0
        g.pop("csrf_token", None)
        page = c.get("/directory/releases/manage").get_data(as_text=True)
        token = TOKEN.search(page).group(1)
        res = c.post("/directory/releases/manage/compile",
                     data={"audience": "open", "csrf_token": token})
        assert res.status_code == 302 and OpenDirectoryRelease.query.count() == 1


@pytest.mark.parametrize("query", [
    {"q": "土壤\x00"}, {"category": "rd\x00"}, {"entity": "\x00"}, {"q": "a\x0bb"},
    {"update_cycle": "x\x7f"}, {"page": "1\x00"},
])
def test_bad_characters_in_search_and_facets_are_400(running_app, client, bureau_token, query):
    """NUL bytes, control characters and lone surrogates: 400, never a 500."""
    for audience, headers in (("open", {}), ("resource", bureau_token)):
        res = client.get(f"/api/directories/{audience}/entries", query_string=query,
                         headers=headers)
        assert res.status_code == 400, (audience, query, res.get_data(as_text=True)[:300])
    assert client.get("/directory/", query_string=query).status_code == 400
    assert client.get("/api/directories/open/entries/export",
                      query_string=query).status_code == 400
