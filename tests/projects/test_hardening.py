"""Issue 20 hardening of projects: status only through decisions, 409 on a race,
CSRF on the import, safe XLSX export, clean refusals, no project-number oracle,
upper bounds (CD-TD Art. 15)."""

import io
import re

import pytest
from flask import g
from invenio_access.permissions import system_identity

from techdata.entities.proxies import current_entities_service

from tests.helpers import deposit, field_errors
from tests.projects.conftest import project_user
from tests.projects.test_projects import project

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _service():
    """The project service (through its proxy)."""
    from techdata.projects.proxies import current_projects_service

    return current_projects_service


def _bilingual(res):
    """The 4xx answer's message carries Chinese and English."""
    message = res.get_json()["message"]
    assert " / " in message and re.search(r"[\u4e00-\u9fff]", message), message
    return message


def test_status_is_set_only_by_the_decision(running_app, client, manager_token, researcher):
    """POST/PUT with a status other than the current one: 400 naming status; acceptance
    data is ignored; the current status sent back is accepted (CD-TD Art. 15)."""
    for status in ("accepted", "pending-acceptance", "terminated"):
        res = client.post("/api/projects", json=project(status=status), headers=manager_token)
        assert res.status_code == 400 and "status" in field_errors(res), status
        message = field_errors(res)["status"][0]
        assert "CD-TD Art. 15" in message and " / " in message
        assert re.search(r"[\u4e00-\u9fff]", message), message
    assert not _service().exists("2024YFS0001")

    forged = {"decision": "accepted", "overridden": False}
    res = client.post("/api/projects", json=project(acceptance=forged, transitions=[forged]),
                      headers=manager_token)
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert "acceptance" not in body and "transitions" not in body
    assert body["status"] == "in-progress"

    data = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    for status in ("accepted", "pending-acceptance", "terminated"):
        data.update(status=status, acceptance=forged)
        res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
        assert res.status_code == 400 and "status" in field_errors(res), status
        assert "CD-TD Art. 15" in field_errors(res)["status"][0]
    assert _service().record_cls.pid.resolve("2024YFS0001")["status"] == "in-progress"
    data["status"] = "in-progress"
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 200 and "acceptance" not in res.get_json()
    del data["status"]
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 200 and res.get_json()["status"] == "in-progress"


def test_status_moves_by_recorded_decisions(running_app, client, manager_token, researcher,
                                            researcher_token):
    """POST /status moves along the allowed transitions, records who/when/why; accepted
    only through the acceptance decision; terminated is final; the PI may not decide."""
    client.post("/api/projects", json=project(), headers=manager_token)
    url = "/api/projects/2024YFS0001/status"
    assert client.post(url, json={"status": "pending-acceptance"},
                       headers=researcher_token).status_code == 403
    res = client.post(url, json={"status": "accepted"}, headers=manager_token)
    assert res.status_code == 400 and "status" in field_errors(res)
    message = field_errors(res)["status"][0]
    assert "CD-TD Art. 15" in message and re.search(r"[\u4e00-\u9fff]", message), message
    seen = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    res = client.post(url, json={"status": "pending-acceptance", "comment": "结题",
                                 "revision_id": seen["revision_id"]}, headers=manager_token)
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["status"] == "pending-acceptance"
    assert [(t["from"], t["to"], t["comment"]) for t in body["transitions"]] == [
        ("in-progress", "pending-acceptance", "结题")]
    assert body["transitions"][0]["decided_by"] and body["transitions"][0]["decided_at"]
    res = client.post(url, json={"status": "in-progress", "revision_id": seen["revision_id"]},
                      headers=manager_token)
    assert res.status_code == 409  # decided on a stale revision
    _bilingual(res)
    # A PUT keeps status and history whatever else it changes.
    data = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    data.update(budget=99, transitions=[])
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 200
    assert res.get_json()["status"] == "pending-acceptance"
    assert len(res.get_json()["transitions"]) == 1
    res = client.post(url, json={"status": "terminated", "comment": "终止"}, headers=manager_token)
    assert res.status_code == 200 and res.get_json()["status"] == "terminated"
    res = client.post(url, json={"status": "in-progress"}, headers=manager_token)
    assert res.status_code == 400 and "status" in field_errors(res)
    stored = _service().record_cls.pid.resolve("2024YFS0001")
    assert stored["status"] == "terminated" and len(stored["transitions"]) == 2


