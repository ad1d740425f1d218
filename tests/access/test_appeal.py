"""Appeals (复核, CD-PD Art. 28, 34): of a refusal, by its applicant, once, to the experts."""

import pytest
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.records.models import RequestEventModel
from marshmallow import ValidationError

from techdata.access.appeal import file_appeal
from techdata.access.opening import apply_for_opening
from techdata.workdays import working_days
from tests.access.filing import CONDITIONAL, NOT_OPENED, act, date, deposit, reload, today, who
from tests.helpers import field_errors

APPEAL = "/api/techdata/access/apply/appeal"
GROUNDS = "数据不含个人信息，拒绝理由不成立 / the data holds no personal data"
OPINION = "经评估，可脱敏后开放 / can be opened once desensitised"


@pytest.fixture()
def refused(running_app, workflow, company, curator):
    """The id of an opening application of the company, refused by the centre's curator."""
    record = workflow.publish(deposit(**NOT_OPENED))
    item = apply_for_opening(who(company), {"record": record["id"], "description": "全部样点数据",
                                            "purpose": "风险地图 / risk map"})
    act(curator, item.id, "refuse", comment="含个人信息 / holds personal data")
    return str(item.id)  # an id: a refused action detaches loaded records


def test_overturned_appeal_reopens_the_request(
    running_app, client, company_token, refused, expert, curator
):
    """The expert committee overturns: the refused request is decided again on a new clock."""
    res = client.post(APPEAL, json={"request": refused, "grounds": GROUNDS},
                      headers=company_token)
    assert res.status_code == 201, res.get_json()
    appeal = res.get_json()
    assert appeal["type"] == "appeal" and appeal["receiver"] == {"group": "expert-committee"}
    received = date.fromisoformat(appeal["payload"]["received_on"])
    # 15日, not 工作日: calendar days (CD-PD Art. 28)
    assert appeal["payload"]["due_date"] == working_days().add_calendar_days(received, 15).isoformat()
    assert appeal["payload"]["request_type"] == "opening-application"

    with pytest.raises(ValidationError):
        act(expert, appeal["id"], "overturn", data={})  # the opinion is required
    act(expert, appeal["id"], "overturn", data={"opinion": OPINION})
    assert reload(appeal["id"]).status == "accepted"
    assert reload(appeal["id"])["payload"]["decision"]["opinion"] == OPINION

    reopened = reload(refused)
    assert reopened.status == "submitted" and reopened["payload"]["clock"] == "running"
    assert "decision" not in reopened["payload"]
    assert reopened["payload"]["due_date"] == working_days().add_calendar_days(today(), 10).isoformat()
    events = RequestEventModel.query.filter_by(request_id=refused).all()
    assert any("can be opened once desensitised" in ((e.json or {}).get("payload") or {}).get("content", "")
               for e in events), [e.json for e in events]
    act(curator, refused, "grant", data={})  # decided again
    assert reload(refused).status == "accepted"


def test_upheld_and_only_once_per_refusal(running_app, company, refused, expert):
    """A second appeal while one is open, or after it was upheld, is refused."""
    appeal = str(file_appeal(who(company), {"request": refused, "grounds": GROUNDS}).id)
    with pytest.raises(ValidationError, match="already been appealed"):
        file_appeal(who(company), {"request": refused, "grounds": GROUNDS})
    act(expert, appeal, "uphold", data={"opinion": "拒绝理由成立 / the refusal stands"})
    upheld = reload(appeal)
    assert upheld.status == "declined" and upheld["payload"]["clock"] == "stopped"
    assert reload(refused).status == "declined"
    with pytest.raises(ValidationError, match="already been appealed"):
        file_appeal(who(company), {"request": refused, "grounds": GROUNDS})


def test_only_the_applicant_and_only_a_refusal(
    running_app, client, workflow, company, other_company, refused, curator
):
    """Someone else's refusal, a pending request, a non-request: clear 400s."""
    with pytest.raises(ValidationError, match="Only the applicant"):
        file_appeal(who(other_company), {"request": refused, "grounds": GROUNDS})
    record = workflow.publish(deposit(**CONDITIONAL))
    pending = apply_for_opening(who(company), {"record": record["id"], "description": "数据",
                                               "purpose": "研究 / research"})
    with pytest.raises(ValidationError, match="Only a refused request"):
        file_appeal(who(company), {"request": str(pending.id), "grounds": GROUNDS})
    with pytest.raises(ValidationError) as err:
        file_appeal(who(company), {"request": "00000000-0000-0000-0000-000000000000"})
    assert set(err.value.messages) == {"grounds"}
    with pytest.raises(ValidationError, match="No such request"):
        file_appeal(who(company), {"request": "nope", "grounds": GROUNDS})


def test_only_the_expert_committee_decides(running_app, company, refused, curator, expert):
    """The provider and the applicant cannot decide an appeal (403)."""
    appeal = str(file_appeal(who(company), {"request": refused, "grounds": GROUNDS}).id)
    for user in (company, curator):
        with pytest.raises(PermissionDeniedError):
            act(user, appeal, "overturn", data={"opinion": OPINION})
    assert reload(appeal).status == "submitted"


def test_return_and_resubmit_across_national_day(running_app, company, refused, expert):
    """Filed 30 Sep 2026: 15 calendar days → Thu 15 Oct; returned 9 Oct (9 days used),
    answered Mon 12 Oct: 6 left → Sun 18 Oct, a rest day, so Mon 19 Oct."""
    appeal = file_appeal(who(company), {"request": refused, "grounds": GROUNDS},
                         on=date(2026, 9, 30))
    assert appeal["payload"]["due_date"] == "2026-10-15"
    act(expert, appeal.id, "return", comment="请提供脱敏方案 / send the masking plan",
        on=date(2026, 10, 9))  # 1-9 Oct used
    assert reload(appeal.id)["payload"]["days_used"] == 9
    act(company, appeal.id, "submit", comment="方案见附件 / plan attached", on=date(2026, 10, 12))
    resumed = reload(appeal.id)
    assert resumed.status == "submitted"
    assert resumed["payload"]["due_date"] == "2026-10-19"


def test_appeal_due_in_2027(running_app, client, company, company_token, refused):
    """Filed 21 Dec 2026: the due date falls in 2027 (weekday fallback), over REST."""
    appeal = file_appeal(who(company), {"request": refused, "grounds": GROUNDS},
                         on=date(2026, 12, 21))
    due = date.fromisoformat(appeal["payload"]["due_date"])
    assert due.year == 2027 and due.weekday() < 5
    res = client.get(f"/api/requests/{appeal.id}", headers=company_token)
    assert res.status_code == 200 and res.get_json()["payload"]["due_date"] == due.isoformat()
    res = client.post(APPEAL, json={"request": refused}, headers=company_token)
    assert res.status_code == 400 and "grounds" in field_errors(res)
