"""A project's status decision is in the audit trail (CD-TD Art. 15; issue 16)."""

from tests.audit.conftest import trail
from tests.helpers import program_manager, token_headers
from tests.projects.test_projects import project


def test_project_status_decision(audit_app, running_app, client, UserFixture, db, researcher):
    """``POST /api/projects/<n>/status`` is recorded with the status before and after."""
    manager = program_manager(UserFixture, audit_app, db, "pm-status@test.example.org")
    headers = token_headers(manager, db)
    res = client.post("/api/projects", json=project(number="AUD-STATUS-1"), headers=headers)
    assert res.status_code == 201, res.get_json()
    res = client.post("/api/projects/AUD-STATUS-1/status", headers=headers,
                      json={"status": "pending-acceptance", "comment": "材料齐全"})
    assert res.status_code == 200, res.get_json()
    (entry,) = [e for e in trail("AUD-STATUS-1") if e["action"] == "techdata.project.status"]
    assert entry["user"]["email"] == "pm-status@test.example.org"
    assert entry["metadata"]["after"] == {"status": "pending-acceptance"}
    assert entry["metadata"]["before"]["status"] != "pending-acceptance"
    assert entry["metadata"]["details"]["comment"] == "材料齐全"