def test_accepted_by_decision_survives_updates(running_app, client, manager_token, researcher,
                                               UserFixture, db):
    """Once accepted by a decision, an update keeps status and decision; moving it is a 400."""
    client.post("/api/projects", json=project(), headers=manager_token)
    project_user(UserFixture, running_app, db, "pm2@test.example.org", "program-manager")
    res = client.post("/api/projects/2024YFS0001/acceptance", headers=manager_token, json={
        "decision": "accepted", "override": {"reason": "数据已线下移交市数据中心",
                                             "approver": "pm2@test.example.org"}})
    assert res.status_code == 200, res.get_json()
    data = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    data["budget"] = 88
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 200
    assert res.get_json()["status"] == "accepted"
    assert res.get_json()["acceptance"]["decision"] == "accepted"
    data["status"] = "in-progress"
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 400 and "status" in field_errors(res)
    res = client.post("/api/projects/2024YFS0001/status", json={"status": "in-progress"},
                      headers=manager_token)
    assert res.status_code == 400 and "status" in field_errors(res)
    assert _service().record_cls.pid.resolve("2024YFS0001")["status"] == "accepted"


def test_a_stale_or_second_decision_is_a_409(running_app, client, manager_token, researcher):
    """The decision made on an older revision loses with a bilingual 409; accepted is final."""
    client.post("/api/projects", json=project(plan=()), headers=manager_token)
    url = "/api/projects/2024YFS0001/acceptance"
    seen = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    revision = seen["revision_id"]
    res = client.post(url, json={"decision": "rejected", "comment": "甲", "revision_id": revision},
                      headers=manager_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(url, json={"decision": "rejected", "comment": "乙", "revision_id": revision},
                      headers=manager_token)
    assert res.status_code == 409
    _bilingual(res)
    stored = _service().record_cls.pid.resolve("2024YFS0001")
    assert stored["acceptance"]["comment"] == "甲"  # not overwritten


def test_the_loser_of_a_race_gets_409_not_500(running_app, client, manager_token, researcher,
                                               monkeypatch):
    """A StaleDataError at commit (the other decision committed first) is a 409."""
    from invenio_records_resources.services.uow import RecordCommitOp
    from sqlalchemy.orm.exc import StaleDataError

    from techdata.projects.services import service as module

    client.post("/api/projects", json=project(), headers=manager_token)

    class RacedCommit(RecordCommitOp):
        def on_register(self, uow):
            raise StaleDataError("UPDATE statement on table expected to update 1 row(s)")

    monkeypatch.setattr(module, "RecordCommitOp", RacedCommit)
    res = client.post("/api/projects/2024YFS0001/acceptance", json={"decision": "rejected"},
                      headers=manager_token)
    assert res.status_code == 409
    _bilingual(res)


def test_import_refuses_a_post_without_the_csrf_token(running_app, db, researcher,
                                                     UserFixture, app):
    """A multipart post without the session's token stores nothing (400)."""
    from tests.projects.test_import import GOOD, HEADER, create_entities

    create_entities()  # the rows name them (issue 18)
    pm = project_user(UserFixture, running_app, db, "pm-csrf@test.example.org", "program-manager")
    data = (HEADER + GOOD).encode("utf-8")
    with app.test_client() as c:
        pm.login(c)
        app.config["WTF_CSRF_ENABLED"] = True
        try:
            res = c.post("/projects/import", data={"file": (io.BytesIO(data), "p.csv")},
                         content_type="multipart/form-data")
            assert res.status_code == 400
            assert not _service().exists("2025ZDYF0101")
            g.pop("csrf_token", None)
            token = TOKEN.search(c.get("/projects/import").get_data(as_text=True)).group(1)
            res = c.post("/projects/import", content_type="multipart/form-data", data={
                "file": (io.BytesIO(data), "p.csv"), "csrf_token": token})
            assert res.status_code == 200 and _service().exists("2025ZDYF0101")
        finally:
            app.config["WTF_CSRF_ENABLED"] = False


def test_export_writes_safe_text_cells(running_app, client, manager, researcher):
    """Formula-leading text is neutralised, a \\x0b in a title is dropped, no 500."""
    from openpyxl import load_workbook

    _service().create(system_identity, project(
        number="CSV-INJ-1", title_zh="=HYPERLINK(\"http://evil\")\x0b标题",
        lead_entity="@SUM(1+1)", program="+计划"))
    _service().create(system_identity, project(number="CSV-INJ-2", title_zh="-2+3 普通\t标题"))
    _service().indexer.refresh()
    # the manager runs the programme of both (CD-TD Art. 8-9)
    current_entities_service.add_program_manager(system_identity, "+计划", manager.user.id)
    manager.login(client)
    res = client.get("/projects/export.xlsx")
    assert res.status_code == 200
    rows = {r[0].value: r for r in load_workbook(io.BytesIO(res.data)).active.iter_rows(min_row=2)}
    one = rows["CSV-INJ-1"]
    assert one[1].value == "'=HYPERLINK(\"http://evil\")标题" and one[1].data_type == "s"
    assert one[2].value == "'+计划" and one[3].value == "'@SUM(1+1)"
    assert rows["CSV-INJ-2"][1].value == "'-2+3 普通\t标题"


def test_project_page_refuses_cleanly(running_app, client, manager_token, UserFixture, db):
    """A non-participant gets a 403 page, an unknown number a 404 page, never a 500."""
    client.post("/api/projects", json=project(pi="pm@test.example.org"), headers=manager_token)
    company = project_user(UserFixture, running_app, db, "co-page@test.example.org")
    company.login(client)
    res = client.get("/projects/2024YFS0001")
    assert res.status_code == 403
    assert client.get("/projects/NO-SUCH-9").status_code == 404


def test_deposit_link_does_not_say_which_projects_exist(running_app, client, manager_token,
                                                       researcher_token):
    """"No such project" and "not your project" read the same."""
    client.post("/api/projects", json=project(pi="pm@test.example.org"), headers=manager_token)
    unknown = client.post("/api/records", json=deposit(project="NOPE-1"),
                          headers=researcher_token)
    foreign = client.post("/api/records", json=deposit(project="2024YFS0001"),
                          headers=researcher_token)
    assert unknown.status_code == foreign.status_code == 400
    a = field_errors(unknown)["custom_fields.cdtd:project"]
    b = field_errors(foreign)["custom_fields.cdtd:project"]
    assert a == [b[0].replace("2024YFS0001", "NOPE-1")]
    assert "CD-TD Art. 15" in a[0]


@pytest.mark.parametrize("field,value", [
    ("title_en", "T" * 501),
    ("title_zh", "长" * 301),
    ("budget", 1e20),
    ("budget", -1),
    ("acceptance_due", "0001-01-01"),
    ("start_date", "2999-01-01"),
    ("members", ["researcher@test.example.org"] * 101),
    ("plan", [{"key": f"k{i}", "title": "t"} for i in range(101)]),
])
def test_project_bounds(running_app, client, manager_token, researcher, field, value):
    """Junk beyond the bounds is a 400 naming the field, in both languages; nothing stored."""
    res = client.post("/api/projects", json=project(number="BOUND-1", **{field: value}),
                      headers=manager_token)
    assert res.status_code == 400, res.get_json()
    messages = field_errors(res)[field]
    assert any(" / " in m for m in messages), messages
    assert not _service().exists("BOUND-1")
