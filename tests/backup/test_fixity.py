"""Fixity (issue 17; CD-TD Art. 25, CoreTrustSeal R14): a corrupted file is found and named.

The scheduled checks are InvenioRDM's own beat tasks, as configured in
``CELERY_BEAT_SCHEDULE``: ``file-checks`` (``schedule_checksum_verification``) re-reads every file's
MD5 over the configured period (hourly batches), ``file-integrity-report``
mails the administrators the files that failed. ``scripts/backup --check``
hashes every file at once, and a backup never stores a copy that does not match
the database (it names the file and exits 2).
"""

import json

import pytest
from flask import current_app
from invenio_app_rdm.tasks import file_integrity_report
from invenio_db import db
from invenio_files_rest.models import FileInstance, ObjectVersion
from invenio_files_rest.tasks import schedule_checksum_verification
from invenio_rdm_records.records.api import RDMRecord


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
