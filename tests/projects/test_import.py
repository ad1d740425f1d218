"""Importing projects from the program-management system (CSV, XLSX)."""

import pytest
from flask import current_app
from invenio_access.permissions import system_identity

from techdata.entities.proxies import current_entities_service

from techdata.cli import techdata

HEADER = "项目编号,项目名称,英文名称,计划类别,资金来源,经费（万元）,承担单位,主管部门,项目负责人邮箱,项目成员邮箱,开始日期,结束日期,验收日期,状态,汇交计划\n"
GOOD = ("2025ZDYF0101,成都市智能制造数据平台,Smart manufacturing data,重点研发计划,财政资金,80,"
        "电子科技大学,成都市科学技术局,researcher@test.example.org,,2025-01-01,2026-12-31,"
        "2027-03-31,在研,plat:平台运行数据；survey:企业调查数据\n")
GOOD2 = ("2025ZDYF0102,川西林盘生态监测,,重点研发计划,社会资金,35.5,四川农业大学,,"
         "researcher@test.example.org,,2025-03-01,2026-02-28,2026-05-31,待验收,eco:生态监测数据\n")
BAD = ("2025ZDYF0103,坏行,,重点研发计划,财政资金,10,某单位,,nobody@example.org,,"
       "2025-01-01,2024-01-01,2026-13-40,完成,\n")


def create_entities():
    """The entities and departments the rows name (issue 18: projects hold their ids)."""
    for dept in ({"id": "kjj", "name_zh": "成都市科学技术局"},):
        current_entities_service.create_department(system_identity, dept)
    for entity in ({"id": "uestc", "name_zh": "电子科技大学", "kind": "university"},
                   {"id": "sicau", "name_zh": "四川农业大学", "kind": "university"},
                   {"id": "swjtu", "name_zh": "西南交通大学", "kind": "university"}):
        current_entities_service.create_entity(system_identity, entity)


@pytest.fixture(autouse=True)
def entities(running_app, db):
    """The entities of :func:`create_entities`, for every test here."""
    create_entities()


def _service():
    """The project service."""
    return current_app.extensions["techdata"].projects_service


def test_csv_dry_run_import_and_reimport(running_app, db, cli_runner, researcher, tmp_path):
    """Dry run stores nothing; bad rows are named; re-import updates, keeps decisions."""
    path = tmp_path / "projects.csv"
    path.write_text("\ufeff" + HEADER + GOOD + GOOD2 + BAD, encoding="utf-8")

    result = cli_runner(techdata, None, "projects", "import", str(path), "--dry-run")
    assert result.exit_code == 1  # a bad row
    assert "would create: 2" in result.output
    assert "row 4 (2025ZDYF0103)" in result.output
    for field in ("pi", "acceptance_due", "status"):
        assert f": {field}:" in result.output, field
    assert not _service().exists("2025ZDYF0101")

    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert "created: 2" in result.output and "errors: 1" in result.output
    project = _service().record_cls.pid.resolve("2025ZDYF0101")
    assert project["funding_source"] == "government" and project["status"] == "in-progress"
    assert [p["key"] for p in project["plan"]] == ["plat", "survey"]
    assert project["pi"]["email"] == researcher.email
    assert not _service().exists("2025ZDYF0103")

    # A decision recorded in between survives the next import.
    project["acceptance"] = {"decision": "rejected", "comment": "数据不全"}
    project.commit()
    db.session.commit()
    path.write_text(HEADER + GOOD.replace("80,", "95,") + GOOD2, encoding="utf-8")
    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "created: 0; updated: 2; errors: 0" in result.output
    project = _service().record_cls.pid.resolve("2025ZDYF0101")
    assert project["budget"] == 95 and project["acceptance"]["decision"] == "rejected"


def test_import_moves_status_by_decisions_only(running_app, db, cli_runner, researcher, tmp_path):
    """待验收 in a row is a recorded status decision; 已验收 is refused naming status (CD-TD Art. 15)."""
    path = tmp_path / "projects.csv"
    path.write_text(HEADER + GOOD + GOOD2, encoding="utf-8")
    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert result.exit_code == 0, result.output
    project = _service().record_cls.pid.resolve("2025ZDYF0102")
    assert project["status"] == "pending-acceptance"
    assert [(t["from"], t["to"]) for t in project["transitions"]] == [
        ("in-progress", "pending-acceptance")]

    path.write_text(HEADER + GOOD.replace(",在研,", ",已验收,") + GOOD2, encoding="utf-8")
    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert "errors: 1" in result.output and ": status:" in result.output, result.output
    assert _service().record_cls.pid.resolve("2025ZDYF0101")["status"] == "in-progress"
    assert len(_service().record_cls.pid.resolve("2025ZDYF0102")["transitions"]) == 1


def test_xlsx_import(running_app, db, cli_runner, researcher, tmp_path):
    """The same columns from an XLSX workbook, with real date cells."""
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["2025XLSX001", "XLSX导入的项目", "", "重点研发计划", "财政资金", 12,
                  "西南交通大学", "", "researcher@test.example.org", "", date(2025, 1, 1),
                  date(2025, 12, 31), date(2026, 3, 31), "在研", "a:数据集甲"])
    path = tmp_path / "projects.xlsx"
    book.save(path)
    result = cli_runner(techdata, None, "projects", "import", str(path))
    assert result.exit_code == 0, result.output
    project = _service().record_cls.pid.resolve("2025XLSX001")
    assert project["acceptance_due"] == "2026-03-31" and project["budget"] == 12


def test_import_page(running_app, db, client, researcher, UserFixture):
    """A program manager uploads a file: dry run report with row errors, then the import."""
    import io

    from invenio_accounts.proxies import current_datastore

    from techdata.demo.loader import ensure_roles

    ensure_roles()
    pm = UserFixture(email="pm-import@test.example.org", password="Project-Test-2026")
    pm.create(running_app, db)
    current_datastore.add_role_to_user(pm.user, "program-manager")
    db.session.commit()
    from invenio_access.permissions import system_identity

    from techdata.entities.proxies import current_entities_service

    current_entities_service.add_program_manager(system_identity, "重点研发计划", pm.user.id)

    researcher.login(client)
    assert client.get("/projects/import").status_code == 403  # not a manager
    client = running_app.test_client()
    pm.login(client)
    data = (HEADER + GOOD + BAD).encode("utf-8")
    res = client.post("/projects/import", data={
        "file": (io.BytesIO(data), "p.csv"), "dry_run": "1"}, content_type="multipart/form-data")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "试运行" in html and "2025ZDYF0103" in html
    assert not _service().exists("2025ZDYF0101")
    # a row of a programme he does not run is a row error (CD-TD Art. 8-9)
    other = GOOD.replace("2025ZDYF0101", "2025RKX0001").replace("重点研发计划", "软科学研究计划")
    res = client.post("/projects/import", data={
        "file": (io.BytesIO((HEADER + other).encode("utf-8")), "p.csv"), "dry_run": "1"},
        content_type="multipart/form-data")
    html = res.get_data(as_text=True)
    assert "2025RKX0001" in html and "不是您负责的科技计划" in html
    res = client.post("/projects/import", data={"file": (io.BytesIO(data), "p.csv")},
                      content_type="multipart/form-data")
    assert res.status_code == 200 and _service().exists("2025ZDYF0101")
    res = client.post("/projects/import", data={"file": (io.BytesIO(b"\x00\xff"), "p.xlsx")},
                      content_type="multipart/form-data")
    assert res.status_code == 200 and "无法读取文件" in res.get_data(as_text=True)
