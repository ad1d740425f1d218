"""Malformed search queries (issue 20: ``/api/records?q=title:(`` was a 500)."""

import pytest

MALFORMED = ["title:(", '"unterminated', "a AND OR b", "((((", "title:[a TO", "/re[gex/",
             "土壤 AND (", "*:*)", "a:b:c:", "\\"]


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_record_query_is_not_a_server_error(running_app, client, q):
    """A malformed query falls back to a word search (or 400 with a hint), never 500."""
    res = client.get("/api/records", query_string={"q": q})
    assert res.status_code in (200, 400), res.get_json()
    if res.status_code == 400:
        assert res.get_json()["message"]


def test_malformed_query_still_finds_words(running_app, client):
    """The fallback searches the words: an answer with hits, not an error."""
    res = client.get("/api/records", query_string={"q": "土壤 AND OR 监测"})
    assert res.status_code == 200
    assert "hits" in res.get_json()


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_project_and_directory_queries(running_app, client, researcher_token, q):
    """Our own searches (projects, directory) answer without a 5xx too."""
    for url in ("/api/projects", "/api/directories/open/entries"):
        res = client.get(url, query_string={"q": q}, headers=researcher_token)
        assert res.status_code < 500, (url, res.status_code)
