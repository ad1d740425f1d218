"""One manifest row → the RDM draft, its files and its recorded decisions.

Everything here is checked before the database is touched; what only the
records service can judge (vocabulary ids, the deposit rules of CD-TD Art.
2, 14, 18) is judged by it, through the same components as a deposit. Each
error is bilingual and names the manifest column.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marshmallow import ValidationError

from ..entities.proxies import current_entities_service
from ..kernel.bounds import year_in_range, year_message
from ..kernel.i18n import _, bilingual
from ..kernel.labels import NAMESPACE, OPEN_TYPES

__all__ = ("ImportRow", "RowError", "file_digests", "parse_row", "service_errors",
           "source_identifier")

KEY_SCHEME = "other"
"""Scheme of the identifier that records a dataset's key in its source catalogue."""

KEY_PREFIX = "td-import:"
"""Prefix of that identifier (``td-import:<key>``): re-running the import skips it."""

MAX_KEY = 100
"""Longest source key."""

REQUIRED = ("key", "title_zh", "abstract_zh", "category", "secrecy", "publication_date",
            "review_decided_by", "review_decided_at")
"""Columns every row needs (CD-TD Art. 2, 11, 19)."""

TERMS = ("category", "secrecy", "grade", "funding_source", "sharing_type", "opening_type",
         "responsible_department", "providing_entity", "update_cycle")
"""Columns holding one vocabulary id (``cdtd:<name>``)."""

TEXTS = ("title_zh", "title_en", "abstract_zh", "abstract_en", "sharing_reason",
         "sharing_legal_basis", "opening_reason", "opening_legal_basis", "storage_format")
"""Columns copied as text (``cdtd:<name>``)."""

VOCABULARY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
"""What a vocabulary id looks like; any other entity/department value is a name or code."""


def entity_terms(row, errors):
    """``providing_entity``/``responsible_department`` given by name or credit code → their
    ids (issue 18); a name that matches nothing is a row error naming the column."""
    for column, lookup in (("providing_entity", current_entities_service.resolve_entity),
                           ("responsible_department", current_entities_service.resolve_department)):
        value = str(row.get(column) or "").strip()
        if not value or VOCABULARY_ID.match(value):
            continue  # an id: the records service checks it against the vocabulary
        found = lookup(value)
        if found is None:
            errors[column] = bilingual(_("Nothing registered here is named %(value)s: give the "
                                         "id, name or unified social credit code.",
                                         value=value[:100]))
        else:
            row[column] = found


def service_errors(err):
    """``{column: message}`` from what the records service refused."""
    messages = err.messages if isinstance(err, ValidationError) else err
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                walk(prefix, item)
        else:
            texts = value if isinstance(value, list) else [value]
            name = prefix.replace("custom_fields.", "").replace("cdtd:", "")
            name = name[:-3] if name.endswith(".id") else name
            out[name] = " ".join(str(t) for t in texts)

    if isinstance(messages, list):  # a draft's errors: [{"field", "messages"}]
        for e in messages:
            walk(e.get("field", "record"), e.get("messages"))
    else:
        walk("", messages)
    return out


DEFAULT_BASIS = _("imported: the original grading is kept (CD-TD Art. 11)")
DEFAULT_REASONS = _("imported: passed in the original review (CD-TD Art. 24)")


class RowError(ValueError):
    """A row that cannot be imported: ``errors`` maps manifest columns to messages."""

    def __init__(self, errors):
        """``errors``: ``{column: bilingual message}``."""
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ImportRow:
    """A checked row: the draft data, its files and the decisions taken at the time."""

    line: int
    key: str
    data: dict
    files: list = field(default_factory=list)
    """``[(name, path, {"md5": hex, ...})]``."""
    review: dict = field(default_factory=dict)
    confidentiality: dict = None
    opens: bool = True


def source_identifier(key):
    """The identifier that records ``key`` on the imported record."""
    return f"{KEY_PREFIX}{key}"


