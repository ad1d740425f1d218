"""Opening applications (CD-PD Art. 34, LZ Art. 23): apply, grant via review, refuse, return."""

import pytest
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError

from techdata.access.opening import apply_for_opening
from techdata.workdays import working_days
from tests.access.filing import CONDITIONAL, NOT_OPENED, act, date, deposit, reload, who
from tests.helpers import field_errors

APPLY = "/api/techdata/access/apply/opening-application"


def _form(recid=None, **extra):
    """An opening application naming ``recid``."""
    form = {"description": "成都平原土壤重金属监测数据（全部样点）",
            "purpose": "开发土壤污染风险地图 / a soil-risk map for farmers",
            "security": "仅用于汇总统计，不公开样点坐标 / aggregate use only"}
    if recid:
        form["record"] = recid
    return {**form, **extra}


def test_grant_opens_the_record_through_a_confidentiality_review(
    running_app, client, workflow, company_token, curator, reviewer, city_centre
):
    """Applied → granted → a new confidentiality review → passed → the record is open."""
    record = workflow.publish(deposit(**NOT_OPENED))
    assert client.get(f"/api/records/{record['id']}").status_code == 403  # not opened

    res = client.post(APPLY, json=_form(record["id"]), headers=company_token)
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert body["type"] == "opening-application" and body["status"] == "submitted"
    assert body["receiver"] == {"community": str(city_centre.id)}
    received = date.fromisoformat(body["payload"]["received_on"])
    # 10日, not 工作日: calendar days (CD-PD Art. 34)
    assert body["payload"]["due_date"] == working_days().add_calendar_days(received, 10).isoformat()
    # due_date is in the standard /api/requests body
    got = client.get(f"/api/requests/{body['id']}", headers=company_token).get_json()
    assert got["payload"]["due_date"] == body["payload"]["due_date"]

    act(curator, body["id"], "grant", data={})
    granted = reload(body["id"])
    assert granted.status == "accepted"
    assert granted["payload"]["clock"] == "stopped"
    opening = granted["payload"]["opening"]
    assert opening["record"] == record["id"] and opening["listed"] is False
    # CD-TD Art. 24: not opened yet, only a review has been opened
    assert client.get(f"/api/records/{record['id']}").status_code == 403
    review = reload(opening["confidentiality_review"])
    assert review.type.type_id == "confidentiality-review" and review.status == "submitted"

    workflow.pass_review(opening["confidentiality_review"])
    res = client.get(f"/api/records/{record['id']}")
    assert res.status_code == 200
    assert res.get_json()["custom_fields"]["cdtd:opening_type"]["id"] == "unconditional"
    assert res.get_json()["access"]["files"] == "public"


def test_the_granting_curator_cannot_pass_the_review(
    running_app, client, workflow, company, company_token, curator, curator_token
):
    """CD-TD Art. 24: the curator who granted cannot also do the confidentiality review."""
    from invenio_accounts.models import Role, User
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    record = workflow.publish(deposit(**CONDITIONAL))
    body = client.post(APPLY, json=_form(record["id"]), headers=company_token).get_json()
    act(curator, body["id"], "grant", data={})
    review_id = reload(body["id"])["payload"]["opening"]["confidentiality_review"]
    current_datastore.add_role_to_user(
        db.session.get(User, curator.id), Role.query.filter_by(name="confidentiality-reviewer").one())
    db.session.commit()
    res = workflow.decide(review_id, curator_token, decision="pass",
                          checklist={"no_state_secret": True, "no_personal_information": True,
                                     "no_commercial_secret": True, "desensitised": True},
                          reasons="同一人 / same person")
    assert res.status_code == 400
    assert "二十四条" in str(res.get_json())


def test_what_cannot_be_applied_for(running_app, client, workflow, company_token):
    """An open record, a missing entity, an unknown record: clear 400s, nothing stored."""
    record = workflow.publish(deposit())
    res = client.post(APPLY, json=_form(record["id"]), headers=company_token)
    assert res.status_code == 400
    assert "already unconditionally open" in str(field_errors(res)["record"])
    res = client.post(APPLY, json=_form(), headers=company_token)
    assert res.status_code == 400 and "entity" in field_errors(res)
    res = client.post(APPLY, json=_form("nosuch-00000"), headers=company_token)
    assert res.status_code == 400 and "No such published dataset" in str(field_errors(res))
    res = client.post(APPLY, json={"record": record["id"]}, headers=company_token)
    assert res.status_code == 400
    assert set(field_errors(res)) == {"description", "purpose"}
    from flask import g

    g.pop("_login_user", None)  # the test app context keeps the last token's user
    res = running_app.test_client().post(APPLY, json=_form(record["id"]))
    assert res.status_code == 401, res.get_json()


