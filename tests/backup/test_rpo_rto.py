"""RPO/RTO at scale (issue 17): backup and restore time of an instance of N records.

Opt-in, a measurement rather than a check of behaviour (``scripts/bench`` style): it runs
only with ``TD_BENCH_BACKUP_RECORDS=N`` (e.g. 10000), e.g.

    TD_BENCH_BACKUP_RECORDS=10000 pytest -s tests/backup/test_rpo_rto.py

The module's cluster (see conftest) gets one published dataset through the reviews, then
N copies of it made in SQL (parent, record, PIDs, bucket, versions state: what InvenioRDM's
indexer reads) and N small files (4 KiB each, with MD5 and SHA-256) in the file store; the
bulk import (``scripts/bench``) makes such an instance too, but at today's import rate 10,000
datasets take hours. Then ``scripts/backup`` and ``scripts/restore`` (database replay, files
verified, every index rebuilt) into an empty ``.services``, timed. Figures go to stdout and
``.services/bench/backup-scale-<time>.json``; the restored instance must hold every record
and file and find the records by search.
"""

import hashlib
import json
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
import pytest
import requests
from invenio_db import db
from invenio_rdm_records.records.api import RDMRecord
from sqlalchemy import text

from tests.backup.conftest import ROOT, make_logged

N = int(os.environ.get("TD_BENCH_BACKUP_RECORDS") or 0)

pytestmark = pytest.mark.skipif(not N, reason="a measurement: TD_BENCH_BACKUP_RECORDS=N")

CLONE = """
CREATE TEMP TABLE bench_clone ON COMMIT DROP AS
  SELECT i, gen_random_uuid() AS rec, gen_random_uuid() AS par, gen_random_uuid() AS bucket,
         gen_random_uuid() AS media, 'bench-' || lpad(i::text, 6, '0') AS recid,
         'benchp-' || lpad(i::text, 6, '0') AS parid
  FROM generate_series(1, :n) AS i;
INSERT INTO files_bucket (id, default_location, default_storage_class, size, quota_size,
                          max_file_size, locked, deleted, created, updated)
  SELECT x.id, b.default_location, b.default_storage_class, 0, b.quota_size, b.max_file_size,
         b.locked, b.deleted, now(), now()
  FROM files_bucket b, (SELECT bucket AS id FROM bench_clone UNION ALL
                        SELECT media FROM bench_clone) x
  WHERE b.id = (SELECT bucket_id FROM rdm_records_metadata WHERE id = :src);
INSERT INTO pidstore_pid (pid_type, pid_value, status, object_type, object_uuid, created, updated)
  SELECT 'recid', v, 'R', 'rec', u, now(), now()
  FROM (SELECT parid AS v, par AS u FROM bench_clone UNION ALL
        SELECT recid, rec FROM bench_clone) x;
INSERT INTO rdm_parents_metadata (id, json, version_id, created, updated)
  SELECT c.par, jsonb_set(jsonb_set(p.json, '{id}', to_jsonb(c.parid)), '{pid,pk}', to_jsonb(pp.id))
         - 'pids', 1, now(), now()
  FROM bench_clone c JOIN pidstore_pid pp ON pp.pid_type = 'recid' AND pp.pid_value = c.parid,
       rdm_parents_metadata p
  WHERE p.id = (SELECT parent_id FROM rdm_records_metadata WHERE id = :src);
INSERT INTO rdm_records_metadata (id, json, version_id, created, updated, index, bucket_id,
                                  parent_id, deletion_status, media_bucket_id)
  SELECT c.rec,
         jsonb_set(jsonb_set(jsonb_set(r.json - 'pids', '{id}', to_jsonb(c.recid)), '{pid,pk}',
                   to_jsonb(rp.id)), '{metadata,title}',
                   to_jsonb((r.json #>> '{metadata,title}') || ' ' || c.i)),
         1, now(), now(), 1, c.bucket, c.par, 'P', c.media
  FROM bench_clone c JOIN pidstore_pid rp ON rp.pid_type = 'recid' AND rp.pid_value = c.recid,
       rdm_records_metadata r
  WHERE r.id = :src;
INSERT INTO rdm_versions_state (latest_index, parent_id, latest_id, next_draft_id)
  SELECT 1, par, rec, NULL FROM bench_clone;
"""


