"""The register of violations and rectification (CD-TD Art. 27; CD-PD Art. 46; QY Art. 32)."""

import csv
import io
from datetime import date

import pytest
from flask_principal import Identity, UserNeed
from invenio_access.permissions import authenticated_user, system_identity
from sqlalchemy import text

from techdata.audit.violations import current_violation_service
from techdata.kernel.errors import DomainError
from techdata.kernel.scopes import DATA_ADMIN, ENTITY, scope_need
from techdata.kernel.time import today
from techdata.workdays.calendar import working_days
from tests.audit.conftest import trail
from tests.helpers import field_errors, registered_user, token_headers

FOUND = "2026-09-30"
"""The day before the National Day week: 15 working days run to 2026-10-27 (README)."""


def finding(entity="91510100MA-VIOL-A", **over):
    """A finding's REST body."""
    body = {"entity": entity, "project": "CDKJ-2024-001", "kind": "not_deposited",
            "found_on": FOUND, "description": "验收前未汇交项目数据 / not deposited",
            "rectify_days": 15}
    body.update(over)
    return body


def test_bureau_registers_follows_up_and_closes(audit_app, bureau_token, db):
    """Register → deadline in working days → follow-up → close; each act in the trail."""
    client = audit_app.test_client()
    res = client.post("/api/audit/violations", json=finding(), headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    found = res.get_json()
    assert found["article"] == "CD-TD Art. 15, 27"
    assert found["due_on"] == "2026-10-27"  # National Day week and the 调休 Saturday
    assert found["due_on"] == working_days().add_working_days(date(2026, 9, 30), 15).isoformat()
    assert found["status"] == "open" and found["overdue"] is (today() > date(2026, 10, 27))
    vid = found["id"]

    res = client.post(f"/api/audit/violations/{vid}/follow-up", json={"note": "已督促"},
                      headers=bureau_token)
    assert res.status_code == 200 and res.get_json()["follow_up"][0]["note"] == "已督促"
    res = client.post(f"/api/audit/violations/{vid}/close",
                      json={"rectified_on": "2026-10-20", "rectification": "已补交"},
                      headers=bureau_token)
    assert res.status_code == 200, res.get_json()
    closed = res.get_json()
    assert closed["status"] == "rectified" and closed["on_time"] is True
    res = client.post(f"/api/audit/violations/{vid}/close",
                      json={"rectified_on": "2026-10-21", "rectification": "again"},
                      headers=bureau_token)
    assert res.status_code == 400 and "status" in field_errors(res)

    entries = trail(str(vid))
    by_action = {e["action"]: e for e in entries if e["resource"]["type"] == "violation"}
    assert set(by_action) == {"techdata.violation.register", "techdata.violation.follow_up",
                              "techdata.violation.close"}
    reg = by_action["techdata.violation.register"]
    assert reg["user"]["email"] == "bureau@test.example.org"
    assert reg["metadata"]["after"]["due_on"] == "2026-10-27"
    assert reg["metadata"]["details"]["entity"] == "91510100MA-VIOL-A"
    close = by_action["techdata.violation.close"]
    assert close["metadata"]["before"]["status"] == "open"
    assert close["metadata"]["after"] == {"status": "rectified", "rectified_on": "2026-10-20",
                                          "on_time": True}


def test_bad_input_names_the_field(audit_app, bureau_token):
    """Unknown kind, a future date, zero days, no entity: 400 naming each field."""
    client = audit_app.test_client()
    res = client.post("/api/audit/violations", headers=bureau_token, json=finding(
        entity="  ", kind="bad", found_on="2999-01-01", rectify_days=0))
    assert res.status_code == 400
    errors = field_errors(res)
    assert {"entity", "kind", "rectify_days"} <= set(errors), errors
    res = client.post("/api/audit/violations", headers=bureau_token,
                      json=finding(found_on="2999-01-01"))
    assert res.status_code == 400 and "found_on" in field_errors(res)
    assert "未来" in field_errors(res)["found_on"][0]  # bilingual: Chinese first
    res = client.post("/api/audit/violations", headers=bureau_token, data="[1]",
                      content_type="application/json")
    assert res.status_code == 400
    assert client.get("/api/audit/violations/99999999", headers=bureau_token).status_code == 404


def test_entity_admins_see_their_entitys_only(audit_app, bureau_token, UserFixture, db,
                                              researcher_token):
    """A data administrator reads their entity's findings, not another's; cannot register."""
    client = audit_app.test_client()
    mine = client.post("/api/audit/violations", headers=bureau_token,
                       json=finding(entity="ENT-SCOPE-A")).get_json()
    other = client.post("/api/audit/violations", headers=bureau_token,
                        json=finding(entity="ENT-SCOPE-B")).get_json()
    admin = registered_user(UserFixture, audit_app, db, "scope-admin@test.example.org",
                            "Scope-Admin-2026")
    # without the scope: refused
    assert client.get("/api/audit/violations", headers=token_headers(admin, db)).status_code == 403
    assert client.get("/api/audit/violations", headers=researcher_token).status_code == 403

    identity = Identity(admin.id)
    identity.provides.update({UserNeed(admin.id), authenticated_user,
                              scope_need(ENTITY, "ENT-SCOPE-A", DATA_ADMIN)})
    svc = current_violation_service
    assert {v["entity"] for v in svc.search(identity)} == {"ENT-SCOPE-A"}
    assert svc.read(identity, mine["id"])["entity"] == "ENT-SCOPE-A"
    assert svc.count(2026, "ENT-SCOPE-A", identity=identity)["registered"] >= 1
    for refused in (lambda: svc.read(identity, other["id"]),
                    lambda: svc.count(2026, "ENT-SCOPE-B", identity=identity),
                    lambda: svc.count(2026, identity=identity),
                    lambda: svc.register(identity, finding("ENT-SCOPE-A")),
                    lambda: svc.close(identity, mine["id"], {"rectified_on": FOUND,
                                                             "rectification": "x"})):
        with pytest.raises(DomainError) as err:
            refused()
        assert err.value.code in (401, 403)  # 401 outside a request (no one logged in)

    # the page, logged in, without the scope: refused
    admin.login(client)
    assert client.get("/audit/violations/").status_code == 403
    assert client.get(f"/audit/violations/{other['id']}").status_code == 403


def test_counts_for_evaluation(audit_app, db):
    """Registered, rectified (on time or late), open and overdue of a year, per entity."""
    svc = current_violation_service
    entity = "ENT-COUNT"
    a = svc.register(system_identity, finding(entity, found_on="2025-03-03", rectify_days=5))
    b = svc.register(system_identity, finding(entity, found_on="2025-03-03", rectify_days=5))
    svc.register(system_identity, finding(entity, found_on="2025-06-02", rectify_days=5))
    svc.register(system_identity, finding(entity, found_on="2024-06-03", rectify_days=5))
    svc.close(system_identity, a["id"], {"rectified_on": "2025-03-05", "rectification": "ok"})
    svc.close(system_identity, b["id"], {"rectified_on": "2025-04-30", "rectification": "late"})
    assert svc.count(2025, entity) == {"registered": 3, "rectified": 2, "rectified_on_time": 1,
                                       "open": 1, "overdue": 1}
    assert svc.count(2024, entity)["registered"] == 1
    assert svc.count_by_entity(2025)[entity]["rectified_on_time"] == 1
    assert svc.count(2025)["registered"] >= 3


def test_bureau_uses_the_pages_by_clicking(audit_app, bureau, db):
    """From the audit page to the register; register, close, export (CSV)."""
    client = audit_app.test_client()
    bureau.login(client)
    page = client.get("/audit/").get_data(as_text=True)
    assert 'href="/audit/violations/"' in page
    page = client.get("/audit/violations/").get_data(as_text=True)
    assert 'id="violation-register"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    res = client.post("/audit/violations/", data={**finding("ENT-PAGE"), "project": "",
                                                   "csrf_token": token})
    assert res.status_code == 302, res.get_data(as_text=True)
    detail = client.get(res.headers["Location"])
    html = detail.get_data(as_text=True)
    assert 'data-status="open"' in html and "2026-10-27" in html
    vid = html.split('data-violation="')[1].split('"')[0]
    res = client.post(f"/audit/violations/{vid}/close", data={
        "rectified_on": "2026-10-28", "rectification": "已补交", "csrf_token": token})
    assert res.status_code == 302
    html = client.get(f"/audit/violations/{vid}").get_data(as_text=True)
    assert 'data-status="rectified"' in html
    res = client.post(f"/audit/violations/{vid}/follow-up", data={"note": "x", "csrf_token": token})
    assert res.status_code == 400  # a closed finding takes no more follow-up
    res = client.get("/audit/violations/export.csv", query_string={"entity": "ENT-PAGE"})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][1] == "ENT-PAGE"
    res = client.get("/audit/violations/", query_string={"year": "abc"})
    assert res.status_code == 400 and "year" in res.get_data(as_text=True)


def test_findings_are_never_deleted(audit_app, db):
    """The database refuses DELETE on the register (evidence)."""
    found = current_violation_service.register(system_identity, finding("ENT-KEEP"))
    with pytest.raises(Exception, match="kept as evidence"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM techdata_audit_violation WHERE id = :id"),
                               {"id": found["id"]})
    db.session.rollback()
