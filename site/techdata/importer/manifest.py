"""Reading an import manifest: CSV, XLSX or JSON, one dataset per row.

Columns (JSON keys) are the Chengdu fields by their short names; lists are
separated by ``;``. See ``COLUMNS``. Every row keeps its line number, so an
error names the row and the field.
"""

import csv
import json
from pathlib import Path

from ..kernel.i18n import _, bilingual

COLUMNS = {
    "key": "the dataset's id in the source catalogue (re-running skips it)",
    "title_zh": "Chinese title (required)",
    "title_en": "English title",
    "abstract_zh": "Chinese abstract (required)",
    "abstract_en": "English abstract",
    "category": "tech-data category id (required, CD-TD Art. 2)",
    "secrecy": "secrecy attribute id (required; classified data is refused, CD-TD Art. 14)",
    "grade": "sensitivity grade id",
    "funding_source": "funding source id",
    "sharing_type": "sharing type id", "sharing_reason": "", "sharing_legal_basis": "",
    "opening_type": "opening type id (default unconditional, CD-TD Art. 18)",
    "opening_reason": "", "opening_legal_basis": "",
    "responsible_department": "department id (CD-TD Art. 19)",
    "providing_entity": "providing entity id (CD-TD Art. 19)",
    "update_cycle": "update cycle id", "storage_format": "e.g. CSV",
    "access_methods": "provision ids, ';'-separated",
    "subjects": "keywords, ';'-separated",
    "creators": "'family,given' names, ';'-separated",
    "publication_date": "YYYY-MM-DD (required)",
    "files": "file names in the files folder, ';'-separated",
    "checksums": "md5:<hex> or sha256:<hex> per file, ';'-separated, same order",
    "review_decided_by": "who accepted the deposit at the time (required)",
    "review_decided_at": "YYYY-MM-DD of that decision (required)",
    "review_basis": "the grading basis recorded then (CD-TD Art. 11)",
    "confidentiality_decided_by": "who passed the confidentiality review (required to open)",
    "confidentiality_decided_at": "YYYY-MM-DD of that decision (required to open)",
    "confidentiality_reasons": "the reasons recorded then (CD-TD Art. 24)",
}
"""Manifest columns and what they hold."""

LIST_COLUMNS = ("access_methods", "subjects", "creators", "files", "checksums")
"""Columns holding ``;``-separated lists (JSON may give real lists)."""


class ManifestError(ValueError):
    """The manifest as a whole cannot be read (format, header)."""


def _clean(row):
    """Strip texts; empty cells become absent; lists split on ``;``."""
    out = {}
    for key, value in row.items():
        if key is None:
            continue
        key = str(key).strip()
        if value is None:
            continue
        if key in LIST_COLUMNS and not isinstance(value, list):
            value = [v.strip() for v in str(value).split(";") if v.strip()]
        elif isinstance(value, list):
            value = [str(v).strip() for v in value if str(v).strip()]
        else:
            value = str(value).strip() if not hasattr(value, "isoformat") else value.isoformat()[:10]
        if value not in ("", []):
            out[key] = value
    return out


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            yield line, row


def _xlsx_rows(path):
    from openpyxl import load_workbook  # third-party, loaded only for an XLSX manifest

    book = load_workbook(path, read_only=True, data_only=True)
    rows = book.active.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else None for h in next(rows, [])]
    for line, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield line, dict(zip(header, values))


def _json_rows(path):
    data = json.loads(Path(path).read_text("utf-8"))
    if isinstance(data, dict):
        data = data.get("records")
    if not isinstance(data, list):
        raise ManifestError(bilingual(_("A JSON manifest is a list of objects, or an object with a \"records\" list.")))
    for line, row in enumerate(data, start=1):
        yield line, row if isinstance(row, dict) else {"_invalid": row}


READERS = {".csv": _csv_rows, ".xlsx": _xlsx_rows, ".json": _json_rows}
"""Manifest readers by file suffix."""


def read_manifest(path):
    """``[(line, row)]`` of a CSV, XLSX or JSON manifest (rows cleaned)."""
    reader = READERS.get(Path(path).suffix.lower())
    if reader is None:
        raise ManifestError(bilingual(_("The manifest must be a .csv, .xlsx or .json file.")))
    return [(line, _clean(row)) for line, row in reader(path)]
