"""CSV and XLSX: one row per entry, Chinese column headings (CD-TD Art. 19).

- CSV: UTF-8 with a byte-order mark, so that Excel opens the Chinese text
  correctly; row 1 holds the Chinese headings (``DirectoryField.zh``); each
  cell is :func:`techdata.directory.fields.cell` (terms by their Chinese
  label, lists joined with ``; ``), neutralised against CSV injection
  (OWASP): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, so no spreadsheet program reads
  it as a formula (:func:`csv_cell`).
- XLSX: sheet "目录 Directory" with the Chinese headings in row 1 and one row
  per entry; sheet "说明 About" describes the export (catalog) and lists per
  column the field key, Chinese and English heading and the rule article.
  Every value is written as a text cell (never a formula), and characters
  XML cannot hold are dropped (never fatal).
  openpyxl's write-only workbook streams the rows to a temporary file, which
  is then sent in chunks and removed: memory stays flat whatever the size.
"""

import csv
import io
import os
import re
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ..fields import DIRECTORY_FIELDS, cell
from .common import CHUNK_SIZE, catalog_info, chunked

BOM = "\ufeff"
"""UTF-8 byte-order mark (Excel reads the file as UTF-8 only with it)."""

DATA_SHEET = "目录 Directory"
"""Title of the XLSX sheet holding the entries."""

ABOUT_SHEET = "说明 About"
"""Title of the XLSX sheet describing the catalog and the columns."""

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML (hence XLSX) cannot hold: control characters, lone surrogates, non-characters."""

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet program read a CSV cell as a formula (OWASP)."""


def neutralise(value):
    """``value`` with a leading apostrophe when it starts like a formula (CSV injection, OWASP)."""
    if value and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def csv_cell(entry, field, lang="zh"):
    """The CSV cell of ``field`` in ``entry``: :func:`cell`, neutralised against formulas."""
    return neutralise(cell(entry, field, lang))


def headings(lang="zh"):
    """The column headings in ``lang`` (``zh`` or ``en``), in publication order."""
    return [getattr(f, lang) for f in DIRECTORY_FIELDS]


def row(entry, lang="zh"):
    """One entry as the list of its cells, in column order."""
    return [cell(entry, f, lang) for f in DIRECTORY_FIELDS]


def csv_row(entry, lang="zh"):
    """One entry as the list of its CSV cells (neutralised), in column order."""
    return [csv_cell(entry, f, lang) for f in DIRECTORY_FIELDS]


def csv_pieces(entries):
    """Text pieces of the CSV file: BOM and heading row, then one row per entry."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headings("zh")])
    yield BOM + buf.getvalue()
    for entry in entries:
        buf.seek(0)
        buf.truncate()
        writer.writerow(csv_row(entry))
        yield buf.getvalue()


def serialise_csv(entries, catalog, chunk_size=CHUNK_SIZE):
    """``bytes`` chunks of the CSV export."""
    return chunked(csv_pieces(entries), chunk_size)


def _text_cell(sheet, value):
    """A cell that is always text, never a formula; characters XML cannot hold are dropped."""
    if value is None:
        return None
    value = _ILLEGAL_XML.sub("", str(value))
    if not value:
        return None
    if not value.startswith("="):
        return value  # openpyxl writes any other string as a text cell
    c = WriteOnlyCell(sheet, value=value)
    c.data_type = "s"
    return c


def _about_rows(catalog):
    """Rows of the "说明 About" sheet: the catalog, then one row per column."""
    info = catalog_info(catalog)
    yield ["目录 Catalog", "值 Value"]
    for key, value in info.items():
        if key == "errata":
            for erratum in value or []:
                yield ["erratum", " / ".join(str(erratum[k]) for k in (
                    "note_zh", "note_en", "corrected_by_url") if erratum.get(k))]
            continue
        yield [key, "" if value is None else str(value)]
    yield []
    yield ["字段 Field", "中文列名 Chinese heading", "英文列名 English heading", "依据 Rule"]
    for f in DIRECTORY_FIELDS:
        yield [f.key, f.zh, f.en, f.article]


def write_xlsx(entries, catalog, path):
    """Write the XLSX export of ``entries`` to ``path`` (write-only, flat memory)."""
    wb = Workbook(write_only=True)
    data = wb.create_sheet(DATA_SHEET)
    data.freeze_panes = "A2"
    data.append([_text_cell(data, h) for h in headings("zh")])
    for entry in entries:
        data.append([_text_cell(data, v) for v in row(entry)])
    about = wb.create_sheet(ABOUT_SHEET)
    for values in _about_rows(catalog):
        about.append([_text_cell(about, v) for v in values])
    wb.save(path)


def serialise_xlsx(entries, catalog, chunk_size=CHUNK_SIZE):
    """``bytes`` chunks of the XLSX export; the temporary file is always removed."""
    fd, path = tempfile.mkstemp(prefix="techdata-directory-", suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(entries, catalog, path)
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(max(chunk_size, 4096))
                if not chunk:
                    break
                yield chunk
    finally:
        os.unlink(path)
