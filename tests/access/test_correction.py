"""Corrections (校核, CD-PD Art. 27, QY Art. 18, LZ Art. 31): report in time, three answers."""

import pytest
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError

from techdata.access.appeal import file_appeal
from techdata.access.correction import report_error
from techdata.workdays import working_days
from tests.access.filing import act, date, deposit, reload, timedelta, today, who, working_days_ago
from tests.helpers import field_errors

REPORT = "/api/techdata/access/apply/correction"


def _report(recid, found_on=None):
    """A correction report about ``recid`` found on ``found_on`` (default today)."""
    return {"record": recid,
            "what": "2023 年 7 月样点 S-12 的镉含量单位错误（mg/kg 记为 g/kg）",
            "where": "文件 soil.csv 第 118 行 / file soil.csv, row 118",
            "evidence": "与原始检测报告 CD-2023-118 对照 / checked against test report CD-2023-118",
            "found_on": (found_on or today()).isoformat()}


def _new_version(client, headers, rec):
    """Publish a new version of ``rec`` (same reviewed content); returns its JSON."""
    res = client.post(f"/api/records/{rec['id']}/versions", headers=headers)
    assert res.status_code == 201, res.get_json()
    new = res.get_json()
    new["metadata"] = rec["metadata"]
    res = client.put(f"/api/records/{new['id']}/draft", json=new, headers=headers)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{new['id']}/draft/actions/publish", headers=headers)
    assert res.status_code == 202, res.get_json()
    return res.get_json()


def test_fixed_needs_a_published_newer_version_of_the_same_record(
    running_app, client, workflow, researcher_token, company_token, curator, city_centre
):
    """Reported → answered "fixed" only with a newer published version of that dataset."""
    rec = workflow.publish(deposit())
    res = client.post(REPORT, json=_report(rec["id"]), headers=company_token)
    assert res.status_code == 201, res.get_json()
    report = res.get_json()
    assert report["type"] == "correction"
    assert report["receiver"] == {"community": str(city_centre.id)}
    received = date.fromisoformat(report["payload"]["received_on"])
    assert report["payload"]["due_date"] == working_days().add_working_days(received, 10).isoformat()

    other = workflow.publish(deposit(title="成都市科技型企业名录"))
    for wrong in (rec["id"], other["id"], "nosuch-00000"):
        with pytest.raises(ValidationError):
            act(curator, report["id"], "answer", data={"outcome": "fixed", "record": wrong})
    with pytest.raises(ValidationError):
        act(curator, report["id"], "answer", data={"outcome": "fixed"})
    assert reload(report["id"]).status == "submitted"

    v2 = _new_version(client, researcher_token, rec)
    act(curator, report["id"], "answer", data={"outcome": "fixed", "record": v2["id"]},
        comment="已更正并重新汇交 / corrected and re-deposited")
    answered = reload(report["id"])
    assert answered.status == "accepted" and answered["payload"]["clock"] == "stopped"
    assert answered["payload"]["decision"]["outcome"] == "fixed"
    assert answered["payload"]["decision"]["record"] == v2["id"]


def test_report_must_come_within_five_working_days(running_app, client, workflow, company_token):
    """CD-PD Art. 27: found 6 working days ago is too late; 5 is in time; future is wrong."""
    rec = workflow.publish(deposit())
    res = client.post(REPORT, json=_report(rec["id"], working_days_ago(6)), headers=company_token)
    assert res.status_code == 400
    message = str(field_errors(res)["found_on"])
    assert "第二十七条" in message and "CD-PD Art. 27" in message and "5 working days" in message
    res = client.post(REPORT, json=_report(rec["id"], today() + timedelta(days=1)),
                      headers=company_token)
    assert res.status_code == 400 and "future" in str(field_errors(res)["found_on"])
    res = client.post(REPORT, json={**_report(rec["id"]), "found_on": "yesterday"},
                      headers=company_token)
    assert res.status_code == 400 and "YYYY-MM-DD" in str(field_errors(res)["found_on"])
    res = client.post(REPORT, json={"record": rec["id"]}, headers=company_token)
    assert res.status_code == 400
    assert set(field_errors(res)) == {"what", "where", "evidence", "found_on"}
    res = client.post(REPORT, json=_report(rec["id"], working_days_ago(5)), headers=company_token)
    assert res.status_code == 201, res.get_json()


def test_confirmed_correct_and_resolved_by_discussion(
    running_app, workflow, company, other_company, curator
):
    """Each answer carries its detail; a confirmed-correct answer can be appealed."""
    rec = workflow.publish(deposit())
    first = str(report_error(who(company), _report(rec["id"])).id)
    with pytest.raises(ValidationError):
        act(curator, first, "answer", data={"outcome": "confirmed-correct"})
    with pytest.raises(ValidationError):
        act(curator, first, "answer", data={"outcome": "wrong"})
    act(curator, first, "answer", data={
        "outcome": "confirmed-correct",
        "explanation": "经与原始报告核对，单位无误 / units match the original report"})
    assert reload(first)["payload"]["decision"]["outcome"] == "confirmed-correct"
    appeal = file_appeal(who(company), {"request": first, "grounds": "单位确有错误 / units wrong"})
    assert appeal["payload"]["request_type"] == "correction"

    second = str(report_error(who(company), _report(rec["id"])).id)
    act(curator, second, "answer", data={
        "outcome": "resolved-by-discussion",
        "summary": "电话沟通，下一版本补充说明 / agreed by phone: a note in the next version"})
    assert reload(second).status == "accepted"
    with pytest.raises(ValidationError, match="Only a refused request"):
        file_appeal(who(company), {"request": second, "grounds": "再议 / again"})


def test_only_the_provider_answers(running_app, workflow, company, other_company, curator):
    """The reporter and strangers cannot answer; strangers cannot even read it."""
    rec = workflow.publish(deposit())
    report = str(report_error(who(company), _report(rec["id"])).id)
    for user in (company, other_company):
        with pytest.raises(PermissionDeniedError):
            act(user, report, "answer", data={"outcome": "resolved-by-discussion",
                                              "summary": "好的 / fine"})
    with pytest.raises(PermissionDeniedError):
        current_requests_service.read(who(other_company), report)
    assert current_requests_service.read(who(company), report)["status"] == "submitted"


def test_return_and_resubmit_across_national_day(running_app, workflow, company, curator):
    """Reported Wed 30 Sep 2026 (found the day before): due Tue 20 Oct; paused and resumed."""
    rec = workflow.publish(deposit())
    report = report_error(who(company), _report(rec["id"], date(2026, 9, 29)),
                          on=date(2026, 9, 30))
    assert report["payload"]["due_date"] == "2026-10-20"
    report = str(report.id)
    act(curator, report, "return", comment="请附检测报告 / attach the test report",
        on=date(2026, 10, 10))
    assert reload(report).status == "returned"
    act(company, report, "submit", comment="已附 / attached", on=date(2026, 11, 2))
    assert reload(report)["payload"]["due_date"] == "2026-11-11"


def test_deadline_into_2027(running_app, workflow, company):
    """Reported 28 Dec 2026: due in 2027 on the weekday fallback, no crash."""
    rec = workflow.publish(deposit())
    report = report_error(who(company), _report(rec["id"], date(2026, 12, 25)),
                          on=date(2026, 12, 28))
    due = date.fromisoformat(report["payload"]["due_date"])
    assert due.year == 2027 and due.weekday() < 5
