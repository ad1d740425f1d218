"""Fixity (issue 17; CD-TD Art. 25, CoreTrustSeal R14): a corrupted file is found and named.

The scheduled checks are InvenioRDM's own beat tasks, as configured in
``CELERY_BEAT_SCHEDULE``: ``file-checks`` (``schedule_checksum_verification``) re-reads every file's
MD5 over the configured period (hourly batches), ``file-integrity-report``
mails the administrators the files that failed. ``scripts/backup --check``
hashes every file at once, and a backup never stores a copy that does not match
the database (it names the file and exits 2).
"""

import hashlib
import json
import subprocess

import pytest
from flask import current_app
from invenio_app_rdm.tasks import file_integrity_report
from invenio_db import db
from invenio_files_rest.models import FileInstance, ObjectVersion
from invenio_files_rest.tasks import schedule_checksum_verification
from invenio_rdm_records.records.api import RDMDraft, RDMRecord

from techdata.preservation.models import FileSha256
from tests.backup.conftest import ROOT
from tests.helpers import deposit, upload


@pytest.fixture(scope="module")
def corrupted(running_app, datasets):
    """The file of the conditional dataset, with one byte changed on disk."""
    record = RDMRecord.pid.resolve(datasets["conditional"])
    key = next(iter(record.files.entries))
    instance = ObjectVersion.get(record.bucket_id, key).file
    with open(instance.uri, "r+b") as fp:
        first = fp.read(1)
        fp.seek(0)
        fp.write(bytes([first[0] ^ 0xFF]))
    return {"key": key, "id": str(instance.id), "uri": instance.uri,
            "record": datasets["conditional"]}


def test_checksum_check_is_scheduled_with_a_daily_report(app):
    """Both of InvenioRDM's fixity tasks are in the beat schedule: hourly batches, every
    file re-read at least every 14 days, a daily report."""
    schedule = current_app.config["CELERY_BEAT_SCHEDULE"]
    check = schedule["file-checks"]
    assert check["task"] == "invenio_files_rest.tasks.schedule_checksum_verification"
    assert check["kwargs"]["frequency"]["days"] <= 14
    assert check["kwargs"]["max_count"] == 0  # batch size follows the number of files
    assert not check["kwargs"].get("files_query") or current_app.config.get(
        "FILES_REST_CHECKSUM_VERIFICATION_URI_PREFIXES") in (None, [])  # every file
    assert schedule["file-integrity-report"]["task"] == "invenio_app_rdm.tasks.file_integrity_report"


def test_scheduled_check_finds_and_the_report_names_the_corrupted_file(running_app, corrupted,
                                                                       mailbox):
    """The beat task, run as scheduled until every file was checked, marks the bad file; the
    daily report mails the administrator its name and its record."""
    kwargs = current_app.config["CELERY_BEAT_SCHEDULE"]["file-checks"]["kwargs"]
    total = FileInstance.query.filter(FileInstance.uri.isnot(None)).count()
    for _ in range(total):
        schedule_checksum_verification.apply(kwargs=kwargs)
    db.session.expire_all()
    states = {str(f.id): f.last_check for f in FileInstance.query.filter(FileInstance.uri.isnot(None))}
    assert states[corrupted["id"]] is False
    assert all(ok is True for fid, ok in states.items() if fid != corrupted["id"])

    file_integrity_report()
    assert len(mailbox) == 1
    mail = mailbox[0]
    assert mail.recipients == [current_app.config["APP_RDM_ADMIN_EMAIL_RECIPIENT"]]
    text = mail.body or mail.html
    assert corrupted["key"] in text and corrupted["record"] in text


