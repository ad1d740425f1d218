"""Findings proposed from the existing clocks (CD-TD Art. 27; issue 16 item 6)."""

from invenio_access.permissions import system_identity

from techdata.audit.violations import current_violation_service
from techdata.kernel import roles
from tests.helpers import token_headers, user_with_role
from tests.projects.test_projects import _refresh, project


def test_overdue_project_is_proposed_until_registered(audit_app, running_app, client,
                                                      UserFixture, db, researcher, bureau):
    """A project past its acceptance date with nothing deposited is proposed, once."""
    manager = user_with_role(UserFixture, audit_app, db, "pm-cand@test.example.org",
                             roles.PROGRAM_MANAGER)
    res = client.post("/api/projects", json=project(number="AUD-CAND-1"),
                      headers=token_headers(manager, db))
    assert res.status_code == 201, res.get_json()
    _refresh()
    proposed = {c["project"]: c for c in current_violation_service.candidates(system_identity)}
    assert "AUD-CAND-1" in proposed
    found = proposed["AUD-CAND-1"]
    assert found["kind"] == "not_deposited" and found["entity"]

    ui = audit_app.test_client()
    bureau.login(ui)
    page = ui.get("/audit/violations/").get_data(as_text=True)
    assert 'data-project="AUD-CAND-1"' in page
    res = ui.post("/audit/violations/", data={**found, "csrf_token": ""})
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    projects = [c["project"] for c in current_violation_service.candidates(system_identity)]
    assert "AUD-CAND-1" not in projects
