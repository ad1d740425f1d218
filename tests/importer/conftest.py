"""Fixtures of the import tests: a files folder and manifest writers."""

import csv
import hashlib
import json

import pytest
from invenio_access.permissions import system_identity
from invenio_communities.proxies import current_communities
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.importer.cli import import_command
from techdata.importer.rows import source_identifier
from techdata.kernel.roles import ensure_roles
from techdata.review.centres import ensure_city_centre

COLUMNS = ["key", "title_zh", "title_en", "abstract_zh", "category", "secrecy",
           "opening_type", "opening_reason", "opening_legal_basis", "providing_entity",
           "update_cycle", "storage_format",
           "subjects", "creators", "publication_date", "files", "checksums",
           "review_decided_by", "review_decided_at", "review_basis",
           "confidentiality_decided_by", "confidentiality_decided_at"]
"""The columns the test manifests use."""


def md5(data):
    """``md5:<hex>`` of bytes."""
    return "md5:" + hashlib.md5(data).hexdigest()


def good_row(key, **over):
    """A complete row of an open dataset, decided at the time (CD-TD Art. 11, 24)."""
    row = {
        "key": key, "title_zh": f"岷江流域水质监测历史数据 {key}",
        "title_en": f"Minjiang water quality archive {key}",
        "abstract_zh": "2010-2020年岷江水质逐月监测数据。", "category": "observation",
        "secrecy": "non-classified", "providing_entity": "scu",
        "update_cycle": "monthly", "storage_format": "CSV",
        "subjects": "水质;water quality", "creators": "王,芳;成都市环境监测站",
        "publication_date": "2020-06-30", "review_decided_by": "张审核（市数据中心）",
        "review_decided_at": "2020-07-01", "review_basis": "一般数据 / general data",
        "confidentiality_decided_by": "李保密", "confidentiality_decided_at": "2020-07-03",
    }
    row.update(over)
    return row


@pytest.fixture()
def import_setup(running_app, db, researcher):
    """Roles and the city centre exist, as after set-up; the researcher owns the data."""
    ensure_roles()
    db.session.commit()
    ensure_city_centre()
    current_communities.service.indexer.refresh()
    return researcher


@pytest.fixture()
def files_dir(tmp_path):
    """A files folder with two small CSV files; returns (folder, {name: bytes})."""
    folder = tmp_path / "files"
    folder.mkdir()
    contents = {"minjiang.csv": "月份,COD\n2010-01,12.5\n".encode("utf-8"),
                "soil.csv": b"id,pb\n1,0.3\n"}
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return folder, contents


def write_csv(path, rows):
    """A CSV manifest of ``rows`` (dicts)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in COLUMNS})
    return path


def write_json(path, rows):
    """A JSON manifest of ``rows``."""
    path.write_text(json.dumps({"records": rows}, ensure_ascii=False), "utf-8")
    return path


def run_import(app, manifest, files, owner, *extra):
    """Invoke ``invenio techdata import`` (batches of 3); (exit code, output). An
    exception other than the command's exit is raised."""
    result = app.test_cli_runner().invoke(
        import_command, [str(manifest), "--files", str(files), "--owner", owner,
                         "--batch-size", "3", *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def published(key):
    """The search hit of the record imported from ``key`` (system search)."""
    records.indexer.refresh()
    hits = list(records.search(
        system_identity, q=f'metadata.identifiers.identifier:"{source_identifier(key)}"').hits)
    assert len(hits) == 1, (key, len(hits))
    return hits[0]


BAD_ROWS = [
    good_row("BAD-003", title_zh=""),                                     # required
    good_row("BAD-004", files="soil.csv", checksums="md5:" + "0" * 32),   # checksum
    good_row("BAD-005", category="nonsense"),                             # vocabulary
    good_row("BAD-006", secrecy="secret"),                                # Art. 14
    good_row("BAD-007", confidentiality_decided_by=""),                   # Art. 24
    good_row("MJ-001"),                                                   # duplicate
    good_row("BAD-009", files="missing.csv"),                             # file
    good_row("BAD-010", publication_date="2020-13-45"),                   # date
]
"""Rows each import refuses, one reason each (and a key given twice), as both paths report them."""
