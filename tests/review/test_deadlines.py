"""Review clocks: working-day due dates, reminders, escalation, the queues."""

from datetime import date, timedelta

from invenio_requests.records.api import Request

from techdata.kernel.time import today
from techdata.review.tasks import check_review_deadlines
from techdata.workdays import working_days
from tests.helpers import deposit


def _set_due(request_id, due):
    """Move a review's due date (as if it had been received earlier)."""
    from invenio_db import db

    req = Request.get_record(request_id)
    payload = dict(req["payload"])
    payload["due_date"] = due.isoformat()
    req["payload"] = payload
    req.commit()
    db.session.commit()


def test_due_date_counts_chinese_working_days(running_app, workflow):
    """Deposit review: 15 working days; confidentiality review: 10."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    received = date.fromisoformat(review["payload"]["received_on"])
    assert received == today()
    assert review["payload"]["due_date"] == working_days().add_working_days(received, 15).isoformat()
    workflow.accept(review["id"])
    from invenio_requests.proxies import current_requests_service

    current_requests_service.indexer.refresh()
    conf = workflow.confidentiality_request(recid)
    assert conf["payload"]["due_date"] == working_days().add_working_days(received, 10).isoformat()


def test_reminder_then_escalation_once_each(running_app, workflow, curator, mailbox, UserFixture, db):
    """A review due tomorrow reminds the curators; an overdue one escalates to the bureau."""
    from invenio_accounts.proxies import current_datastore

    bureau = UserFixture(email="bureau@test.example.org", password="Bureau-Test-2026")
    bureau.create(running_app, db)
    current_datastore.add_role_to_user(bureau.user, "bureau-admin")
    db.session.commit()

    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    _set_due(review["id"], working_days().add_working_days(today(), 1))
    counts = check_review_deadlines()
    assert counts["reminded"] >= 1
    reminders = [m for m in mailbox if "Review due soon" in m.subject]
    assert len(reminders) == 1 and curator.email in reminders[0].recipients
    assert "工作日" in reminders[0].body

    check_review_deadlines()  # nothing new to say
    assert len([m for m in mailbox if "Review due soon" in m.subject]) == 1

    _set_due(review["id"], today() - timedelta(days=1))
    check_review_deadlines()
    escalations = [m for m in mailbox if "Review overdue" in m.subject]
    assert len(escalations) == 1
    assert "bureau@test.example.org" in escalations[0].recipients
    check_review_deadlines()
    assert len([m for m in mailbox if "Review overdue" in m.subject]) == 1


def test_queues_show_what_each_role_decides_overdue_first(
    running_app, client, workflow, curator_token, reviewer_token
):
    """Curators see deposit reviews, reviewers confidentiality reviews; overdue on top."""
    first = workflow.submit(workflow.create(deposit(title="成都市科技资源普查数据"))["id"])
    second = workflow.submit(workflow.create(deposit(title="成都市重点实验室名录"))["id"])
    _set_due(second["id"], today() - timedelta(days=3))

    hits = client.get("/api/techdata/reviews/queue", headers=curator_token).get_json()["hits"]["hits"]
    ids = [h["id"] for h in hits]
    assert {first["id"], second["id"]} <= set(ids)
    assert ids.index(second["id"]) < ids.index(first["id"])
    assert hits[ids.index(second["id"])]["overdue"] is True

    hits = client.get("/api/techdata/reviews/queue", headers=reviewer_token).get_json()["hits"]["hits"]
    assert first["id"] not in [h["id"] for h in hits]
    assert client.get("/api/techdata/reviews/queue").status_code == 401


def test_queue_and_decision_pages(running_app, client, workflow, curator):
    """The curator's pages render in Chinese; anonymous visitors are sent to log in."""
    review = workflow.submit(workflow.create(deposit())["id"])
    assert client.get("/review/queue").status_code in (302, 401)
    curator.login(client)
    html = client.get("/review/queue").get_data(as_text=True)
    assert "待办审核" in html and review["id"] in html
    html = client.get(f"/review/{review['id']}").get_data(as_text=True)
    assert "分级分类依据" in html and "接收并确认分级分类" in html
    assert client.get("/review/00000000-0000-0000-0000-000000000000").status_code == 404