def add_files(location, n):
    """``n`` files of 4 KiB in the file store, listed in ``files_files`` with their MD5 and
    their SHA-256 (``techdata_file_sha256``); returns their total size."""
    folder = Path(location) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    rows, shas = [], []
    now = datetime.now(timezone.utc)
    for i in range(n):
        data = (f"bench file {i}\n".encode() * 400)[:4096]
        fid = uuid.uuid4()
        path = folder / f"{fid}.bin"
        path.write_bytes(data)
        rows.append({"id": fid, "uri": str(path), "size": len(data), "now": now,
                     "checksum": "md5:" + hashlib.md5(data).hexdigest()})
        shas.append({"id": fid, "sha": hashlib.sha256(data).hexdigest(), "now": now})
    db.session.execute(text(
        "INSERT INTO files_files (id, uri, storage_class, size, checksum, readable, writable, "
        "last_check, created, updated) VALUES (:id, :uri, 'S', :size, :checksum, true, false, "
        "true, :now, :now)"), rows)
    db.session.execute(text("INSERT INTO techdata_file_sha256 (file_id, sha256, recorded) "
                            "VALUES (:id, :sha, :now)"), shas)
    return 4096 * n


def test_backup_and_restore_at_scale(running_app, datasets, sites, location):
    """Back up and restore an instance of N records and N files; report the times."""
    live, restored = sites["live"], sites["restored"]
    src = RDMRecord.pid.resolve(datasets["open"]).id
    t0 = time.monotonic()
    for statement in CLONE.split(";\n"):
        if statement.strip():
            db.session.execute(text(statement), {"n": N, "src": str(src)})
    file_bytes = add_files(location.uri, N)
    db.session.commit()
    seed_seconds = time.monotonic() - t0
    make_logged(db)
    size = db.session.execute(text("SELECT pg_database_size('techdata')")).scalar()
    records = db.session.execute(text("SELECT count(*) FROM rdm_records_metadata")).scalar()

    t0 = time.monotonic()
    backup = live.run("backup", timeout=3600)
    backup_seconds = time.monotonic() - t0
    name = (sites["base"] / "target" / "LATEST").read_text().strip()
    manifest = json.loads((sites["base"] / "target" / "base" / name / "manifest.json").read_text())
    t0 = time.monotonic()
    restore = restored.run("restore", str(sites["base"] / "target" / "base" / name),
                           "--no-index", timeout=3600)
    restore_seconds = time.monotonic() - t0
    t0 = time.monotonic()
    reindex = restored.run("restore", "--reindex", timeout=3600)
    reindex_seconds = time.monotonic() - t0

    with psycopg2.connect(host="127.0.0.1", port=restored.port, user="techdata",
                          password="techdata", dbname="techdata") as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM rdm_records_metadata")
        assert cur.fetchone()[0] == records
    prefix = restored.env()["TD_INDEX_PREFIX"]
    requests.post(f"http://127.0.0.1:9201/{prefix}rdmrecords-records/_refresh", timeout=120)
    found = requests.get(f"http://127.0.0.1:9201/{prefix}rdmrecords-records/_count",
                         timeout=60).json()["count"]
    requests.delete(f"http://127.0.0.1:9201/{prefix}*", timeout=120)
    result = {
        "records": records, "files": N, "file_bytes": file_bytes, "database_bytes": size,
        "seed_seconds": round(seed_seconds, 1), "backup_seconds": round(backup_seconds, 1),
        "base_backup_bytes": sum(v["size"] for k, v in manifest["contents"].items()
                                 if k.endswith(".tar.gz")),
        "restore_seconds": round(restore_seconds, 1), "reindex_seconds": round(reindex_seconds, 1),
        "indexed_records": found, "load_average": os.getloadavg(),
    }
    out = ROOT / ".services" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (out / f"backup-scale-{stamp}.json").write_text(json.dumps(result, indent=1))
    print("\nRPO/RTO at scale:", json.dumps(result), "\n", backup.stdout, restore.stdout,
          reindex.stdout)
    assert found >= N
