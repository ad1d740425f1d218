"""Reminders, escalation and grant expiry of requests from outside (Celery beat tasks)."""

from invenio_requests.records.api import Request

from techdata.access.appeal import file_appeal
from techdata.access.opening import apply_for_opening
from techdata.access.tasks import check_access_deadlines, expire_access_grants
from techdata.workdays import working_days
from tests.access import conditional as cond
from tests.access.filing import (
    NOT_OPENED, act, deposit, reload, set_due, timedelta, today, who,
)

SOON, OVERDUE = "Request due soon", "Request overdue"


def _mails(mailbox, subject):
    """The mails whose subject contains ``subject``."""
    return [m for m in mailbox if subject in m.subject]


def _recipients(mails):
    """Who got ``mails``: one mail per recipient (invenio-notifications), none twice."""
    got = [r for m in mails for r in m.recipients]
    assert all(len(m.recipients) == 1 for m in mails) and len(got) == len(set(got)), got
    return set(got)


def _application(workflow, company):
    """An opening application of ``company`` (a running clock); returns its id."""
    record = workflow.publish(deposit(**NOT_OPENED))
    return str(apply_for_opening(who(company), {"record": record["id"], "description": "数据",
                                                "purpose": "研究 / research"}).id)


def test_reminder_then_escalation_once_each(
    running_app, workflow, company, curator, bureau, mailbox
):
    """Due tomorrow: the provider is reminded once; overdue: the bureau is told once."""
    rid = _application(workflow, company)
    set_due(rid, working_days().add_working_days(today(), 1))
    assert check_access_deadlines()["reminded"] == 1
    reminders = _mails(mailbox, SOON)
    assert curator.email in _recipients(reminders) and bureau.email not in _recipients(reminders)
    assert all("工作日" in m.body and "开放申请" in m.subject for m in reminders)
    check_access_deadlines()
    assert len(_mails(mailbox, SOON)) == len(reminders)

    set_due(rid, today() - timedelta(days=1))
    assert check_access_deadlines()["escalated"] == 1
    escalations = _mails(mailbox, OVERDUE)
    assert {bureau.email, curator.email} <= _recipients(escalations)
    check_access_deadlines()
    assert len(_mails(mailbox, OVERDUE)) == len(escalations)
    assert reload(rid)["payload"]["escalated"] is True


def test_paused_and_stopped_clocks_are_left_alone(
    running_app, workflow, company, curator, bureau, mailbox
):
    """Waiting on the applicant (paused) or answered (stopped): no reminder, no escalation."""
    paused = _application(workflow, company)
    act(curator, paused, "return", comment="请补充 / more please")
    answered = _application(workflow, company)
    act(curator, answered, "refuse", comment="不予开放 / refused")
    for rid in (paused, answered):
        set_due(rid, today() - timedelta(days=3))
    assert check_access_deadlines() == {"reminded": 0, "escalated": 0}
    assert not _mails(mailbox, OVERDUE) and not _mails(mailbox, SOON)


def test_a_new_clock_segment_is_reminded_again(running_app, workflow, company, curator, mailbox):
    """After a return and resubmission the new due date gets its own reminder."""
    rid = _application(workflow, company)
    set_due(rid, working_days().add_working_days(today(), 2))
    check_access_deadlines()
    first = _recipients(_mails(mailbox, SOON))
    assert curator.email in first
    act(curator, rid, "return", comment="请补充 / more please")
    act(company, rid, "submit", comment="已补充 / done")
    assert "reminded" not in reload(rid)["payload"]
    set_due(rid, working_days().add_working_days(today(), 1))
    check_access_deadlines()
    assert len(_mails(mailbox, SOON)) == 2 * len(first)


def test_appeals_remind_the_expert_committee(
    running_app, workflow, company, curator, expert, mailbox
):
    """The receiver of an appeal is a role: its holders are reminded."""
    rid = _application(workflow, company)
    act(curator, rid, "refuse", comment="不予开放 / refused")
    appeal = str(file_appeal(who(company), {"request": rid, "grounds": "理由不成立 / no"}).id)
    set_due(appeal, today())
    check_access_deadlines()
    reminders = _mails(mailbox, SOON)
    assert _recipients(reminders) == {expert.email}
    assert all("复核申请" in m.subject for m in reminders)


def test_beat_runs_the_deadline_check_and_the_grant_expiry(
    running_app, client, datasets, people  # noqa: F811
):
    """Both tasks are scheduled; the daily expiry withdraws a grant whose term ended."""
    beat = running_app.config["CELERY_BEAT_SCHEDULE"]
    assert beat["techdata-access-deadlines"]["task"] == check_access_deadlines.name
    assert beat["techdata-access-expire-grants"]["task"] == expire_access_grants.name

    recid = datasets["conditional"]
    res = cond.apply(client, people["company_h"], cond.application(client, recid))
    assert res.status_code == 201, res.get_json()
    rid = res.get_json()["id"]
    res = cond.act(client, people["curator_h"], rid, "grant", modes=["download"])
    assert res.status_code == 200, res.get_json()
    assert cond.content(client, recid, people["company_h"]) == 200

    assert expire_access_grants() == []  # the term has not ended
    req = Request.get_record(rid)
    grant = {**req["payload"]["grant"], "term_end": (today() - timedelta(days=1)).isoformat()}
    req["payload"] = {**req["payload"], "grant": grant}
    req.commit()
    from invenio_db import db

    db.session.commit()
    assert expire_access_grants() == [rid]
    assert Request.get_record(rid).status == "expired"
    assert cond.content(client, recid, people["company_h"]) == 403
