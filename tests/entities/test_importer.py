"""CSV/XLSX import of entities: rows created or updated, bilingual row errors, the command."""

import io

from invenio_access.permissions import system_identity
from openpyxl import Workbook

from techdata.entities.cli import entities_cli
from techdata.entities.importer import import_entities
from techdata.entities.proxies import current_entities_service as service
from techdata.kernel.tables import read_rows

from .conftest import CODE_A

CSV = """统一社会信用代码,单位名称,英文名称,单位类型,主管部门,第一责任人,第一责任人联系方式
91510100MA61R4X2X8,丙科技有限公司,Gamma Tech,企业,成都市二局,王五,028-5555
91350100M000100Y43,甲科技有限公司,Alpha Tech Co.,企业,d1,赵六,
91510100MA61R4X2X9,丁公司,,企业,,,
,戊公司,,企业,,,
91510100MA6CXXXXXX,己公司,,商店,无此部门,,
"""


def test_import_rows_and_errors(running_app, db, entities):
    rows = list(read_rows(io.BytesIO(CSV.encode("utf-8-sig")), filename="e.csv"))
    dry = import_entities(service, rows, dry_run=True)
    assert dry.created == ["91510100MA61R4X2X8"] and dry.updated == [CODE_A]
    assert service.resolve_entity("丙科技有限公司") is None  # a dry run stores nothing
    report = import_entities(service, rows)
    assert report.created == ["91510100MA61R4X2X8"] and report.updated == [CODE_A]
    gamma = service.read_entity(system_identity, "91510100MA61R4X2X8")
    assert gamma["department"] == "d2" and gamma["responsible"]["name"] == "王五"
    assert service.read_entity(system_identity, CODE_A)["responsible"]["name"] == "赵六"
    errors = {e["row"]: {f["field"]: f["messages"] for f in e["errors"]} for e in report.errors}
    assert "校验码" in errors[4]["credit_code"][0] and "check character" in errors[4]["credit_code"][0]
    assert "credit_code" in errors[5]
    assert "kind" in errors[6] or "credit_code" in errors[6]
    assert set(errors) == {4, 5, 6}


def test_xlsx_and_the_command(running_app, db, entities, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["credit_code", "name_zh", "kind", "department"])
    sheet.append(["91510100MA61R4X2X8", "丙科技有限公司", "enterprise", "d1"])
    sheet.append(["bad", "庚", "enterprise", "nowhere"])
    path = tmp_path / "entities.xlsx"
    book.save(path)
    result = running_app.test_cli_runner().invoke(entities_cli, ["import", str(path)])
    assert result.exit_code == 1, result.output
    assert "created: 1" in result.output and "row 3" in result.output
    assert "GB 32100" in result.output
    assert service.resolve_entity("丙科技有限公司") == "91510100MA61R4X2X8"
