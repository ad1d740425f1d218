"""我的待办 (issue 13): the user dashboard's "My tasks" lists what waits for each person."""

import re
from datetime import timedelta

from flask_babel import force_locale
from invenio_db import db as invenio_db
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.models import RequestMetadata

from techdata import todo
from techdata.kernel.i18n import _
from techdata.kernel.time import today
from techdata.workdays import working_days
from tests.helpers import deposit, registered_user


def _login(client, user):
    """Log ``user`` in through the log-in form."""
    res = client.post("/login/", data={"email": user.email, "password": user.password})
    assert res.status_code == 302, res.status_code


def _rows(html):
    """``[(kind, overdue, href, title, days left)]`` of the task table."""
    return re.findall(
        r'<tr class="[^"]*" data-kind="(\w+)" data-overdue="(\w+)">.*?'
        r'<a class="task-link" href="([^"]+)">([^<]*)</a>.*?<td class="[^"]*">([^<]*)</td>',
        html, re.S)


def _set_due(request_id, due):
    """Move a request's due date (as the clock would have set it)."""
    row = RequestMetadata.query.get(request_id)
    payload = {**row.json.get("payload", {}), "due_date": due.isoformat()}
    row.json = {**row.json, "payload": payload}
    invenio_db.session.commit()


def test_curator_tasks_list_the_review_with_its_clock(running_app, client, workflow, curator,
                                                      city_centre):
    """A waiting deposit review: listed, linked to its decision form, working days left; overdue in red."""
    draft = workflow.create(deposit(title="待办列表中的待审数据集"))
    review = workflow.submit(draft["id"])
    current_requests_service.indexer.refresh()
    _login(client, curator)

    due = today() + timedelta(days=10)
    _set_due(review["id"], due)
    res = client.get("/me/tasks?ln=zh")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    with running_app.test_request_context("/?ln=zh"), force_locale("zh"):
        assert str(_("My tasks")) == "我的待办"
    assert "我的待办" in html  # the dashboard tab, active
    mine = [r for r in _rows(html) if r[2] == f"/review/{review['id']}"]
    assert len(mine) == 1, _rows(html)
    kind, overdue, _href, title, left = mine[0]
    assert (kind, overdue, title) == ("review", "false", "待办列表中的待审数据集")
    assert int(left) == working_days().working_days_between(today(), due) > 0

    _set_due(review["id"], today() - timedelta(days=7))
    html = client.get("/me/tasks").get_data(as_text=True)
    kind, overdue, *_rest, left = next(r for r in _rows(html) if r[2] == f"/review/{review['id']}")
    assert overdue == "true" and int(left) < 0
    assert 'class="ui red label"' in html
    # overdue first
    assert _rows(html)[0][1] == "true"


def test_the_tab_is_in_every_dashboard(running_app, client, researcher):
    """Uploads, communities and requests tabs lead to "My tasks"; nothing waits for a new researcher."""
    _login(client, researcher)
    for path in ("/me/uploads", "/me/requests"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/me/tasks"' in html, path
    html = client.get("/me/tasks").get_data(as_text=True)
    assert 'id="no-tasks"' in html or 'id="task-list"' in html


def test_company_sees_nothing_of_the_government(running_app, client, UserFixture, db, workflow):
    """A company without requests has no task, whatever waits for curators."""
    workflow.submit(workflow.create(deposit(title="企业看不到的待审数据集"))["id"])
    company = registered_user(UserFixture, running_app, db, "tasks-company@test.example.org",
                              "Company-Test-2026")
    _login(client, company)
    html = client.get("/me/tasks").get_data(as_text=True)
    assert 'id="no-tasks"' in html
    assert "企业看不到的待审数据集" not in html


def test_tasks_sorted_overdue_first():
    """Overdue tasks first, then the nearest due date, undated last."""
    tasks = [todo.Task("review", "t", "c", "s", "/c", due_date="2026-12-20"),
             todo.Task("answer", "t", "a", "s", "/a"),
             todo.Task("review", "t", "b", "s", "/b", due_date="2026-12-30", overdue=True)]
    assert [t.url for t in sorted(tasks, key=lambda t: t.sort_key)] == ["/b", "/c", "/a"]
