"""``invenio techdata import --fast`` (issue 21): the same checks and the same stored data
as the records-service path, written table by table."""

import hashlib
import json
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import base32_lib as base32
import pytest

from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_pidstore.models import PersistentIdentifier
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_rdm_records.records.api import RDMRecord
from invenio_requests.records.models import RequestMetadata
from invenio_search import current_search_client
from invenio_search.utils import prefix_index
from sqlalchemy import text

from techdata.bench.queries import count_statements
from techdata.bench.seed import KEY_FORMAT, bench_rows
from techdata.directory.store import deposited_entry_id, get_entry
from techdata.importer.cli import owner_identity
from techdata.importer.proxies import current_import_service
from techdata.importer.service import imported_keys
from techdata.kernel.audit_chain import verify
from techdata.review.fingerprint import content_fingerprint
from techdata.upgrade import catch_up_search_index
from tests.importer.conftest import BAD_ROWS, good_row, md5, published, run_import, write_csv


BAD_ROWS = [*BAD_ROWS, good_row("BAD-011", opening_type="conditional")]  # Art. 18 reasons


def test_fast_good_and_bad_rows_rerun(running_app, import_setup, files_dir, tmp_path, client):
    """Good rows published with files, checksums, requests, directory entries and audit
    entries (chain intact), searchable, landing page served; bad rows reported by row
    and column in both languages, with the same messages as the service path; a re-run
    imports nothing twice."""
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
    code, fast_out = run_import(running_app, manifest, folder, import_setup.email, "--fast")
    assert code == 1, fast_out
    assert "imported 2, already there 0, errors 9" in fast_out, fast_out
    for line, column in ((4, "title_zh"), (5, "checksums"), (6, "category"), (7, "secrecy"),
                         (8, "confidentiality_decided_by"), (9, "key"), (10, "files"),
                         (11, "publication_date"), (12, "opening_reason"),
                         (12, "opening_legal_basis")):
        messages = [m for m in fast_out.splitlines() if m.startswith(f"row {line} ")]
        (message,) = [m for m in messages if f", {column}: " in m]
        assert any("\u4e00" <= c <= "\u9fff" for c in message), message  # bilingual
    assert "CD-TD Art. 24" in fast_out and "CD-TD Art. 14" in fast_out
    assert "CD-TD Art. 18" in fast_out

    # the bad rows through the service path: the same report, line by line
    bad = write_csv(tmp_path / "bad.csv", [good_row("MJ-001"), *BAD_ROWS])
    _code, service_out = run_import(running_app, bad, folder, import_setup.email)
    # (the duplicate of MJ-001 is "already there" on that run, so its line is left out)
    errors = sorted(m for m in fast_out.splitlines()
                    if m.startswith("row ") and not m.startswith("row 9 "))
    expected = sorted(re.sub(r"^row (\d+)", lambda m: f"row {int(m.group(1)) + 1}", m)
                      for m in service_out.splitlines() if m.startswith("row "))
    assert errors == expected

    open_hit, closed = published("MJ-001"), published("SOIL-002")
    res = client.get("/api/records", query_string={"q": "岷江流域水质监测历史数据"})
    assert open_hit["id"] in {h["id"] for h in res.json["hits"]["hits"]}
    files = client.get(f"/api/records/{open_hit['id']}/files").json["entries"]
    assert [(f["key"], f["checksum"]) for f in files] == [
        ("minjiang.csv", md5(contents["minjiang.csv"]))]
    assert client.get(f"/api/records/{open_hit['id']}/files/minjiang.csv/content"
                      ).data == contents["minjiang.csv"]
    sha = db.session.execute(text(
        "SELECT s.sha256 FROM techdata_file_sha256 s JOIN files_object o ON o.file_id = s.file_id "
        "WHERE o.key = 'minjiang.csv'")).scalar()
    assert sha == hashlib.sha256(contents["minjiang.csv"]).hexdigest()
    assert client.get(f"/records/{open_hit['id']}").status_code == 200
    assert closed["access"]["record"] == "restricted"
    assert client.get(f"/api/records/{closed['id']}").status_code in (403, 404)
    for hit, types in ((open_hit, {"deposit-review", "confidentiality-review"}),
                       (closed, {"deposit-review"})):
        found = [r for r in RequestMetadata.query.all()
                 if (r.json.get("topic") or {}).get("record") == hit["id"]]
        assert {r.json["type"] for r in found} == types
        assert all(r.json["status"] == "accepted" and r.json["payload"]["imported"]
                   for r in found)
    entry = get_entry(deposited_entry_id(open_hit["parent"]["id"]))
    assert entry is not None and entry.in_open and entry.review_passed
    closed_entry = get_entry(deposited_entry_id(closed["parent"]["id"]))
    assert closed_entry is not None and not closed_entry.in_open
    checked, broken = verify()
    assert broken is None and checked >= 4

    # a re-run: nothing twice
    assert imported_keys() == {"MJ-001", "SOIL-002"}
    code, out = run_import(running_app, manifest, folder, import_setup.email, "--fast")
    assert "imported 0, already there 3, errors 8" in out, out
    records.indexer.refresh()
    assert records.search(system_identity,
                          q='metadata.identifiers.identifier:"td-import:MJ-001"').total == 1


