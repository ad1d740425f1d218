"""Project registry, the acceptance gate and the acceptance decision (CD-TD Art. 15)."""

from tests.helpers import PROGRAM, deposit, field_errors, token_headers
from tests.projects.conftest import project_user


def project(number="2024YFS0001", pi="researcher@test.example.org", plan=("soil", "water"),
            **extra):
    """A project as the program-management system sends it."""
    return {
        "number": number,
        "title_zh": "成都平原土壤与水环境监测",
        "title_en": "Soil and water monitoring of the Chengdu Plain",
        "program": PROGRAM,
        "funding_source": "government",
        "budget": 120.5,
        "lead_entity": "四川大学",
        "department": "成都市科学技术局",
        "pi": pi,
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        "acceptance_due": "2026-06-30",
        "plan": [{"key": k, "title": f"{k} 数据集"} for k in plan],
        **extra,
    }


def _refresh():
    """Make projects searchable right away."""
    from flask import current_app

    current_app.extensions["techdata"].projects_service.indexer.refresh()


def test_registry_crud_and_visibility(running_app, client, manager_token, researcher,
                                      researcher_token, UserFixture, db):
    """Managers create; the PI sees own projects; a company sees none."""
    res = client.post("/api/projects", json=project(), headers=manager_token)
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert body["id"] == "2024YFS0001" and body["pi"]["email"] == researcher.email
    assert body["links"]["gate"].endswith("/api/projects/2024YFS0001/gate")

    res = client.post("/api/projects", json=project(), headers=manager_token)
    assert res.status_code == 400 and "number" in field_errors(res)

    res = client.post("/api/projects", json=project(number="X2", pi="nobody@example.org",
                                                    acceptance_due="2026-13-01"),
                      headers=manager_token)
    assert res.status_code == 400
    assert {"pi", "acceptance_due"} <= set(field_errors(res))

    res = client.post("/api/projects", json=project(number="X3"), headers=researcher_token)
    assert res.status_code == 403

    company = project_user(UserFixture, running_app, db, "co@test.example.org")
    company_token = token_headers(company, db)
    _refresh()
    assert client.get("/api/projects/2024YFS0001", headers=company_token).status_code == 403
    hits = client.get("/api/projects", headers=company_token).get_json()["hits"]["hits"]
    assert hits == []
    hits = client.get("/api/projects", headers=researcher_token).get_json()["hits"]["hits"]
    assert [h["id"] for h in hits] == ["2024YFS0001"]
    assert client.get("/api/projects", headers=manager_token).get_json()["hits"]["total"] == 1

    data = client.get("/api/projects/2024YFS0001", headers=manager_token).get_json()
    data["budget"] = 130
    res = client.put("/api/projects/2024YFS0001", json=data, headers=manager_token)
    assert res.status_code == 200 and res.get_json()["budget"] == 130
    res = client.post("/api/projects/2024YFS0001/status", json={"status": "pending-acceptance"},
                      headers=manager_token)
    assert res.status_code == 200 and res.get_json()["status"] == "pending-acceptance"


def test_gate_follows_the_deposits(running_app, client, manager_token, researcher_token,
                                   workflow):
    """Each planned dataset fails alone until deposited and accepted by a centre."""
    client.post("/api/projects", json=project(), headers=manager_token)
    gate = client.get("/api/projects/2024YFS0001/gate", headers=researcher_token).get_json()
    byid = {c["id"]: c for c in gate["conditions"]}
    assert gate["passed"] is False
    assert byid["plan"]["passed"] and byid["confidentiality"]["passed"]
    assert not byid["dataset:soil"]["passed"] and "尚未汇交" in byid["dataset:soil"]["reason"]
    assert not byid["certificate"]["passed"]

    # A draft for the project waiting for review: confidentiality now fails too.
    linked = deposit(project="2024YFS0001", project_dataset="soil")
    draft = workflow.create(linked)
    gate = client.get("/api/projects/2024YFS0001/gate", headers=researcher_token).get_json()
    assert not {c["id"]: c for c in gate["conditions"]}["confidentiality"]["passed"]
    review = workflow.submit(draft["id"])
    workflow.accept(review["id"])
    from invenio_requests.proxies import current_requests_service

    current_requests_service.indexer.refresh()
    workflow.pass_review(workflow.confidentiality_request(draft["id"])["id"])

    gate = client.get("/api/projects/2024YFS0001/gate", headers=researcher_token).get_json()
    byid = {c["id"]: c for c in gate["conditions"]}
    assert byid["dataset:soil"]["passed"] and byid["dataset:soil"]["records"] == [draft["id"]]
    assert not byid["dataset:water"]["passed"]
    assert byid["confidentiality"]["passed"]


