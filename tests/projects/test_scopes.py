"""Scoped readers of projects and the scoped overdue digest (issue 18; CD-TD Art. 8-9, 27).

A competent department's admin reads his department's projects and no other; an
entity's verified data admin those his entity leads; the overdue digest reaches
the bureau, the PI and the admins whose scope holds the project, nobody else.
"""

import pytest
from invenio_access.permissions import system_identity
from invenio_cache import current_cache

from techdata.entities.proxies import current_entities_service as entities
from techdata.kernel import roles
from tests.helpers import registered_user, token_headers, user_with_role
from tests.projects.test_projects import _refresh, project


@pytest.fixture()
def world(running_app, UserFixture, db):
    """Departments sd1, sd2; entities se1 (under sd1), se2 (under sd2); one overdue project of
    each; the admins of each scope, a platform entity-admin without scope, the PI."""
    for dep in ("sd1", "sd2"):
        entities.create_department(system_identity, {"id": dep, "name_zh": f"局{dep}"})
    for ent, dep in (("se1", "sd1"), ("se2", "sd2")):
        entities.create_entity(system_identity, {"id": ent, "name_zh": f"单位{ent}",
                                                 "kind": "institute", "department": dep})
    people = {
        "manager": user_with_role(UserFixture, running_app, db, "sc-pm@test.example.org",
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
    for number, dep, ent in (("SC-1", "sd1", "se1"), ("SC-2", "sd2", "se2")):
        res = client.post("/api/projects", headers=headers["manager"], json=project(
            number=number, pi=people["pi"].email, department=dep, lead_entity=ent,
            acceptance_due="2025-06-30"))
        assert res.status_code == 201, res.get_json()
    _refresh()
    return {"people": people, "headers": headers, "client": client}


def _numbers(client, headers):
    res = client.get("/api/projects", query_string={"size": 100}, headers=headers)
    assert res.status_code == 200, res.get_json()
    return {h["id"] for h in res.get_json()["hits"]["hits"]} & {"SC-1", "SC-2"}


def test_department_and_entity_admins_see_their_own_projects(world):
    """sd1's admin: SC-1 only; sd2's: SC-2; se2's data admin: SC-2; an entity-admin without a
    verified membership: none; a program manager: both."""
    client, h = world["client"], world["headers"]
    assert _numbers(client, h["dept1"]) == {"SC-1"}
    assert _numbers(client, h["dept2"]) == {"SC-2"}
    assert _numbers(client, h["ent2"]) == {"SC-2"}
    assert _numbers(client, h["unscoped"]) == set()
    assert _numbers(client, h["manager"]) == {"SC-1", "SC-2"}
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
    assert not [m for m in mailbox if people["unscoped"].email in m.recipients]
