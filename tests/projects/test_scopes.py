"""Scoped readers of projects and the scoped overdue digest (issue 18; CD-TD Art. 8-9, 27).

A competent department's admin reads his department's projects and no other; an
entity's verified data admin those his entity leads; a program manager those of
his programmes, and decides only those (CD-TD Art. 8-9, 15); the overdue digest
reaches the bureau, the PI and the admins whose scope holds the project, nobody else.
"""

import pytest
from invenio_access.permissions import system_identity
from invenio_cache import current_cache

from techdata.entities.proxies import current_entities_service as entities
from techdata.kernel import roles
from techdata.kernel.time import today
from techdata.projects.proxies import current_projects_service
from tests.entities.conftest import identity_of
from tests.helpers import PROGRAM, program_manager, registered_user, token_headers, user_with_role
from tests.projects.test_projects import _refresh, project


OTHER_PROGRAM = "软科学研究计划"
"""A programme the test manager does not run."""


@pytest.fixture()
def world(running_app, UserFixture, db):
    """Departments sd1, sd2; entities se1 (under sd1), se2 (under sd2); one overdue project of
    each (SC-1 in PROGRAM, SC-2 in OTHER_PROGRAM); the admins of each scope, PROGRAM's
    manager, a program manager without programme, a platform entity-admin without scope,
    the PI."""
    for dep in ("sd1", "sd2"):
        entities.create_department(system_identity, {"id": dep, "name_zh": f"局{dep}"})
    for ent, dep in (("se1", "sd1"), ("se2", "sd2")):
        entities.create_entity(system_identity, {"id": ent, "name_zh": f"单位{ent}",
                                                 "kind": "institute", "department": dep})
    people = {
        "manager": program_manager(UserFixture, running_app, db, "sc-pm@test.example.org",
                                   PROGRAM),
        "pm-none": user_with_role(UserFixture, running_app, db, "sc-pm0@test.example.org",
                                  roles.PROGRAM_MANAGER),
        "pi": registered_user(UserFixture, running_app, db, "sc-pi@test.example.org",
                              "Scope-Test-2026"),
        "dept1": user_with_role(UserFixture, running_app, db, "sc-dept1@test.example.org",
                                roles.DEPARTMENT_ADMIN),
        "dept2": user_with_role(UserFixture, running_app, db, "sc-dept2@test.example.org",
                                roles.DEPARTMENT_ADMIN),
        "ent2": user_with_role(UserFixture, running_app, db, "sc-ent2@test.example.org",
                               roles.ENTITY_ADMIN),
        "unscoped": user_with_role(UserFixture, running_app, db, "sc-any@test.example.org",
                                   roles.ENTITY_ADMIN),
        "bureau": user_with_role(UserFixture, running_app, db, "sc-bureau@test.example.org",
                                 roles.BUREAU),
    }
    entities.add_department_admin(system_identity, "sd1", people["dept1"].user.id)
    entities.add_department_admin(system_identity, "sd2", people["dept2"].user.id)
    m = entities.request_membership(system_identity, "se2", "data-admin",
                                    user_id=people["ent2"].user.id)
    entities.verify_membership(system_identity, m["id"], True)
    db.session.commit()
    headers = {k: token_headers(u, db, name="scope") for k, u in people.items()}
    client = running_app.test_client()
    for number, dep, ent, program in (("SC-1", "sd1", "se1", PROGRAM),
                                      ("SC-2", "sd2", "se2", OTHER_PROGRAM)):
        res = client.post("/api/projects", headers=headers["bureau"], json=project(
            number=number, pi=people["pi"].email, department=dep, lead_entity=ent,
            acceptance_due="2025-06-30", program=program))
        assert res.status_code == 201, res.get_json()
    _refresh()
    return {"people": people, "headers": headers, "client": client}


def _numbers(client, headers):
    res = client.get("/api/projects", query_string={"size": 100}, headers=headers)
    assert res.status_code == 200, res.get_json()
    return {h["id"] for h in res.get_json()["hits"]["hits"]} & {"SC-1", "SC-2"}


