"""Restore drill (issue 17; CD-TD Art. 17, 25): back up, change, lose, restore to a moment.

Datasets with files pass the deposit and confidentiality reviews, a project is
registered and a deposit certificate issued; ``scripts/backup`` takes a full
backup; then another dataset is published (only the WAL and the file sync
carry it), the state of every table is fingerprinted, and a record is deleted
by mistake. ``scripts/restore --until <moment before the delete>`` into an
empty ``.services`` must bring back every table exactly as fingerprinted (so
every record, version, request, project, directory entry and release, and the
certificate register), every file with its checksum, the keys (the certificate
still verifies offline with the restored key), and the search index rebuilt
from the database.
"""

import hashlib
import json
import subprocess
import time

import psycopg2
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_db import db as invenio_db
from invenio_rdm_records.proxies import current_rdm_records_service as records
from sqlalchemy import text

from techdata.certificates.api import issue_certificate
from techdata.upgrade import upgrade
from tests.access.conditional import upload
from tests.backup.conftest import ROOT, make_logged
from tests.helpers import deposit


def fingerprint(conn_sql):
    """{table: (row count, md5 of the rows in a fixed order)} of every table in ``public``.

    ``conn_sql(sql)`` runs a query and returns its rows.
    """
    tables = [r[0] for r in conn_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    prints = {}
    for table in tables:
        # the restore moves the file store: file paths are checked on their own
        row = "(to_jsonb(t) - 'uri')::text" if table in RELOCATED else "t::text"
        rows = conn_sql(f"SELECT count(*), md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) "
                        f'FROM "{table}" t')
        prints[table] = tuple(rows[0])
    return prints


RELOCATED = {"files_files", "files_location"}
"""Tables whose ``uri`` the restore rewrites to the new file folder."""


def app_sql(sql):
    """Rows of a query on the app's (live) database."""
    return invenio_db.session.execute(text(sql)).fetchall()


def restored_sql(site):
    """A query function on the restored cluster's database."""
    def run(sql):
        with psycopg2.connect(host="127.0.0.1", port=site.port, user="techdata",
                              password="techdata", dbname="techdata") as conn:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
    return run


def published(flow, client, headers, title):
    """A dataset with a file, through both reviews: its record id."""
    draft = flow.create(deposit(title=title, files=True))
    upload(client, headers, draft["id"])
    review = flow.submit(draft["id"])
    flow.accept(review["id"])
    from invenio_requests.proxies import current_requests_service
    current_requests_service.indexer.refresh()
    request = flow.confidentiality_request(draft["id"])
    if request:
        flow.pass_review(request["id"])
    return draft["id"]


@pytest.fixture(scope="module")
def drill(running_app, datasets, sites):
    """Run the whole drill once; the tests below check its outcome."""
    live, restored, base = sites["live"], sites["restored"], sites["base"]
    flow, headers = datasets["flow"], datasets["owner_headers"]
    client = running_app.test_client()

    # a project of the owner and its deposit certificate
    projects = current_app.extensions["techdata"].projects_service
    projects.create(system_identity, {
        "number": "2024YFS0917", "title_zh": "备份演练项目", "title_en": "Backup drill project",
        "program": "重点研发计划", "funding_source": "government", "budget": 10,
        "lead_entity": "四川大学", "pi": "provider-owner@test.example.org",
        "acceptance_due": "2026-06-30", "plan": [{"key": "soil", "title": "土壤数据"}]})
    recid = datasets["conditional"]
    record = records.read(system_identity, recid).to_dict()
    entries = record["files"]["entries"]
    certificate = issue_certificate(
        {"number": "2024YFS0917", "title_zh": "备份演练项目", "title_en": "Backup drill project",
         "lead_entity": "四川大学", "pi": "provider-owner@test.example.org"},
        [{"recid": recid, "title": record["metadata"]["title"], "doi": None, "cstr": None,
          "files": [{"key": k, "checksum": v["checksum"]} for k, v in entries.items()]}])
    invenio_db.session.commit()

    # what scripts/run's instance-update does on a served instance (the restore runs it
    # too): done here first, so that the restore finds nothing to add
    for _ in upgrade():
        pass
    invenio_db.session.commit()
    make_logged(invenio_db)  # tables created since the database fixture, if any
    t0 = time.monotonic()
    backup = live.run("backup")
    backup_seconds = time.monotonic() - t0

    # after the backup: one more dataset (the WAL and the file sync carry it)
    later = published(flow, client, headers, "备份之后汇交的数据集")
    invenio_db.session.commit()
    expected = fingerprint(app_sql)
    time.sleep(1.1)
    moment = app_sql("SELECT clock_timestamp()")[0][0].isoformat()
    time.sleep(1.1)

    # the mistake: a record deleted (and one more change after it)
    victim = datasets["open"]
    records.delete_record(system_identity, victim, {"note": "deleted by mistake (drill)"})
    invenio_db.session.commit()
    after_mistake = fingerprint(app_sql)
    wal = live.run("backup", "--wal")

    name = (base / "target" / "LATEST").read_text().strip()
    t0 = time.monotonic()
    restore = restored.run("restore", str(base / "target" / "base" / name), "--until", moment,
                           "--no-index", timeout=900, check=False)
    assert restore.returncode == 0, backup.stdout + wal.stdout + restore.stdout + restore.stderr
    restore_seconds = time.monotonic() - t0
    # the database as the point-in-time recovery left it (the index rebuild's
    # `techdata upgrade` may add what a served instance has, e.g. an OAI set)
    restored_print = fingerprint(restored_sql(restored))
    t0 = time.monotonic()
    reindex = restored.run("restore", "--reindex", timeout=900, check=False)
    assert reindex.returncode == 0, reindex.stdout + reindex.stderr
    reindex_seconds = time.monotonic() - t0
    return {"expected": expected, "after_mistake": after_mistake, "moment": moment,
            "victim": victim, "later": later, "kept": recid, "certificate": certificate.id,
            "backup": backup, "wal": wal, "restore": restore, "name": name,
            "backup_seconds": backup_seconds, "restore_seconds": restore_seconds,
            "reindex_seconds": reindex_seconds, "restored_print": restored_print,
            "reindex": reindex}


def test_backup_has_everything_with_checksums(drill, sites):
    """The full backup: database, keys (encrypted), files (verified), a manifest that checks."""
    folder = sites["base"] / "target" / "base" / drill["name"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"base.tar.gz", "pg_wal.tar.gz", "backup_manifest", "keys.tar.gz.enc",
            "files.json"} <= set(manifest["contents"])
    for entry, want in manifest["contents"].items():
        data = (folder / entry).read_bytes()
        assert len(data) == want["size"] and hashlib.sha256(data).hexdigest() == want["sha256"]
    # the keys are not readable without the passphrase
    keys = (folder / "keys.tar.gz.enc").read_bytes()
    assert keys.startswith(b"Salted__") and b"PRIVATE KEY" not in keys
    listing = json.loads((folder / "files.json").read_text())
    assert listing["errors"] == [] and listing["files"]
    for f in listing["files"]:
        stored = sites["base"] / "target" / "files" / f["path"]
        data = stored.read_bytes()
        assert "md5:" + hashlib.md5(data).hexdigest() == f["checksum"]
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
    assert "files:" in drill["backup"].stdout and "wal:" in drill["backup"].stdout
    assert "wal:" in drill["wal"].stdout


def test_restored_to_the_moment_before_the_mistake(drill, sites):
    """Every table is exactly as it was at the moment; the mistake is undone."""
    assert drill["expected"] != drill["after_mistake"]  # the delete did change something
    got = drill["restored_print"]
    differing = sorted(t for t in drill["expected"] if drill["expected"][t] != got.get(t))
    assert differing == []
    sql = restored_sql(sites["restored"])
    deleted = sql("SELECT deletion_status FROM rdm_records_metadata r "
                  "JOIN pidstore_pid p ON p.object_uuid = r.id "
                  f"WHERE p.pid_type = 'recid' AND p.pid_value = '{drill['victim']}'")
    assert deleted == [("P",)]
    for table in ("rdm_records_metadata", "rdm_versions_state", "request_metadata",
                  "techdata_certificate", "files_files"):
        assert drill["expected"][table][0] > 0, table
    assert "recovery stopping before commit" in drill["restore"].stdout


def test_restored_files_match_their_checksums(drill, sites):
    """Every file of the restored database is in the new file folder with its checksum."""
    sql = restored_sql(sites["restored"])
    rows = sql("SELECT uri, checksum FROM files_files WHERE uri IS NOT NULL")
    assert len(rows) >= 2
    new_root = str(sites["restored"].root / "data" / "files")
    for uri, checksum in rows:
        assert uri.startswith(new_root)
        with open(uri, "rb") as fp:
            assert "md5:" + hashlib.md5(fp.read()).hexdigest() == checksum
    # the dataset published after the full backup has its file too
    later = sql("SELECT count(*) FROM files_files f JOIN files_object o ON o.file_id = f.id "
                "JOIN rdm_records_metadata r ON r.bucket_id = o.bucket_id "
                "JOIN pidstore_pid p ON p.object_uuid = r.id "
                f"WHERE p.pid_type = 'recid' AND p.pid_value = '{drill['later']}'")
    assert later[0][0] >= 1


def test_keys_restored_and_certificate_verifies(drill, sites, tmp_path):
    """The secret key is back; the certificate verifies offline with the restored signing key."""
    live, restored = sites["live"].root, sites["restored"].root
    assert (restored / "secret_key").read_text() == (live / "secret_key").read_text()
    key_file = restored / "instance" / "certificate-signing-key.pem"
    assert key_file.read_bytes() == (live / "instance" / "certificate-signing-key.pem").read_bytes()
    private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    public = tmp_path / "public.pem"
    public.write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    body, signature = restored_sql(sites["restored"])(
        f"SELECT body, signature FROM techdata_certificate WHERE id = '{drill['certificate']}'")[0]
    cert = tmp_path / "cert.json"
    cert.write_text(json.dumps({"body": body if isinstance(body, dict) else json.loads(body),
                                "signature": signature}, ensure_ascii=False))
    proc = subprocess.run([str(ROOT / "scripts" / "verify-certificate"), str(cert), str(public)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_search_index_rebuilt_from_the_database(drill, sites):
    """``scripts/restore --reindex`` rebuilt the indices from the restored database: the
    records (the deleted one too: the restore undid its deletion) and the project are found."""
    prefix = sites["restored"].env()["TD_INDEX_PREFIX"]
    requests.post(f"http://127.0.0.1:9201/{prefix}*/_refresh", timeout=60)
    res = requests.get(f"http://127.0.0.1:{sites['restored'].env().get('TD_OS_PORT', '9201')}"
                       f"/{prefix}rdmrecords-records/_search",
                       json={"query": {"terms": {"id": [drill["victim"], drill["later"],
                                                        drill["kept"]]}}}, timeout=30)
    assert res.status_code == 200, res.text
    found = {h["_source"]["id"] for h in res.json()["hits"]["hits"]}
    assert found == {drill["victim"], drill["later"], drill["kept"]}
    res = requests.get(f"http://127.0.0.1:9201/{prefix}techdata-projects/_search",
                       json={"query": {"term": {"id": "2024YFS0917"}}}, timeout=30)
    assert res.json()["hits"]["total"]["value"] == 1, res.text
    requests.delete(f"http://127.0.0.1:9201/{prefix}*", timeout=60)


def test_restore_refuses_a_live_instance(drill, sites):
    """A second restore onto the restored (now live) site is refused without --force."""
    proc = sites["restored"].run("restore", str(sites["base"] / "target" / "base" / drill["name"]),
                                 check=False)
    assert proc.returncode != 0
    assert "refuses to overwrite" in proc.stderr


def test_audit_chain_verifies_after_the_restore(drill, sites):
    """The restored audit trail's hash chain is whole (LZ Art. 38; issue 17 item 3): the
    point-in-time restore cuts between transactions, never inside a chained entry."""
    proc = sites["restored"].shell("instance_env; invenio techdata audit verify")
    assert "audit chain intact" in proc.stdout, proc.stdout + proc.stderr
    checked = int(proc.stdout.split("audit chain intact:")[1].split()[0])
    assert checked > 0, proc.stdout  # the drill's decisions were recorded and restored