VOLATILE = {"uuid", "pk", "version_id", "created", "updated", "file_id", "object_version_id",
            "imported_at", "revision_id", "fingerprint", "deposit_review", "number", "modified"}
"""Keys whose values differ between two imports of the same row (row ids, times, numbers,
the revision counter); the PIDs are replaced by placeholders instead (``_placeholders``)."""


def _same(service, fast, path=""):
    """The differences between two stored structures, volatile keys left out."""
    if isinstance(service, dict) and isinstance(fast, dict):
        diffs = [f"{path}.{k}: only {'service' if k in service else 'fast'}"
                 for k in set(service) ^ set(fast)]
        for key in set(service) & set(fast):
            if key not in VOLATILE:
                diffs += _same(service[key], fast[key], f"{path}.{key}")
        return diffs
    if isinstance(service, list) and isinstance(fast, list):
        if len(service) != len(fast):
            return [f"{path}: {len(service)} items vs {len(fast)}"]
        return [d for s, f in zip(service, fast) for d in _same(s, f, path + "[]")]
    return [] if service == fast else [f"{path}: {service!r} != {fast!r}"]


def _placeholders(record, key):
    """The values proper to one import (PIDs, row ids, the key) and their placeholders."""
    parent = record.parent
    return {record["id"]: "RECID", parent["id"]: "PARENTID", str(record.id): "RECUUID",
            str(parent.id): "PARENTUUID", parent["pids"]["cstr"]["identifier"]: "CSTR",
            key: "KEY"}


def _unkey(value, mapping):
    """``value`` with the values of ``mapping`` replaced by their placeholders."""
    text_ = json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
    for old in sorted(mapping, key=len, reverse=True):
        text_ = text_.replace(old, mapping[old])
    return json.loads(text_)


def _stored(hit):
    """Stored record JSON, parent JSON, requests, index document and directory entry."""
    record = RDMRecord.pid.resolve(hit["id"])
    requests = sorted((r.json for r in RequestMetadata.query.all()
                       if (r.json.get("topic") or {}).get("record") == hit["id"]),
                      key=lambda r: r["type"])
    index = prefix_index("rdmrecords-records")
    doc = current_search_client.search(index=index, body={"query": {"term": {
        "id": hit["id"]}}})["hits"]["hits"][0]["_source"]
    entry = get_entry(deposited_entry_id(hit["parent"]["id"]))
    return record, requests, doc, entry


