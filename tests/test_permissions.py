"""A competent department's admins read the not-opened metadata of their department's
datasets only (issue 18; CD-TD Art. 8; ``techdata.permissions.DepartmentOversight``).

Datasets are 不予开放 and shared on conditions (so no 无条件共享 reaches every government
unit): one naming department A as responsible department, one provided by an entity A
supervises, one of department B. A's admin reads the first two and not the third, B's
admin the third only, the role without a department none; in record GET, record search
and the resource directory (search, one entry, export). The bureau keeps the whole view.
"""

import pytest
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service

from techdata.entities.proxies import current_entities_service as entities
from techdata.kernel import roles
from tests.access.conditional import CONDITIONAL
from tests.access.filing import NOT_OPENED
from tests.helpers import deposit, make_workflow, registered_user, token_headers, user_with_role

MARKERS = {"dep": "DRDEPQ3K", "ent": "DRENTQ3K", "other": "DROTHERQ3K"}
"""Dataset → the marker in its title."""

SHARED_ON_CONDITIONS = {k: v for k, v in CONDITIONAL.items() if k.startswith("sharing")}


@pytest.fixture(scope="module")
def world(running_app, UserFixture, database):
    """Departments dr-a, dr-b; entity dr-ent-a under dr-a; the three datasets; the readers."""
    db = database
    for dep in ("dr-a", "dr-b"):
        entities.create_department(system_identity, {"id": dep, "name_zh": f"部门{dep}"})
    entities.create_entity(system_identity, {"id": "dr-ent-a", "name_zh": "甲部门所属单位",
                                             "kind": "institute", "department": "dr-a"})
    db.session.commit()
    h = {}
    for name, dep in (("dept_a", "dr-a"), ("dept_b", "dr-b"), ("dept_none", None)):
        user = user_with_role(UserFixture, running_app, db, f"dr-{name}@test.example.org",
                              roles.DEPARTMENT_ADMIN)
        if dep:
            entities.add_department_admin(system_identity, dep, user.user.id)
            db.session.commit()
        h[name] = token_headers(user, db, name="dr")
    h["bureau"] = token_headers(user_with_role(UserFixture, running_app, db,
                                               "dr-bureau@test.example.org", roles.BUREAU),
                                db, name="dr")
    owner = registered_user(UserFixture, running_app, db, "dr-owner@test.example.org",
                            "Dept-Test-2026")
    client = running_app.test_client()
    flow = make_workflow(running_app, db, client, token_headers(owner, db, name="dr"), tag="dr")
    custom = {"dep": {"responsible_department": {"id": "dr-a"}},
              "ent": {"providing_entity": {"id": "dr-ent-a"}},
              "other": {"responsible_department": {"id": "dr-b"}}}
    ids = {}
    for key, marker in MARKERS.items():
        ids[key] = flow.publish(deposit(title=f"部门范围 {marker} 数据集", **NOT_OPENED,
                                        **SHARED_ON_CONDITIONS, **custom[key]))["id"]
    current_rdm_records_service.indexer.refresh()
    return {"h": h, "client": client, "ids": ids}


def _seen(text):
    """The markers found in ``text``."""
    return {key for key, marker in MARKERS.items() if marker in text}


EXPECTED = {"dept_a": {"dep", "ent"}, "dept_b": {"other"}, "dept_none": set(),
            "bureau": {"dep", "ent", "other"}}


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_record_get_and_search_follow_the_department(world, reader):
    """GET each record: 200 only for the reader's department's datasets; search likewise."""
    client, headers = world["client"], world["h"][reader]
    got = {key for key, recid in world["ids"].items()
           if client.get(f"/api/records/{recid}", headers=headers).status_code == 200}
    assert got == EXPECTED[reader]
    for key in set(MARKERS) - EXPECTED[reader]:
        status = client.get(f"/api/records/{world['ids'][key]}", headers=headers).status_code
        assert status in (403, 404), (key, status)
    res = client.get("/api/records", query_string={"q": "部门范围", "size": 50}, headers=headers)
    assert res.status_code == 200
    assert _seen(res.get_data(as_text=True)) == EXPECTED[reader]


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_resource_directory_follows_the_department(world, reader):
    """Search, export and one entry of the resource directory: the reader's part only."""
    client, headers = world["client"], world["h"][reader]
    res = client.get("/api/directories/resource/entries",
                     query_string={"q": "部门范围", "size": 100}, headers=headers)
    assert res.status_code == 200, res.get_json()
    assert _seen(res.get_data(as_text=True)) == EXPECTED[reader]
    res = client.get("/api/directories/resource/entries/export?format=json", headers=headers)
    assert res.status_code == 200
    assert _seen(res.get_data(as_text=True)) == EXPECTED[reader]


def test_one_directory_entry_of_another_department_is_not_found(world):
    """A's entry: A's admin reads it, B's admin gets a 404 (no hint it exists)."""
    client, h = world["client"], world["h"]
    hits = client.get("/api/directories/resource/entries", query_string={"q": MARKERS["dep"]},
                      headers=h["bureau"]).get_json()["hits"]["hits"]
    assert len(hits) == 1
    entry_id = hits[0]["entry_id"]
    url = f"/api/directories/resource/entries/{entry_id}"
    assert client.get(url, headers=h["dept_a"]).status_code == 200
    res = client.get(url, headers=h["dept_b"])
    assert res.status_code == 404 and MARKERS["dep"] not in res.get_data(as_text=True)