def test_department_and_entity_admins_see_their_own_projects(world):
    """sd1's admin: SC-1 only; sd2's: SC-2; se2's data admin: SC-2; an entity-admin without a
    verified membership: none; PROGRAM's manager: SC-1; a manager of no programme: none."""
    client, h = world["client"], world["headers"]
    assert _numbers(client, h["dept1"]) == {"SC-1"}
    assert _numbers(client, h["dept2"]) == {"SC-2"}
    assert _numbers(client, h["ent2"]) == {"SC-2"}
    assert _numbers(client, h["unscoped"]) == set()
    assert _numbers(client, h["manager"]) == {"SC-1"}
    assert _numbers(client, h["pm-none"]) == set()
    assert client.get("/api/projects/SC-2", headers=h["dept1"]).status_code == 403
    assert client.get("/api/projects/SC-1", headers=h["dept1"]).status_code == 200


def test_overdue_digest_reaches_only_the_scoped_people(world, mailbox):
    """Each scoped admin gets his own projects; the unscoped entity-admin gets nothing."""
    from techdata.projects.tasks import send_overdue_digest

    people = world["people"]
    for user in people.values():
        current_cache.delete(f"techdata:overdue-digest:{user.email}")
    sent = send_overdue_digest()
    assert people["unscoped"].email not in sent

    def body(name):
        mails = [m for m in mailbox if people[name].email in m.recipients]
        assert len(mails) == 1, name
        return mails[0].body

    assert "SC-1" in body("dept1") and "SC-2" not in body("dept1")
    assert "SC-2" in body("dept2") and "SC-1" not in body("dept2")
    assert "SC-2" in body("ent2") and "SC-1" not in body("ent2")
    assert "SC-1" in body("bureau") and "SC-2" in body("bureau")
    assert "SC-1" in body("pi") and "SC-2" in body("pi")
    assert "SC-1" in body("manager") and "SC-2" not in body("manager")
    assert not [m for m in mailbox if people["pm-none"].email in m.recipients]
    assert not [m for m in mailbox if people["unscoped"].email in m.recipients]


def test_program_manager_decides_only_his_programmes_projects(world):
    """CD-TD Art. 8-9, 15: PROGRAM's manager reads, lists as overdue, changes and decides SC-1;
    SC-2 (another programme) is 403 for each, and he registers projects only in PROGRAM."""
    client, h, people = world["client"], world["headers"], world["people"]
    manager = h["manager"]
    assert client.get("/api/projects/SC-1", headers=manager).status_code == 200
    assert client.get("/api/projects/SC-2", headers=manager).status_code == 403
    for number, code in (("SC-2", 403), ("SC-1", 200)):
        res = client.post(f"/api/projects/{number}/status", headers=manager,
                          json={"status": "pending-acceptance"})
        assert res.status_code == code, (number, res.get_json())
        res = client.post(f"/api/projects/{number}/acceptance", headers=manager,
                          json={"decision": "rejected", "comment": "材料不全"})
        assert res.status_code == code, (number, res.get_json())
    assert client.get("/api/projects/SC-1", headers=h["pm-none"]).status_code == 403
    # registering or moving a project into another programme: refused
    res = client.post("/api/projects", headers=manager, json=project(
        number="SC-3", pi=people["pi"].email, program=OTHER_PROGRAM))
    assert res.status_code == 403
    res = client.post("/api/projects", headers=manager, json=project(
        number="SC-3", pi=people["pi"].email, program=PROGRAM))
    assert res.status_code == 201, res.get_json()
    data = client.get("/api/projects/SC-3", headers=manager).get_json()
    data["program"] = OTHER_PROGRAM
    assert client.put("/api/projects/SC-3", headers=manager, json=data).status_code == 403
    # the overdue list (the page's and the export's rows): his programme's projects only
    rows = current_projects_service.overview(identity_of(people["manager"]), today(),
                                             overdue_only=True)
    assert {r["number"] for r in rows} & {"SC-1", "SC-2"} == {"SC-1"}