def test_fast_path_stores_what_the_service_stores(running_app, import_setup, files_dir,
                                                  tmp_path):
    """The heart of it: one row through the service, the same row (another key) through
    the fast path; stored record and parent JSON, requests, index document, directory
    entry, files and PIDs compared field by field."""
    folder, contents = files_dir
    common = dict(files="minjiang.csv", checksums=md5(contents["minjiang.csv"]),
                  creators="王,芳;成都市环境监测站", grade="general")
    code, out = run_import(running_app, write_csv(tmp_path / "s.csv", [good_row("EQSVC", **common)]),
                     folder, import_setup.email)
    assert code == 0, out
    # EQFAST second in its batch: its document is made from the batch's shared parts
    code, out = run_import(running_app, write_csv(tmp_path / "f.csv", [
        good_row("EQFAST0", **common), good_row("EQFAST", **common)]),
                     folder, import_setup.email, "--fast")
    assert code == 0, out
    # the service after the fast path: the sequences (request numbers, CSTR) go on
    code, out = run_import(running_app, write_csv(tmp_path / "a.csv", [good_row("EQAFTER", **common)]),
                     folder, import_setup.email)
    assert code == 0 and "imported 1" in out, out
    numbers = [r.number for r in RequestMetadata.query.all()]
    assert len(numbers) == len(set(numbers)) == 8
    assert all(base32.encode(base32.decode(n)) == n for n in numbers)
    s_record, s_requests, s_doc, s_entry = _stored(published("EQSVC"))
    f_record, f_requests, f_doc, f_entry = _stored(published("EQFAST"))

    s_map, f_map = _placeholders(s_record, "EQSVC"), _placeholders(f_record, "EQFAST")
    for s_value, f_value in ((dict(s_record), dict(f_record)),
                             (dict(s_record.parent), dict(f_record.parent)),
                             (s_requests, f_requests), (s_doc, f_doc),
                             (s_entry.data, f_entry.data)):
        assert _same(_unkey(s_value, s_map), _unkey(f_value, f_map)) == []
    assert f_record.parent["communities"]["ids"] == s_record.parent["communities"]["ids"]
    assert (s_entry.in_open, s_entry.review_passed) == (f_entry.in_open, f_entry.review_passed)
    # what the volatile keys hold is still right: PIDs resolve, the review covers the content
    for record, reqs in ((s_record, s_requests), (f_record, f_requests)):
        assert RDMRecord.pid.resolve(record["id"]).id == record.id
        assert record.parent.pids["cstr"]["identifier"].startswith("CSTR:")
        (review,) = [r for r in reqs if r["type"] == "confidentiality-review"]
        assert review["payload"]["fingerprint"] == content_fingerprint(record)
        assert [(k, e.file.checksum) for k, e in record.files.entries.items()] == [
            ("minjiang.csv", md5(contents["minjiang.csv"]))]
        assert record.versions.is_latest and record.versions.index == 1
    def pids(record):
        return sorted((p.pid_type, p.status.value) for p in PersistentIdentifier.query.filter(
            PersistentIdentifier.object_uuid.in_([record.id, record.parent.id])))

    assert pids(s_record) == pids(f_record)


@pytest.mark.skipif(not os.environ.get("TD_BENCH_IMPORT_ROWS"),
                    reason="a measurement: TD_BENCH_IMPORT_ROWS=N (and TD_BENCH_IMPORT_SERVICE_ROWS)")
