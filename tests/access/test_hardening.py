"""Issue 20 in requests from outside: no leak of not-opened titles, no applicant deliverables,
no slow refusal of absurd dates, no 500 on InvenioRDM's request page."""

import time

from flask import g

from techdata.access.opening import apply_for_opening
from techdata.access.service_request import ask_for_service
from tests.access.filing import NOT_OPENED, act, deposit, reload, today, who
from tests.helpers import token_headers

MARK = "SECRET-TITLE-H1"
"""The ASCII part of the secret title: JSON answers escape the Chinese part, so only this
part can be found in them (a check for the whole title there could never fail)."""

SECRET = f"成都市某保密样点坐标数据 {MARK}"
"""The title of a not-opened dataset, which no outsider may learn."""


def _login(app, user):
    """A browser of its own for ``user``, logged in."""
    client = app.test_client()
    g.pop("_login_user", None)
    user.login(client)
    g.pop("_login_user", None)
    return client


def _get(client, url, **kwargs):
    """GET ``url`` as the session's user."""
    g.pop("_login_user", None)
    return client.get(url, **kwargs)


def test_apply_pages_do_not_print_a_title_the_caller_may_not_read(
    running_app, workflow, company
):
    """/access/apply and /access/share answer a not-opened record like its record page (403)."""
    record = workflow.publish(deposit(title=SECRET, **NOT_OPENED))
    client = _login(running_app, company)
    record_page = _get(client, f"/records/{record['id']}").status_code
    assert record_page == 403
    for url in (f"/access/apply/{record['id']}", f"/access/share/{record['id']}"):
        res = _get(client, url)
        assert res.status_code == record_page, url
        assert MARK not in res.get_data(as_text=True), url
    assert _get(client, "/access/apply/nosuch-00000").status_code == 404


def test_requests_about_a_not_opened_record_keep_only_its_id(
    running_app, client, workflow, company, company_token, curator
):
    """Opening applications and corrections store the id given, never the title."""
    record = workflow.publish(deposit(title=SECRET, **NOT_OPENED))
    filed = []
    res = client.post("/api/techdata/access/apply/opening-application", headers=company_token,
                      json={"record": record["id"], "description": "样点数据 / sampling data",
                            "purpose": "研究 / research"})
    assert res.status_code == 201, res.get_json()
    filed.append(res)
    res = client.post("/api/techdata/access/apply/correction", headers=company_token,
                      json={"record": record["id"], "what": "坐标有误 / wrong coordinates",
                            "where": "第 3 行 / row 3", "evidence": "实地核查 / field check",
                            "found_on": today().isoformat()})
    assert res.status_code == 201, res.get_json()
    filed.append(res)
    for res in filed:
        body = res.get_data(as_text=True)
        assert MARK not in body and record["id"] in res.get_json()["title"]
        rid = res.get_json()["id"]
        assert MARK not in client.get(f"/api/requests/{rid}",
                                        headers=company_token).get_data(as_text=True)
        page = _get(_login(running_app, company), f"/access/request/{rid}")
        assert page.status_code == 200 and MARK not in page.get_data(as_text=True)
    assert MARK not in client.get("/api/requests", headers=company_token,
                                 follow_redirects=True).get_data(as_text=True)
    mine = client.get("/api/techdata/access/lists/mine", headers=company_token)
    assert mine.status_code == 200 and MARK not in mine.get_data(as_text=True)
    assert MARK not in _get(_login(running_app, company), "/access/mine").get_data(as_text=True)


def test_invenio_request_page_when_the_viewer_may_not_read_the_record(
    running_app, workflow, company
):
    """/me/requests/<id> of the applicant of a not-opened record: a page, not a 500."""
    record = workflow.publish(deposit(title=SECRET, **NOT_OPENED))
    rid = str(apply_for_opening(who(company), {"record": record["id"], "description": "数据",
                                               "purpose": "研究 / research"}).id)
    res = _get(_login(running_app, company), f"/me/requests/{rid}")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert MARK not in html and f"/access/request/{rid}" in html


def test_a_service_applicant_cannot_deliver_to_himself(
    running_app, client, workflow, company, company_token, curator, city_centre, db
):
    """Only the centre uploads a data service's files; the applicant's upload is refused."""
    sid = str(ask_for_service(who(company), {
        "organisation": "成都某科技有限公司", "contact": "王经理 028-12345678",
        "kind": "analysis", "description": "按区县统计土壤镉含量"}).id)
    res = client.put(f"/api/requests/{sid}/files/upload/fake.txt", data=b"not a deliverable",
                     headers={**company_token, "Content-Type": "application/octet-stream"})
    assert res.status_code == 403
    assert reload(sid).files is None or not list(reload(sid).files)
    res = client.put(f"/api/requests/{sid}/files/upload/report.txt", data=b"the report",
                     headers={**token_headers(curator, db), "Content-Type": "application/octet-stream"})
    assert res.status_code in (200, 201), res.get_json()
    act(curator, sid, "deliver", data={"note": "分析报告已交付 / the analysis report"})
    (item,) = reload(sid)["payload"]["delivery"]["files"]
    assert item["name"] == "report.txt"


def test_an_absurd_day_found_is_refused_at_once(running_app, client, workflow, company_token):
    """found_on 0001-01-01: a 400 on found_on, without walking the calendar back to it."""
    record = workflow.publish(deposit())
    started = time.monotonic()
    res = client.post("/api/techdata/access/apply/correction", headers=company_token,
                      json={"record": record["id"], "what": "坐标有误 / wrong coordinates",
                            "where": "第 3 行 / row 3", "evidence": "实地核查 / field check",
                            "found_on": "0001-01-01"})
    assert res.status_code == 400
    assert any(e["field"] == "found_on" for e in res.get_json()["errors"])
    assert time.monotonic() - started < 3
