"""Audit pages and CSV export: the auditor finds a dataset's history; others may not (LZ Art. 40)."""

import csv
import io

from tests.audit.conftest import refresh_trail


def test_auditor_finds_a_datasets_history_and_exports_it(audit_app, datasets, auditor):
    """Filter by object: the dataset's review decisions, shown in Beijing time; CSV export."""
    client = audit_app.test_client()
    auditor.login(client)
    recid = datasets["conditional"]
    refresh_trail()
    res = client.get("/audit/", query_string={"object": recid})
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert 'data-action="techdata.review.decide"' in page
    assert 'data-action="techdata.confidentiality.decide"' in page
    assert "acc-curator@test.example.org" in page
    res = client.get("/audit/", query_string={"object": recid,
                                              "action": "techdata.confidentiality.decide"})
    page = res.get_data(as_text=True)
    assert 'data-action="techdata.review.decide"' not in page
    assert 'data-action="techdata.confidentiality.decide"' in page

    res = client.get("/audit/export.csv", query_string={"object": recid})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    actions = {r[1] for r in rows[1:]}
    assert {"techdata.review.decide", "techdata.confidentiality.decide"} <= actions
    assert all(r[4] == recid for r in rows[1:])


def test_filters_by_person_and_date(audit_app, datasets, auditor):
    """Person and date filters narrow the trail; a bad date names its field."""
    client = audit_app.test_client()
    auditor.login(client)
    refresh_trail()
    page = client.get("/audit/", query_string={
        "person": "acc-reviewer@test.example.org"}).get_data(as_text=True)
    assert 'data-action="techdata.confidentiality.decide"' in page
    assert 'data-action="techdata.review.decide"' not in page
    page = client.get("/audit/", query_string={"date_to": "2020-01-01"}).get_data(as_text=True)
    assert "data-entry=" not in page
    res = client.get("/audit/", query_string={"date_from": "not-a-date"})
    assert res.status_code == 400 and "date_from" in res.get_data(as_text=True)


def test_others_may_not_read_the_trail(audit_app, datasets, researcher):
    """A researcher gets 403 on the page and the export; an anonymous visitor must log in."""
    client = audit_app.test_client()
    assert client.get("/audit/").status_code in (302, 401)
    researcher.login(client)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
