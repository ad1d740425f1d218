"""The upgrade step that strips old request titles of records the applicant may not read
(issue 20; CD-TD Art. 18, 24)."""

from invenio_db import db
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request

from techdata.access.correction import report_error
from techdata.access.migrations import strip_unreadable_titles
from techdata.access.opening import apply_for_opening
from techdata.upgrade import upgrade
from tests.access.filing import NOT_OPENED, deposit, reload, today, who

MARK = "MIGRATION-SECRET-M1"
"""ASCII part of the secret title (JSON answers escape the Chinese part)."""

SECRET = f"保密样点坐标 {MARK}"
"""The title of a not-opened dataset the company may not read."""


def _as_before_the_fix(request_id, title):
    """Store ``title`` as a request filed before the fix did (title copied into it)."""
    request = Request.get_record(request_id)
    request["title"] = title
    request.commit()
    db.session.commit()
    current_requests_service.indexer.index(request)
    current_requests_service.indexer.refresh()


def test_old_titles_of_unreadable_records_are_stripped(running_app, client, workflow, company,
                                                       company_token, researcher):
    """Titles naming a not-opened record go back to its id; readable ones stay; twice = once."""
    secret = workflow.publish(deposit(title=SECRET, **NOT_OPENED))
    opened = workflow.publish(deposit(title="公开的土壤数据 OPEN-TITLE-M2"))
    opening = str(apply_for_opening(who(company), {
        "record": secret["id"], "description": "样点", "purpose": "研究 / research"}).id)
    correction = str(report_error(who(company), {
        "record": opened["id"], "what": "坐标有误 / wrong coordinates", "where": "第 3 行",
        "evidence": "实地核查 / field check", "found_on": today().isoformat()}).id)
    old_opening = f"开放申请 Opening application: {SECRET}"
    old_correction = "数据校核 Correction: 公开的土壤数据 OPEN-TITLE-M2"
    _as_before_the_fix(opening, old_opening)
    _as_before_the_fix(correction, old_correction)
    before = client.get("/api/requests", headers=company_token, follow_redirects=True)
    assert MARK in before.get_data(as_text=True)  # the leak this step removes

    changed = strip_unreadable_titles()
    assert changed == [opening]
    title = reload(opening)["title"]
    assert SECRET not in title and title.endswith(f": {secret['id']}") and "开放申请" in title
    assert reload(correction)["title"] == old_correction  # the company may read that one
    current_requests_service.indexer.refresh()
    for url in ("/api/requests", f"/api/requests/{opening}", "/api/user/requests"):
        res = client.get(url, headers=company_token, follow_redirects=True)
        assert res.status_code == 200 and MARK not in res.get_data(as_text=True), url

    assert strip_unreadable_titles() == []  # idempotent
    steps = dict(upgrade())
    assert steps["request titles of records the applicant may not read stripped"] == 0
    assert reload(opening)["title"] == title