def test_import_rate(running_app, import_setup, tmp_path):
    """Datasets/s of the fast path at N rows (one file and both decisions each, as
    ``bench-seed`` makes them) against the service path on fewer rows; stage times;
    JSON into ``TD_BENCH_OUT`` (default ``.bench/``)."""
    n = int(os.environ["TD_BENCH_IMPORT_ROWS"])
    service_n = int(os.environ.get("TD_BENCH_IMPORT_SERVICE_ROWS", "20"))
    owner = owner_identity(import_setup.email)
    service = current_import_service
    results = {}
    for mode, numbers, fast in (("fast", range(n), True),
                                ("service", range(n, n + service_n), False)):
        rows = bench_rows(numbers, tmp_path)
        wall, cpu = time.perf_counter(), time.process_time()
        with count_statements() as sql:
            report = service.import_rows(system_identity, rows, owner, files_dir=tmp_path,
                                         batch_size=200 if fast else 5, fast=fast)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert not report.errors and len(report.imported) == len(rows), report.errors[:3]
        results[mode] = {"rows": len(rows), "seconds": round(wall, 2),
                         "datasets_per_s": round(len(rows) / wall, 2),
                         "cpu_s_per_dataset": round(cpu / len(rows), 4),
                         "sql_per_dataset": round(sql.count / len(rows), 1),
                         "stages_s": {k: round(v, 2) for k, v in report.times.items()},
                         "batches_ms_per_row": [
                             {k: round(1000 * v / max(b["rows"], 1), 1)
                              for k, v in b.items() if k != "rows"}
                             for b in report.batches]}
        print(mode, json.dumps(results[mode]), flush=True)
    records.indexer.refresh()
    assert records.search(system_identity, q="metadata.identifiers.identifier:"
                          f'"td-import:{KEY_FORMAT.format(n - 1)}"').total == 1
    results.update(date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   load_average=os.getloadavg(), cpus=os.cpu_count())
    out = Path(os.environ.get("TD_BENCH_OUT", ".bench"))
    out.mkdir(exist_ok=True)
    (out / f"import-{int(time.time())}.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


def test_indexing_writes_nothing_and_documents_carry_the_revision(running_app, import_setup,
                                                                   files_dir, tmp_path):
    """The bulk index after a batch's commit only reads: every imported record keeps its
    first revision in the database (no UPDATE, no new version row), and its search document
    carries that revision, so a later reindex from the database (``techdata.upgrade.
    catch_up_search_index`` at every start) is not refused by the version check."""
    folder, contents = files_dir
    common = dict(files="minjiang.csv", checksums=md5(contents["minjiang.csv"]))
    keys = [f"REV-{i}" for i in range(4)]  # two batches of the test's three rows
    code, out = run_import(running_app, write_csv(tmp_path / "r.csv", [
        good_row(k, **common) for k in keys]), folder, import_setup.email, "--fast")
    assert code == 0 and "imported 4" in out, out
    index = prefix_index("rdmrecords-records")
    for key in keys:
        record = RDMRecord.pid.resolve(published(key)["id"])
        version = db.session.execute(text(
            "SELECT version_id, (SELECT count(*) FROM rdm_records_metadata_version v "
            "WHERE v.id = r.id) FROM rdm_records_metadata r WHERE r.id = :id"),
            {"id": record.id}).one()
        assert tuple(version) == (1, 1), (key, tuple(version))
        hit = current_search_client.search(index=index, version=True, body={
            "query": {"term": {"id": record["id"]}}})["hits"]["hits"][0]
        assert hit["_version"] == record.revision_id == 0, (key, hit["_version"])
    # a document ahead of the database (indexed, then its write rolled back): the reindex
    # at start replaces it from the database instead of failing (scripts/run's upgrade step)
    ahead = RDMRecord.pid.resolve(published(keys[0])["id"])
    current_search_client.index(index=hit["_index"], id=str(ahead.id), version=1,
                                version_type="external_gte",
                                body={"id": ahead["id"], "metadata": {"title": "stale"}})
    assert catch_up_search_index() >= 1  # the stale one, not every changed row again
    current_search_client.indices.refresh(index=index)
    # the others are in line and not indexed again; the healed one stays a revision ahead
    # (a search engine cannot take a document back to an earlier version), so the catch-up
    # sees it again while its row is within the last day
    assert catch_up_search_index() == 1
    hit = current_search_client.search(index=index, version=True, body={
        "query": {"term": {"id": ahead["id"]}}})["hits"]["hits"][0]
    assert hit["_version"] == 1  # the index's revision, which the next write goes past
    assert hit["_source"]["metadata"]["title"] == ahead["metadata"]["title"]
