"""The annual report (issue 19): XLSX with one sheet per indicator group and a definitions
sheet, values as the service computes them; a PDF in Chinese with its charts."""

import io

from openpyxl import load_workbook

from techdata.evaluation.indicators import GROUP_NAMES, GROUPS
from techdata.evaluation.proxies import current_evaluation_service
from tests.evaluation.pages_world import ECO, PAGES_YEAR, SCI, pdf_fonts, pdf_text

ZH = {"Accept-Language": "zh-CN"}


def _xlsx(client, **args):
    res = client.get("/evaluation/report.xlsx", query_string={"year": PAGES_YEAR, **args},
                     headers=ZH)
    assert res.status_code == 200, res.data[:2000]
    assert res.mimetype.endswith("spreadsheetml.sheet")
    assert res.headers["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(res.data))


def test_xlsx_sheets_and_values_match_the_service(pages_world, bureau, client, app):
    """Definitions first (period, scope, formulas), then one sheet per group whose values are
    the service's, for the city and for a department."""
    bureau.login(client)
    for args, kind, scope_id in (({}, "city", ""), ({"department": SCI}, "department", SCI)):
        wb = _xlsx(client, **args)
        with app.test_request_context(headers=ZH):
            groups = [str(GROUP_NAMES[g]) for g in GROUPS]
            rows = current_evaluation_service.indicators(
                pages_world["identity"], PAGES_YEAR, "", kind, scope_id)
            formulas = {r["key"]: r["formula"] for r in rows}
        assert wb.sheetnames[0] == "指标定义"
        assert wb.sheetnames[1:] == groups
        defs = [[c for c in row] for row in wb["指标定义"].iter_rows(values_only=True)]
        assert defs[1][1].startswith(str(PAGES_YEAR))
        assert ("市科学技术局" in defs[2][1]) if scope_id else ("全市" in defs[2][1])
        written = {r[1]: r[3] for r in defs[7:] if r and r[1]}
        assert written == formulas
        values = {}
        for name in groups:
            sheet = wb[name]
            for row in list(sheet.iter_rows(values_only=True))[1:]:
                values[row[1]] = (row[2], row[4], row[5])
        assert values == {r["key"]: (r["value"], r["numerator"], r["denominator"])
                          for r in rows}
        expected = 0.6 if kind == "city" else 2 / 3
        assert abs(values["requests.on_time.conditional-access"][0] - expected) < 1e-9
        sheet = wb[str(groups[GROUPS.index("requests")])]
        header = next(sheet.iter_rows(values_only=True))
        assert header[-1] == str(PAGES_YEAR)  # the trend columns end with the year
        cell = next(r for r in sheet.iter_rows() if r[1].value == "requests.on_time")
        assert cell[2].number_format == "0.0%"


def test_pdf_is_chinese_with_charts(pages_world, bureau, client):
    """The PDF: Chinese text (title, groups, an indicator, the scope), CJK fonts embedded,
    the charts drawn (SVG bars and lines become vector paths)."""
    bureau.login(client)
    res = client.get("/evaluation/report.pdf", query_string={"year": PAGES_YEAR,
                                                             "department": SCI})
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert res.data.startswith(b"%PDF")
    text = pdf_text(res.data)
    for words in ("考核评估报告", "汇交", "外部申请", "按时答复", "市科学技术局", "66.7%", "指标定义"):
        assert words in text, words
    assert any("CJK" in name for name in pdf_fonts(res.data))


def test_reports_keep_to_the_scope(pages_world, dept_admin, client):
    """A department admin downloads his department's report, not another's."""
    dept_admin.login(client)
    for ext in ("xlsx", "pdf"):
        url = f"/evaluation/report.{ext}"
        assert client.get(url, query_string={"year": PAGES_YEAR}).status_code == 200
        assert client.get(url, query_string={"year": PAGES_YEAR,
                                             "department": ECO}).status_code == 403