def test_backup_check_and_backup_name_the_corrupted_file(running_app, corrupted, sites):
    """``scripts/backup --check`` and a backup refuse the bad copy and name the file."""
    proc = sites["live"].run("backup", "--check", check=False)
    assert proc.returncode == 1
    bad = [line for line in proc.stderr.splitlines() if line.startswith("FIXITY:")]
    assert len(bad) == 1 and corrupted["id"] in bad[0] and corrupted["uri"] in bad[0]

    proc = sites["live"].run("backup", check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert corrupted["id"] in proc.stderr
    # the bad copy is not kept; every other file is
    store = sites["base"] / "target" / "files"
    index = json.loads((store / "index.json").read_text())
    total = FileInstance.query.filter(FileInstance.uri.isnot(None)).count()
    assert len(index) == total - 1
    assert not any(p.name.endswith(".part") for p in store.rglob("*"))


def test_backup_check_compares_the_sha256_recorded_at_upload(running_app, corrupted, sites,
                                                            datasets):
    """A file whose MD5 still matches but whose SHA-256 differs from the one recorded at
    upload is named too (the second, independent checksum); the run is left in
    ``.services/backup/fixity.json`` for the report page."""
    flow = datasets["flow"]
    draft = flow.create(deposit(title="第二校验和", files=True))
    upload(running_app.test_client(), draft["id"], datasets["owner_headers"],
           {"notes.txt": "两种校验和 / two checksums\n".encode()})
    instance = ObjectVersion.get(
        RDMDraft.pid.resolve(draft["id"], registered_only=False).bucket_id, "notes.txt").file
    row = db.session.get(FileSha256, instance.id)
    assert row is not None and row.sha256 == hashlib.sha256(
        "两种校验和 / two checksums\n".encode()).hexdigest()
    right, row.sha256 = row.sha256, "0" * 64  # as if other bytes with the same MD5 were there
    db.session.commit()
    try:
        proc = sites["live"].run("backup", "--check", check=False)
    finally:
        row = db.session.get(FileSha256, instance.id)
        row.sha256 = right
        db.session.commit()
    assert proc.returncode == 1
    bad = [line for line in proc.stderr.splitlines() if line.startswith("FIXITY:")]
    assert len(bad) == 2
    named = next(line for line in bad if str(instance.id) in line)
    assert "sha256:" + right in named and "recorded at upload sha256:" + "0" * 64 in named
    state = json.loads((sites["live"].root / "backup" / "fixity.json").read_text())
    assert state["status"] == 1 and len(state["bad"]) == 2
    assert state["checked"] == FileInstance.query.filter(FileInstance.uri.isnot(None)).count()


SSH_SHIM = """#!/bin/sh
# ssh HOST COMMAND...: run COMMAND here (the test's stand-in for a remote shell)
while [ "${1#-}" != "$1" ]; do shift; done
echo "$1" >> "$(dirname "$0")/hosts"; shift
exec sh -c "$*"
"""
SCP_SHIM = """#!/bin/sh
# scp [-q] SRC [HOST:]DEST: a local copy (the test's stand-in)
while [ "${1#-}" != "$1" ]; do shift; done
exec cp "${1#*:}" "${2#*:}"
"""


def test_backup_to_an_ssh_target(running_app, corrupted, sites, tmp_path):
    """A ``host:/folder`` target goes through ssh/scp (tar over ssh: no rsync here). No sshd
    runs on the test machine, so ``ssh`` and ``scp`` are stand-ins that run the remote side
    locally: what is tested is the script's remote path (staging, quoting, tar over ssh,
    LATEST, the files index), not OpenSSH."""
    shims = tmp_path / "bin"
    shims.mkdir()
    for name, body in (("ssh", SSH_SHIM), ("scp", SCP_SHIM)):
        (shims / name).write_text(body)
        (shims / name).chmod(0o755)
    remote = tmp_path / "offsite"
    env = sites["live"].env(TD_BACKUP_TARGET=f"backup@offsite:{remote}")
    env["PATH"] = f"{shims}:{env['PATH']}"
    proc = subprocess.run([str(ROOT / "scripts" / "backup")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # the corrupted file, named
    assert corrupted["id"] in proc.stderr
    assert "backup@offsite" in (shims / "hosts").read_text()
    name = (remote / "LATEST").read_text().strip()
    folder = remote / "base" / name
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry, want in manifest["contents"].items():
        assert hashlib.sha256((folder / entry).read_bytes()).hexdigest() == want["sha256"]
    index = json.loads((remote / "files" / "index.json").read_text())
    assert index and all((remote / "files" / path).is_file() for path in index)
    assert any((remote / "wal").iterdir())
    assert not (sites["live"].root / ".backup-staging").exists()


@pytest.fixture()
def report_of_live(app, sites):
    """The report page reads the live site's status files and WAL archive."""
    app.config["TECHDATA_PRESERVATION_STATE_DIR"] = str(sites["live"].root / "backup")
    app.config["TECHDATA_PRESERVATION_WAL_ARCHIVE"] = str(
        sites["live"].root / "postgres" / "wal-archive")
    yield sites["live"].root / "backup"
    app.config["TECHDATA_PRESERVATION_STATE_DIR"] = None
    app.config["TECHDATA_PRESERVATION_WAL_ARCHIVE"] = None


def test_report_page_for_the_bureau(running_app, corrupted, report_of_live, bureau):
    """The bureau reaches the report from the account menu: the last backup (what
    scripts/backup wrote), WAL archiving, the damaged file as the scheduled check and
    ``--check`` found it, no restore drill yet; in Chinese."""
    client = running_app.test_client()
    bureau.login(client)
    assert 'href="/preservation/"' in client.get("/").get_data(as_text=True)
    res = client.get("/preservation/")
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    last = json.loads((report_of_live / "last.json").read_text())
    for text in ("备份与文件完整性", "最近一次备份", last["name"], "WAL 日志归档（按时间点恢复）",
                 "文件完整性校验", "已记录 SHA-256", "最近一次恢复演练", "从未进行"):
        assert text in page, text
    assert 'data-ok="0"' in page  # the last backup named a bad file (exit 2)
    failures = page.split('id="fixity-failures"')[1]
    assert corrupted["id"] in failures and corrupted["uri"] in failures
    assert "recorded at upload sha256:" in failures  # the last --check's second line


def test_others_may_not_read_the_report(running_app, researcher):
    """A researcher gets 403 and no menu item; an anonymous visitor must log in."""
    client = running_app.test_client()
    assert client.get("/preservation/").status_code in (302, 401)
    researcher.login(client)
    assert client.get("/preservation/").status_code == 403
    assert 'href="/preservation/"' not in client.get("/").get_data(as_text=True)
