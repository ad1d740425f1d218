"""Projects hold entity and department ids (issue 18): API writes map names, the import
refuses unknown ones, the set-up migration maps stored free text, pages show names."""

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_db import db as _db

from techdata.cli import techdata
from techdata.entities.proxies import current_entities_service as entities
from techdata.projects.entity_ids import map_stored_projects
from tests.projects.test_import import GOOD, HEADER
from tests.projects.test_projects import project


def _service():
    """The project service."""
    return current_app.extensions["techdata"].projects_service


def _entities():
    """四川大学 (scu), 电子科技大学 (a credit code) and the bureau kjj."""
    entities.create_department(system_identity, {"id": "kjj", "name_zh": "成都市科学技术局",
                                                 "name_en": "Chengdu Science and Technology Bureau"})
    entities.create_entity(system_identity, {"id": "scu", "name_zh": "四川大学",
                                             "name_en": "Sichuan University",
                                             "kind": "university", "department": "kjj"})
    entities.create_entity(system_identity, {"credit_code": "91350100M000100Y43",
                                             "name_zh": "电子科技大学", "kind": "university"})


def test_api_write_maps_names_and_codes_to_ids(running_app, client, db, manager_token,
                                               researcher):
    _entities()
    res = client.post("/api/projects", json=project(number="2024ENT01"), headers=manager_token)
    assert res.status_code == 201, res.get_json()
    assert (res.get_json()["lead_entity"], res.get_json()["department"]) == ("scu", "kjj")
    res = client.post("/api/projects", json=project(
        number="2024ENT02", lead_entity="9135 0100 M000100Y43"), headers=manager_token)
    assert res.get_json()["lead_entity"] == "91350100M000100Y43"


def test_import_maps_and_refuses_unknown(running_app, db, cli_runner, researcher, tmp_path):
    _entities()
    unknown = GOOD.replace("2025ZDYF0101", "2025ZDYF0199").replace("电子科技大学", "无名研究院")
    path = tmp_path / "projects.csv"
    path.write_text(HEADER + GOOD + unknown, encoding="utf-8")
    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert "created: 1" in result.output and "errors: 1" in result.output, result.output
    assert "row 3 (2025ZDYF0199): lead_entity:" in result.output
    assert "无名研究院" in result.output and "No entity" in result.output
    stored = _service().record_cls.pid.resolve("2025ZDYF0101")
    assert (stored["lead_entity"], stored["department"]) == ("91350100M000100Y43", "kjj")


def test_migration_maps_stored_free_text_and_lists_the_rest(running_app, db, client,
                                                            manager_token, researcher):
    # projects stored before entities existed: free text
    for number, name in (("2024MIG01", "四川大学"), ("2024MIG02", "某不存在单位")):
        res = client.post("/api/projects", json=project(number=number, lead_entity=name),
                          headers=manager_token)
        assert res.status_code == 201
    assert _service().record_cls.pid.resolve("2024MIG01")["lead_entity"] == "四川大学"
    _entities()
    mapped, unknown = map_stored_projects()
    assert mapped >= 1
    assert ("2024MIG02", "lead_entity", "某不存在单位") in unknown
    first = _service().record_cls.pid.resolve("2024MIG01")
    assert (first["lead_entity"], first["department"]) == ("scu", "kjj")
    assert _service().record_cls.pid.resolve("2024MIG02")["lead_entity"] == "某不存在单位"
    again, still = map_stored_projects()
    assert again == 0 and ("2024MIG02", "lead_entity", "某不存在单位") in still
    _service().indexer.refresh()
    hits = _service().search(system_identity, params={"q": "2024MIG01"}).hits
    assert [h["lead_entity"] for h in hits] == ["scu"]


def test_project_page_shows_the_name(running_app, app, db, client, manager, manager_token,
                                     researcher):
    _entities()
    client.post("/api/projects", json=project(number="2024ENT03"), headers=manager_token)
    _service().indexer.refresh()
    c = app.test_client()
    manager.login(c)
    html = c.get("/projects/2024ENT03").get_data(as_text=True)
    assert 'data-entity="scu"' in html and ">四川大学<" in html and "成都市科学技术局" in html
    html = c.get("/projects/").get_data(as_text=True)
    assert ">四川大学<" in html
    assert _db  # the session the fixtures share
