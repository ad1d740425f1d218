"""Rows of an uploaded table: CSV (UTF-8, with or without BOM) or XLSX (the imports of
projects and entities read them the same way)."""

import csv
import io

from openpyxl import load_workbook


def read_rows(path_or_file, filename=None):
    """Rows (dicts by heading) of a CSV or XLSX file (a path or a binary file)."""
    name = (filename or getattr(path_or_file, "name", "") or str(path_or_file)).lower()
    if name.endswith(".xlsx"):
        book = load_workbook(path_or_file, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        for values in rows:
            if values and any(v not in (None, "") for v in values):
                yield dict(zip(header, values))
        return
    if hasattr(path_or_file, "read"):
        data = path_or_file.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    else:
        with open(path_or_file, encoding="utf-8-sig") as fp:
            text = fp.read()
    yield from csv.DictReader(io.StringIO(text))
