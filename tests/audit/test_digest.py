"""Signed daily digests, the scheduled verification and its alert, archives, XLSX (LZ Art. 38)."""

import io
import json
import zipfile
from datetime import date

from openpyxl import load_workbook

from techdata.audit.archive import archive_zip, verify_archive
from techdata.audit.digest import check, digests, run_daily
from techdata.audit.models import AuditDigest
from techdata.audit.tasks import daily_digest
from techdata.certificates import signing
from techdata.cli import techdata
from techdata.kernel import roles
from tests.audit.conftest import refresh_trail
from tests.audit.test_chain import _entries, _without_triggers
from tests.helpers import user_with_role


def test_daily_digest_is_signed_and_pins_the_chain(audit_app, db):
    """A clean chain: today's digest holds the last hash and count, signed with the key."""
    ids = _entries(db, 3, "digest-clean")
    result = run_daily(date(2026, 11, 30))
    assert result["ok"] and not result["problems"], result
    body = result["digest"]["body"]
    assert body["position"] == result["checked"] and body["count"] >= 3
    assert signing.verify(body, result["digest"]["signature"])
    assert result["digest"]["key_id"] == signing.key_id()
    # once a day: the same digest again
    assert run_daily(date(2026, 11, 30))["digest"]["signature"] == result["digest"]["signature"]
    assert [d["day"] for d in digests()].count("2026-11-30") == 1
    runner = audit_app.test_cli_runner()
    out = runner.invoke(techdata, ["audit", "digest"])
    assert out.exit_code == 0 and "2026-11-30" in out.output and "intact" in out.output
    assert ids


def test_tampered_entry_fails_the_scheduled_task_and_alerts_admins(audit_app, db, UserFixture,
                                                                   mailbox):
    """An SQL edit (triggers off): the task signs nothing and e-mails the administrators."""
    admin = user_with_role(UserFixture, audit_app, db, "audit-admin@test.example.org",
                           roles.ADMIN)
    ids = _entries(db, 3, "digest-tamper")
    assert run_daily(date(2026, 11, 29))["ok"]
    _without_triggers(db, "UPDATE audit_logs_metadata SET json = jsonb_set(json::jsonb, "
                          "'{metadata,after,days}', '77')::json "
                          f"WHERE id = '{ids[-2]}'")
    before = db.session.query(AuditDigest).count()
    daily_digest.delay()  # the beat task (eager in tests)
    assert db.session.query(AuditDigest).count() == before  # nothing signed
    alerts = [m for m in mailbox if "审计链校验失败" in m.subject]
    assert len(alerts) == 1 and admin.email in alerts[0].recipients
    assert str(ids[-2]) in alerts[0].body and "Audit trail verification failed" in alerts[0].subject
    checked, problems = check()
    assert problems and str(ids[-2]) in problems[0]
    out = audit_app.test_cli_runner().invoke(techdata, ["audit", "digest"])
    assert out.exit_code == 1 and str(ids[-2]) in out.output


def test_relinked_chain_is_caught_by_the_digest(audit_app, db):
    """Rewriting a digested link's hash (and everything after) does not go unnoticed."""
    _entries(db, 2, "digest-relink")
    result = run_daily(date(2026, 11, 28))
    position = result["digest"]["position"]
    _without_triggers(db, "UPDATE techdata_audit_chain SET entry_hash = repeat('a', 64) "
                          f"WHERE position = {position}")
    problems = check()[1]
    assert any(f"link {position} differs from the digest" in p for p in problems), problems


def test_archive_is_signed_and_checked(audit_app, db):
    """A period's entries and digests as a ZIP; a changed file or manifest is found."""
    _entries(db, 2, "digest-archive")
    run_daily(date(2026, 11, 27))
    data, manifest = archive_zip(None, None)
    assert manifest["entries"] >= 2 and manifest["digests"] >= 1
    assert verify_archive(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        lines = zf.read("entries.jsonl").decode().splitlines()
        assert all(json.loads(line)["link"]["entry_hash"] for line in lines)
        files = {name: zf.read(name) for name in zf.namelist()}
    files["entries.jsonl"] = files["entries.jsonl"].replace(b"digest-archive-0", b"digest-archive-9")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    assert verify_archive(out.getvalue()) == ["entries.jsonl changed / entries.jsonl 已被改动"]
    # nothing in the future: an empty period is an empty, still signed archive
    empty, manifest = archive_zip(date(2099, 1, 1), date(2099, 1, 2))
    assert manifest["entries"] == 0 and verify_archive(empty) == []


def test_xlsx_and_archive_downloads_for_auditors(audit_app, db, auditor, researcher):
    """The audit page offers XLSX next to CSV, and the archive; a researcher gets neither."""
    _entries(db, 1, "digest-xlsx")
    refresh_trail()
    client = audit_app.test_client()
    auditor.login(client)
    page = client.get("/audit/").get_data(as_text=True)
    assert 'id="audit-export-xlsx"' in page and 'id="audit-archive"' in page
    res = client.get("/audit/export.xlsx", query_string={"object": "digest-xlsx-0"})
    assert res.status_code == 200, res.get_data(as_text=True)[:500]
    sheet = load_workbook(io.BytesIO(res.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "digest-xlsx-0" in rows[1]
    res = client.get("/audit/archive.zip", query_string={"date_from": "2020-01-01"})
    assert res.status_code == 200 and res.mimetype == "application/zip"
    assert verify_archive(res.data) == []
    other = audit_app.test_client()
    researcher.login(other)
    assert other.get("/audit/export.xlsx").status_code == 403
    assert other.get("/audit/archive.zip").status_code == 403
