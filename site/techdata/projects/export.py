"""The XLSX export of the project list (Chinese headings; issue 20 hardening).

Every cell is written as text (numbers as numbers): text that a spreadsheet
would read as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or CR) is
prefixed with an apostrophe (OWASP "CSV injection"), and characters XML
cannot hold (``\\x0b`` and other controls) are dropped instead of failing
the whole export.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP)."""

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""Characters an XLSX (XML 1.0) cell cannot hold."""

HEADINGS = ["项目编号", "项目名称", "计划类别", "承担单位", "项目负责人", "验收日期",
            "状态", "已汇交数据集", "验收条件", "逾期", "验收结论", "特批"]
"""Column headings of the export (as the program-management system names them)."""


def safe_text(value):
    """``value`` as a harmless text cell: illegal characters dropped, formulas neutralised."""
    if value is None:
        return None
    text = _ILLEGAL.sub("", str(value))
    if text.startswith(FORMULA_LEADS):
        text = "'" + text
    return text


def _cell(sheet, value):
    """A write-only cell: numbers stay numbers, everything else is a text cell."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(sheet, value=safe_text(value))
    cell.data_type = "s"
    return cell


def row_of(r):
    """The export row of one listed project (see ``ProjectService.overview``)."""
    acceptance = r.get("acceptance") or {}
    return [
        r["id"], r.get("title_zh"), r.get("program"), r.get("lead_entity_name", r.get("lead_entity")),
        (r.get("pi") or {}).get("email"), r.get("acceptance_due"), r.get("status"),
        r["deposits"], "通过" if r["gate"]["passed"] else "未通过",
        "是" if r["overdue"] else "否", acceptance.get("decision", ""),
        "是" if acceptance.get("overridden") else "",
    ]


def workbook_bytes(rows):
    """The XLSX file (bytes) of the listed projects."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目 Projects")
    sheet.append([_cell(sheet, h) for h in HEADINGS])
    for r in rows:
        sheet.append([_cell(sheet, v) for v in row_of(r)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