def test_refusal_needs_reasons_and_only_the_provider_decides(
    running_app, client, workflow, company, other_company, company_token, curator, mailbox
):
    """The applicant and strangers get 403; refusing without reasons is a 400."""
    record = workflow.publish(deposit(**NOT_OPENED))
    body = client.post(APPLY, json=_form(record["id"]), headers=company_token).get_json()
    for user in (company, other_company):
        with pytest.raises(PermissionDeniedError):
            act(user, body["id"], "refuse", comment="no")
    with pytest.raises(PermissionDeniedError):
        current_requests_service.read(who(other_company), body["id"])
    with pytest.raises(ValidationError):
        act(curator, body["id"], "refuse")
    assert reload(body["id"]).status == "submitted"

    act(curator, body["id"], "refuse",
        comment="含个人信息，依法不予开放 / contains personal data (CD-PD Art. 34)")
    refused = reload(body["id"])
    assert refused.status == "declined" and refused["payload"]["clock"] == "stopped"
    assert refused["payload"]["decision"]["action"] == "refuse"
    answered = [m for m in mailbox if company.email in m.recipients]
    assert answered and "answered" in answered[-1].subject


def test_return_pauses_and_resubmission_resumes_across_national_day(
    running_app, workflow, company, curator
):
    """Received Wed 30 Sep 2026: 10 calendar days (CD-PD Art. 34: 10日) → Sat 10 Oct, a
    make-up working day (调休); returned on 5 Oct (5 days used), resumed Mon 2 Nov with 5
    left → Sat 7 Nov, a rest day, so Mon 9 Nov."""
    record = workflow.publish(deposit(**NOT_OPENED))
    item = apply_for_opening(who(company), _form(record["id"]), on=date(2026, 9, 30))
    assert item["payload"]["due_date"] == "2026-10-10"
    assert item["payload"]["counting"] == "calendar"
    act(curator, item.id, "return", comment="请说明用途 / state the use", on=date(2026, 10, 5))
    returned = reload(item.id)
    assert returned.status == "returned" and returned["payload"]["clock"] == "paused"
    assert returned["payload"]["days_used"] == 5
    act(company, item.id, "submit", comment="用于风险地图 / for the risk map",
        on=date(2026, 11, 2))
    resumed = reload(item.id)
    assert resumed.status == "submitted" and str(resumed.id) == str(item.id)
    assert resumed["payload"]["due_date"] == "2026-11-09"
    assert resumed["payload"]["pauses"] == [["2026-10-05", "2026-11-02"]]


def test_deadline_running_into_2027_falls_back_to_weekdays(running_app, workflow, company):
    """Received 28 Dec 2026: 10 calendar days → Thu 7 Jan 2027, a weekday (the calendar does
    not know 2027; weekdays are used)."""
    record = workflow.publish(deposit(**NOT_OPENED))
    item = apply_for_opening(who(company), _form(record["id"]), on=date(2026, 12, 28))
    due = date.fromisoformat(item["payload"]["due_date"])
    assert due == date(2027, 1, 7)


def test_described_data_is_granted_by_naming_the_open_record(
    running_app, client, workflow, company_token, curator, city_centre
):
    """A free description goes to the chosen centre; the grant names the open, listed record."""
    form = _form(entity="成都市农业农村局 / Chengdu agriculture bureau")
    body = client.post(APPLY, json=form, headers=company_token).get_json()
    assert body["receiver"] == {"community": str(city_centre.id)}
    closed = workflow.publish(deposit(**NOT_OPENED))
    with pytest.raises(ValidationError):
        act(curator, body["id"], "grant", data={})
    with pytest.raises(ValidationError):
        act(curator, body["id"], "grant", data={"record": closed["id"]})
    assert reload(body["id"]).status == "submitted"
    opened = workflow.publish(deposit(title="成都市农田土壤数据"))
    act(curator, body["id"], "grant", data={"record": opened["id"]})
    granted = reload(body["id"])
    assert granted.status == "accepted"
    assert granted["payload"]["opening"] == {"record": opened["id"], "listed": True}


def test_no_grant_while_the_record_has_unpublished_changes(
    running_app, client, workflow, researcher_token, company, curator
):
    """An edit in progress would be opened unreviewed with the grant: refused until published."""
    record = workflow.publish(deposit(**NOT_OPENED))
    rid = str(apply_for_opening(who(company), _form(record["id"])).id)
    res = client.post(f"/api/records/{record['id']}/draft", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    with pytest.raises(ValidationError, match="unpublished changes"):
        act(curator, rid, "grant", data={})
    assert reload(rid).status == "submitted"
    res = client.delete(f"/api/records/{record['id']}/draft", headers=researcher_token)
    assert res.status_code == 204, res.get_json()
    act(curator, rid, "grant", data={})
    assert reload(rid).status == "accepted"
