"""Findings proposed from the existing clocks (CD-TD Art. 27; issue 16 item 6)."""

import uuid
from datetime import datetime, timedelta

from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_requests.records.models import RequestMetadata

from techdata.audit.violations import current_violation_service
from techdata.directory import store
from tests.helpers import program_manager, token_headers
from tests.directory.test_forms_csrf import ENTRY
from tests.projects.test_projects import _refresh, project


def test_overdue_project_is_proposed_until_registered(audit_app, running_app, client,
                                                      UserFixture, db, researcher, bureau):
    """A project past its acceptance date with nothing deposited is proposed, once."""
    manager = program_manager(UserFixture, audit_app, db, "pm-cand@test.example.org")
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


def _outside_request(status, payload, title):
    """A request from outside as invenio-requests stores it (clock fields as clock.py writes)."""
    rid = uuid.uuid4()
    db.session.add(RequestMetadata(id=rid, json={
        "type": "conditional-access", "status": status, "title": title, "payload": payload,
        "topic": {}, "receiver": {"group": "x"}, "created_by": {"user": "1"}}))
    db.session.commit()
    return str(rid)


def test_late_answers_and_unchecked_entries_are_proposed_until_registered(audit_app, db):
    """A request answered after its due date (or unanswered past it) proposes a late answer
    (CD-PD Art. 46; QY Art. 32); a directory entry past its check date proposes an unchecked
    entry (QY Art. 8, 32); on time, withdrawn or checked proposes nothing; registered, gone."""
    march = {"received_on": "2026-03-02", "due_date": "2026-03-23"}
    late = _outside_request("declined", {**march, "clock": "stopped",
                                         "answered_on": "2026-03-25"}, "cand late")
    on_time = _outside_request("accepted", {**march, "clock": "stopped",
                                            "answered_on": "2026-03-13"}, "cand on time")
    withdrawn = _outside_request("cancelled", {**march, "clock": "stopped",
                                               "answered_on": "2026-03-30"}, "cand withdrawn")
    running = _outside_request("submitted", {**march, "clock": "running"}, "cand running")
    unchecked = store.upsert_entry(ENTRY, "catalogued", entry_id="c-cand-1")
    unchecked.last_checked = datetime.utcnow() - timedelta(days=400)
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-cand-2")  # checked just now
    db.session.commit()

    proposed = current_violation_service.candidates(system_identity)
    by_ref = {c["description"].split("]")[0][1:]: c for c in proposed
              if c["description"].startswith("[")}
    for rid in (late, running):
        found = by_ref[f"request {rid}"]
        assert found["kind"] == "late_answer" and found["article"] == "CD-PD Art. 46; QY Art. 32"
        assert "due 2026-03-23" in found["description"]
    assert "answered 2026-03-25" in by_ref[f"request {late}"]["description"]
    assert f"request {on_time}" not in by_ref and f"request {withdrawn}" not in by_ref
    (entry,) = [c for c in by_ref.values() if c["kind"] == "directory_unchecked"
                and "c-cand-" in c["description"]]
    assert entry["description"].startswith("[directory c-cand-1 check ")
    assert entry["article"] == "QY Art. 8, 32" and entry["entity"] == "scu"

    for found in (by_ref[f"request {late}"], entry):
        current_violation_service.register(system_identity, found)
    again = {c["description"] for c in current_violation_service.candidates(system_identity)}
    assert not any(d.startswith(f"[request {late}]") or "c-cand-1" in d for d in again)
    assert any(d.startswith(f"[request {running}]") for d in again)
