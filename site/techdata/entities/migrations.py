"""Set-up step: the ``td-entities`` and ``td-departments`` vocabularies as tables.

:func:`ensure_entities` inserts each vocabulary entry that has no row yet,
with its id kept (records and directory entries name entities and
departments by these ids, and keep resolving through the vocabularies,
which stay the label source of the deposit forms). Entries come from the
vocabulary records in the database (entries added after set-up included)
and from the instance's ``app_data/vocabularies`` files. Rows that exist
are left as they are (the bureau may have edited them): idempotent.
"""

from pathlib import Path

import yaml
from flask import current_app
from invenio_db import db
from invenio_vocabularies.records.models import VocabularyMetadata

from .credit_code import is_credit_code, normalise
from .models import KINDS, Department, Entity
from .service import DEPARTMENT_VOCABULARY, ENTITY_VOCABULARY

FILES = {ENTITY_VOCABULARY: "td_entities.yaml", DEPARTMENT_VOCABULARY: "td_departments.yaml"}
"""The vocabulary files of ``app_data/vocabularies``."""

DEFAULT_KIND = "institute"
"""Kind of a vocabulary entity whose ``props.kind`` is missing or unknown."""


def vocabulary_folders():
    """Where the vocabulary files may be: the instance's ``app_data``, then the checkout's."""
    folders = [Path(current_app.instance_path) / "app_data" / "vocabularies"]
    folders.append(Path(__file__).resolve().parents[3] / "app_data" / "vocabularies")
    return [f for f in folders if f.is_dir()]


def vocabulary_entries(vocabulary):
    """``{id: entry}`` of ``vocabulary``: the file's entries, then the stored records'."""
    entries = {}
    for folder in vocabulary_folders():
        path = folder / FILES[vocabulary]
        if path.is_file():
            for item in yaml.safe_load(path.read_text("utf-8")) or []:
                if isinstance(item, dict) and item.get("id"):
                    entries.setdefault(str(item["id"]), item)
            break
    rows = VocabularyMetadata.query.filter(
        VocabularyMetadata.json[("type", "id")].as_string() == vocabulary)
    for row in rows:
        data = row.json or {}
        if data.get("id"):
            entries[str(data["id"])] = data
    return entries


def _titles(entry):
    """``(zh, en)`` of a vocabulary entry."""
    title = entry.get("title") or {}
    zh = title.get("zh") or title.get("en") or entry["id"]
    return zh, title.get("en") or None


def ensure_entities():
    """Insert the vocabulary entities and departments missing from the tables.

    Returns ``(departments added, entities added)``; a second run adds nothing.
    """
    added_departments = added_entities = 0
    for id_, entry in vocabulary_entries(DEPARTMENT_VOCABULARY).items():
        if db.session.get(Department, id_) is None:
            zh, en = _titles(entry)
            db.session.add(Department(id=id_, name_zh=zh, name_en=en))
            added_departments += 1
    db.session.flush()
    for id_, entry in vocabulary_entries(ENTITY_VOCABULARY).items():
        if db.session.get(Entity, id_) is not None:
            continue
        zh, en = _titles(entry)
        props = entry.get("props") or {}
        kind = props.get("kind") if props.get("kind") in KINDS else DEFAULT_KIND
        department = props.get("department")
        if department and db.session.get(Department, department) is None:
            department = None
        code = normalise(props.get("credit_code") or (id_ if is_credit_code(id_) else ""))
        if not is_credit_code(code) or Entity.query.filter_by(credit_code=code).first():
            code = None
        db.session.add(Entity(id=id_, name_zh=zh, name_en=en, kind=kind,
                              department_id=department, credit_code=code))
        added_entities += 1
    db.session.commit()
    return added_departments, added_entities