def test_linking_rules(running_app, client, manager_token, researcher_token, workflow):
    """Unknown project, foreign depositor, key outside the plan: 400 naming the field."""
    client.post("/api/projects", json=project(pi="pm@test.example.org"), headers=manager_token)
    res = client.post("/api/records", json=deposit(project="NOPE-1"), headers=researcher_token)
    assert res.status_code == 400 and "custom_fields.cdtd:project" in field_errors(res)
    res = client.post("/api/records", json=deposit(project="2024YFS0001"),
                      headers=researcher_token)
    assert res.status_code == 400
    assert "CD-TD Art. 15" in field_errors(res)["custom_fields.cdtd:project"][0]


def test_acceptance_refused_while_gate_fails_override_recorded(
    running_app, client, manager, manager_token, researcher, UserFixture, db
):
    """No acceptance on a failing gate, except by a recorded override with a second approver."""
    res = client.post("/api/projects", json=project(), headers=manager_token)
    assert res.status_code == 201, res.get_json()
    url = "/api/projects/2024YFS0001/acceptance"
    res = client.post(url, json={"decision": "accepted"}, headers=manager_token)
    assert res.status_code == 400 and "override" in field_errors(res)
    assert "CD-TD Art. 15" in str(res.get_json())
    res = client.post(url, json={"decision": "accepted", "override": {
        "reason": "项目数据已线下移交市数据中心", "approver": manager.email}}, headers=manager_token)
    assert res.status_code == 400 and "override.approver" in field_errors(res)
    project_user(UserFixture, running_app, db, "pm2@test.example.org", "program-manager")
    res = client.post(url, json={"decision": "accepted", "comment": "特批", "override": {
        "reason": "项目数据已线下移交市数据中心", "approver": "pm2@test.example.org"}},
        headers=manager_token)
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["status"] == "accepted" and body["acceptance"]["overridden"] is True
    assert body["acceptance"]["gate"]["passed"] is False
    _refresh()
    res = client.get("/api/projects", query_string={"overridden": "true"}, headers=manager_token)
    assert [h["id"] for h in res.get_json()["hits"]["hits"]] == ["2024YFS0001"]


def test_overdue_detection_and_digest(running_app, client, manager_token, researcher,
                                      researcher_token, workflow, mailbox):
    """Past the due date owing deposits: listed (one of two datasets deposited too, issue 16
    item 7), one digest per person per period."""
    from techdata.projects.tasks import overdue_projects, send_overdue_digest

    client.post("/api/projects", json=project(number="OLD-1", acceptance_due="2025-06-30"),
                headers=manager_token)
    client.post("/api/projects", json=project(number="OLD-2", acceptance_due="2025-07-31"),
                headers=manager_token)
    client.post("/api/projects", json=project(number="NEW-1", acceptance_due="2099-01-01"),
                headers=manager_token)
    workflow.publish(deposit(project="OLD-2", project_dataset="soil"))  # water still owed
    _refresh()
    overdue = {p["number"]: p for p in overdue_projects()}
    assert "OLD-1" in overdue and "OLD-2" in overdue and "NEW-1" not in overdue
    assert (overdue["OLD-1"]["deposited"], overdue["OLD-2"]["deposited"]) == (0, 1)
    assert overdue["OLD-2"]["planned"] == 2
    from invenio_cache import current_cache

    current_cache.delete(f"techdata:overdue-digest:{researcher.email}")
    assert researcher.email in send_overdue_digest()
    digests = [m for m in mailbox if researcher.email in m.recipients]
    assert len(digests) == 1 and "OLD-1" in digests[0].body and "NEW-1" not in digests[0].body
    assert "OLD-2" in digests[0].body and "已汇交 deposited 1/2" in digests[0].body
    send_overdue_digest()  # the same day again: no second mail
    assert len([m for m in mailbox if researcher.email in m.recipients]) == 1


def test_certificate_then_gate_passes_and_acceptance_needs_no_override(
    running_app, client, manager_token, researcher_token, workflow
):
    """All planned data deposited and reviewed → certificate → gate passes → accepted."""
    client.post("/api/projects", json=project(number="2024YFS0009", plan=("soil",)),
                headers=manager_token)
    url = "/api/projects/2024YFS0009"
    res = client.post(f"{url}/certificate", headers=researcher_token)
    assert res.status_code == 400 and "尚未汇交" in str(res.get_json())  # nothing deposited

    rec = workflow.publish(deposit(project="2024YFS0009", project_dataset="soil"))
    res = client.post(f"{url}/certificate", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    cert_id = res.get_json()["id"]
    cert = client.get(f"/api/certificates/{cert_id}").get_json()
    assert cert["body"]["project"]["number"] == "2024YFS0009"
    assert [d["recid"] for d in cert["body"]["datasets"]] == [rec["id"]]
    verdict = client.post("/api/certificates/verify", json=cert).get_json()
    assert verdict["valid"] is True

    gate = client.get(f"{url}/gate", headers=manager_token).get_json()
    assert gate["passed"] is True, gate
    res = client.post(f"{url}/acceptance", json={"decision": "accepted"}, headers=manager_token)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["acceptance"]["overridden"] is False
    assert res.get_json()["status"] == "accepted"
