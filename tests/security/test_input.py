"""The input layer (``techdata.kernel.input``; issue 20 "5xx from bad input").

Each test names the finding it covers; before the input layer each of these
requests answered 500 (or stored junk).
"""

import json

import pytest

from techdata.kernel.input import json_depth, json_errors

from .conftest import api_app


def _fields(res):
    return {e["field"] for e in res.get_json().get("errors", [])}


# Unit: the depth counter and the walker
# ======================================


def test_depth_is_counted_without_recursion():
    """A 100,000-deep body is measured on its text, brackets inside strings ignored."""
    assert json_depth("[" * 100_000 + "]" * 100_000) == 100_000
    assert json_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]"}]}') == 3


def test_walker_names_fields():
    """Bad characters, non-finite and out-of-range numbers, with their dotted field names."""
    errors = json_errors({"metadata": {"title": "a\x00b", "keywords": ["ok", "\ud800"]},
                          "amount": 10**20, "ratio": float("inf"),
                          "text": "tab\tnewline\ncr\r ok"}, prefix="")
    assert {e["field"] for e in errors} == {
        "metadata.title", "metadata.keywords.1", "amount", "ratio"}


# Both apps carry the hook
# ========================


def test_hook_on_ui_and_api_app(running_app):
    """The extension registers the input layer on the UI app and on the /api app."""
    from techdata.kernel.input import check_request

    for flask_app in (running_app, api_app(running_app)):
        assert check_request in flask_app.before_request_funcs[None]


# JSON bodies
# ===========


@pytest.mark.parametrize("value,code", [("a\x00b", "0000"), ("\ud800", "D800"),
                                        ("x\x0by", "000B"), ("\x1b[31m", "001B")])
def test_bad_characters_in_json_refused_naming_the_field(running_app, client, researcher_token,
                                                         stored_counts, value, code):
    """NUL, lone surrogates and control characters reached PostgreSQL (27 500s)."""
    before = stored_counts()
    for url in ("/api/projects", "/api/records", "/api/directories/entries"):
        res = client.post(url, data=json.dumps({"metadata": {"title": value}}),
                          content_type="application/json", headers=researcher_token)
        assert res.status_code == 400, (url, res.status_code)
        assert _fields(res) == {"metadata.title"}
        assert f"U+{code}" in res.get_json()["errors"][0]["messages"][0]
        assert " / " in res.get_json()["message"]  # bilingual
    assert stored_counts() == before


def test_free_text_keeps_tab_and_newline(running_app, client, researcher_token):
    """Tab, newline and CR in free text pass the input layer (the service decides)."""
    res = client.post("/api/records", json={"metadata": {"description": "a\tb\r\nc"}},
                      headers=researcher_token)
    assert res.status_code < 500
    assert "metadata.description" not in (_fields(res) if res.status_code == 400 else set())


def test_deep_json_refused_before_parsing(running_app, client, researcher_token):
    """JSON nested 100,000 levels raised RecursionError (8 endpoints)."""
    body = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    for url in ("/api/projects", "/api/records", "/api/techdata/access/apply/correction"):
        res = client.post(url, data=body, content_type="application/json",
                          headers=researcher_token)
        assert res.status_code == 400, url
        assert _fields(res) == {"body"}


def test_invalid_utf8_refused(running_app, client, researcher_token):
    """Invalid UTF-8 bodies answered 500 (3 endpoints)."""
    res = client.post("/api/projects", data=b'{"title": "\xff\xfe\xed\xa0\x80"}',
                      content_type="application/json", headers=researcher_token)
    assert res.status_code == 400
    assert _fields(res) == {"body"}


def test_records_with_json_array_refused(running_app, client, researcher_token, stored_counts):
    """``POST /api/records`` with a JSON array answered 500."""
    before = stored_counts()
    res = client.post("/api/records", data="[{}]", content_type="application/json",
                      headers=researcher_token)
    assert res.status_code == 400
    assert _fields(res) == {"body"}
    assert stored_counts() == before


def test_large_json_refused(running_app, client, researcher_token):
    """A JSON body over the limit is refused with 413 (no 1 MB titles by the megabyte)."""
    body = json.dumps({"metadata": {"title": "x" * (2 * 1024 * 1024 + 10)}})
    res = client.post("/api/records", data=body, content_type="application/json",
                      headers=researcher_token)
    assert res.status_code == 413


def test_non_finite_numbers_refused(running_app, client, researcher_token):
    """NaN / 1e400 / 1e20 (a voucher of 1e20 yuan) are out of range."""
    for raw in ('{"amount": NaN}', '{"amount": 1e400}', '{"amount": 100000000000000000000}'):
        res = client.post("/api/projects", data=raw, content_type="application/json",
                          headers=researcher_token)
        assert res.status_code == 400, raw


def test_file_upload_content_passes(running_app, client, researcher_token):
    """File content (octet-stream) is the depositor's data: NUL bytes pass."""
    from tests.helpers import deposit

    res = client.post("/api/records", json=deposit(files=True), headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    recid = res.json["id"]
    res = client.post(f"/api/records/{recid}/draft/files", json=[{"key": "data.bin"}],
                      headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    res = client.put(f"/api/records/{recid}/draft/files/data.bin/content",
                     data=b"\x00\xff\xfe binary \x00", content_type="application/octet-stream",
                     headers=researcher_token)
    assert res.status_code == 200, res.get_json()


# URL paths, query strings, forms
# ===============================


def test_nul_in_path_refused(running_app, client):
    """``/cstr/%00`` answered 500."""
    res = client.get("/cstr/%00")
    assert res.status_code == 400
    res = client.get("/api/projects/a%00b")
    assert res.status_code == 400
    assert _fields(res) == {"path"}


def test_nul_in_query_refused(running_app, client, researcher_token):
    """NUL in search and facets reached PostgreSQL."""
    res = client.get("/api/directories/open/entries", query_string={"q": "土壤\x00"})
    assert res.status_code == 400
    assert _fields(res) == {"query.q"}
    res = client.get("/api/records", query_string={"q": "a\x00"})
    assert res.status_code == 400


def test_nul_in_form_refused(running_app, client, researcher):
    """Form fields are checked too (the UI's forms)."""
    researcher.login(client)
    res = client.post("/directory/plan", data={"title": "a\x00b"})
    assert res.status_code == 400


def test_file_key_with_control_character_refused(running_app, client, researcher_token):
    """File keys of control characters were stored and then unreachable."""
    from tests.helpers import deposit

    res = client.post("/api/records", json=deposit(files=True), headers=researcher_token)
    recid = res.json["id"]
    res = client.post(f"/api/records/{recid}/draft/files", json=[{"key": "a\x07b.csv"}],
                      headers=researcher_token)
    assert res.status_code == 400
    assert _fields(res) == {"0.key"}