def _date(value, column, errors):
    """``value`` as an ISO date string, or an error on ``column``."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[column] = bilingual(_("Not a date: write it as YYYY-MM-DD."))
        return None
    if not year_in_range(day.year):
        errors[column] = year_message()
        return None
    return day.isoformat()


def file_digests(path):
    """``{"md5": hex, "sha256": hex}`` of a file, read once in 1 MB chunks."""
    md5, sha = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            md5.update(chunk)
            sha.update(chunk)
    return {"md5": md5.hexdigest(), "sha256": sha.hexdigest()}


def _files(row, files_dir, errors):
    """``[(name, path, digests)]`` of the row's files, checksums compared."""
    names, sums = row.get("files") or [], row.get("checksums") or []
    if sums and len(sums) != len(names):
        errors["checksums"] = bilingual(_(
            "Give one checksum per file, in the order of the files (md5:<hex> or sha256:<hex>)."))
        return []
    out = []
    for i, name in enumerate(names):
        if "/" in name or "\\" in name or name in (".", ".."):
            errors["files"] = bilingual(_("%(name)s: give a file name without folders.", name=name))
            return []
        path = Path(files_dir or ".") / name
        if not path.is_file():
            errors["files"] = bilingual(_("%(name)s is not in the files folder.", name=name))
            return []
        digests = file_digests(path)
        if sums:
            algo, _sep, value = sums[i].partition(":")
            if algo not in digests or not value:
                errors["checksums"] = bilingual(_(
                    "Give one checksum per file, in the order of the files (md5:<hex> or sha256:<hex>)."))
                return []
            if digests[algo] != value.strip().lower():
                errors["checksums"] = bilingual(_(
                    "The checksum of %(name)s does not match the file.", name=name))
                return []
        out.append((name, path, digests))
    return out


def _creators(row):
    """RDM creators from ``family,given`` names (a single name is an organisation)."""
    out = []
    for name in row.get("creators") or []:
        family, _sep, given = name.partition(",")
        if given.strip():
            out.append({"person_or_org": {"type": "personal", "family_name": family.strip(),
                                          "given_name": given.strip()}})
        else:
            out.append({"person_or_org": {"type": "organizational", "name": family.strip()}})
    return out


def draft_data(row, publisher):
    """The RDM draft of a checked row (its ``cdtd:`` fields and its source key)."""
    cf = {f"{NAMESPACE}:{name}": {"id": row[name]} for name in TERMS if row.get(name)}
    cf.update({f"{NAMESPACE}:{name}": row[name] for name in TEXTS if row.get(name)})
    if row.get("access_methods"):
        cf[f"{NAMESPACE}:access_methods"] = [{"id": v} for v in row["access_methods"]]
    metadata = {
        "resource_type": {"id": "dataset"},
        "title": row["title_zh"],
        "description": row["abstract_zh"],
        "creators": _creators(row) or [{"person_or_org": {"type": "organizational",
                                                          "name": publisher}}],
        "publication_date": row["publication_date"],
        "publisher": publisher,
        "identifiers": [{"scheme": KEY_SCHEME, "identifier": source_identifier(row["key"])}],
    }
    if row.get("title_en"):
        metadata["additional_titles"] = [{"title": row["title_en"],
                                          "type": {"id": "translated-title"}}]
    if row.get("subjects"):
        metadata["subjects"] = [{"subject": s} for s in row["subjects"]]
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": bool(row.get("files"))},
        "metadata": metadata,
        "custom_fields": cf,
    }


def parse_row(line, row, files_dir, publisher):
    """Check one cleaned manifest row; an ``ImportRow`` or ``RowError``."""
    errors = {}
    if "_invalid" in row:
        raise RowError({"row": bilingual(_("Each row must be an object of named fields."))})
    for column in REQUIRED:
        if not row.get(column):
            errors[column] = bilingual(_("This field is required."))
    if len(row.get("key", "")) > MAX_KEY:
        errors["key"] = bilingual(_("At most %(max)s characters.", max=MAX_KEY))
    for column in ("publication_date", "review_decided_at", "confidentiality_decided_at"):
        if row.get(column):
            row[column] = _date(row[column], column, errors)
    entity_terms(row, errors)
    opens = (row.get("opening_type") or "unconditional") in OPEN_TYPES
    if opens:
        for column in ("confidentiality_decided_by", "confidentiality_decided_at"):
            if not row.get(column) and column not in errors:
                errors[column] = bilingual(_(
                    "A dataset that opens data needs its confidentiality decision (CD-TD Art. 24)."))
    files = _files(row, files_dir, errors) if not errors else []
    if errors:
        raise RowError(errors)
    review = {"decided_by": row["review_decided_by"], "decided_at": row["review_decided_at"],
              "basis": row.get("review_basis") or bilingual(DEFAULT_BASIS)}
    confidentiality = None
    if opens:
        confidentiality = {"decided_by": row["confidentiality_decided_by"],
                           "decided_at": row["confidentiality_decided_at"],
                           "reasons": row.get("confidentiality_reasons") or bilingual(DEFAULT_REASONS)}
    return ImportRow(line=line, key=row["key"], data=draft_data(row, publisher), files=files,
                     review=review, confidentiality=confidentiality, opens=opens)
