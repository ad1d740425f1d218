"""``invenio techdata import``: good and bad rows, idempotence, checksums, search, directory."""

import pytest
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_requests.records.models import RequestMetadata
from openpyxl import Workbook

from techdata.directory.store import deposited_entry_id, get_entry
from techdata.importer.manifest import ManifestError, read_manifest
from techdata.importer.service import imported_keys
from tests.importer.conftest import (
    BAD_ROWS, good_row, md5, published, run_import, write_csv, write_json)


def test_good_and_bad_rows_then_a_rerun(running_app, import_setup, files_dir, tmp_path,
                                        client):
    """Good rows are published with their files and decisions, bad rows are reported
    by row and column (bilingual), and a second run imports nothing twice."""
    folder, contents = files_dir
    rows = [
        good_row("MJ-001", files="minjiang.csv", checksums=md5(contents["minjiang.csv"])),
        good_row("SOIL-002", title_zh="成都平原土壤铅含量历史数据", files="soil.csv",
                 opening_type="none", opening_reason="涉及企业商业秘密",
                 opening_legal_basis="《成都市科技数据管理实施办法》第十八条",
                 confidentiality_decided_by="", confidentiality_decided_at=""),
        *BAD_ROWS,
    ]
    manifest = write_csv(tmp_path / "manifest.csv", rows)
    code, out = run_import(running_app, manifest, folder, import_setup.email)
    assert code == 1, out
    assert "imported 2, already there 0, errors 8" in out, out
    for line, column in ((4, "title_zh"), (5, "checksums"), (6, "category"), (7, "secrecy"),
                         (8, "confidentiality_decided_by"), (9, "key"), (10, "files"),
                         (11, "publication_date")):
        (message,) = [m for m in out.splitlines() if m.startswith(f"row {line} ")]
        assert f", {column}: " in message, (column, message)
        assert any("\u4e00" <= c <= "\u9fff" for c in message), message  # bilingual
    assert "CD-TD Art. 24" in out and "CD-TD Art. 14" in out

    # published, searchable anonymously, file checksummed and readable
    open_hit = published("MJ-001")
    res = client.get("/api/records", query_string={"q": "岷江流域水质监测历史数据"})
    assert open_hit["id"] in {h["id"] for h in res.json["hits"]["hits"]}
    files = client.get(f"/api/records/{open_hit['id']}/files").json["entries"]
    assert [(f["key"], f["checksum"]) for f in files] == [
        ("minjiang.csv", md5(contents["minjiang.csv"]))]
    body = client.get(f"/api/records/{open_hit['id']}/files/minjiang.csv/content").data
    assert body == contents["minjiang.csv"]
    # the not-opened dataset is published metadata-restricted, without a confidentiality review
    closed = published("SOIL-002")
    assert closed["access"]["record"] == "restricted"
    assert client.get(f"/api/records/{closed['id']}").status_code in (403, 404)

    # the decisions of the time are recorded, marked imported (CD-TD Art. 11, 24)
    for hit, types in ((open_hit, {"deposit-review", "confidentiality-review"}),
                       (closed, {"deposit-review"})):
        rows_ = [r for r in RequestMetadata.query.all()
                 if (r.json.get("payload") or {}).get("record") == hit["id"]
                 or (r.json.get("topic") or {}).get("record") == hit["id"]]
        assert {r.json["type"] for r in rows_} == types
        for r in rows_:
            assert r.json["status"] == "accepted" and r.json["payload"]["imported"] is True
    # directory entries made for both (CD-TD Art. 19)
    for hit in (open_hit, closed):
        assert get_entry(deposited_entry_id(hit["parent"]["id"])) is not None

    # re-run: nothing twice, the bad rows still reported
    assert imported_keys() == {"MJ-001", "SOIL-002"}
    code, out = run_import(running_app, manifest, folder, import_setup.email)
    assert "imported 0, already there 3, errors 7" in out, out  # the duplicate of MJ-001 too
    records.indexer.refresh()
    assert records.search(system_identity, q='metadata.identifiers.identifier:"td-import:MJ-001"'
                          ).total == 1


def test_json_manifest_and_resume(running_app, import_setup, files_dir, tmp_path):
    """A JSON manifest; rows already imported are skipped, the missing ones added."""
    folder, _contents = files_dir
    first = write_json(tmp_path / "one.json", [good_row("J-1")])
    code, out = run_import(running_app, first, folder, import_setup.email)
    assert code == 0 and "imported 1, already there 0, errors 0" in out, out
    both = write_json(tmp_path / "two.json", [good_row("J-1"), good_row("J-2")])
    code, out = run_import(running_app, both, folder, import_setup.email)
    assert code == 0 and "imported 1, already there 1, errors 0" in out, out
    published("J-2")


def test_manifest_reading(app, tmp_path):
    """Lists split on ';', empty cells dropped, XLSX read like CSV; other files refused."""
    book = Workbook()
    sheet = book.active
    sheet.append(["key", "subjects", "title_en"])
    sheet.append(["X-1", "土壤; soil ;", None])
    book.save(tmp_path / "m.xlsx")
    assert read_manifest(tmp_path / "m.xlsx") == [(2, {"key": "X-1",
                                                       "subjects": ["土壤", "soil"]})]
    (tmp_path / "m.txt").write_text("key\n", "utf-8")
    with pytest.raises(ManifestError, match=r"\.csv"):
        read_manifest(tmp_path / "m.txt")
