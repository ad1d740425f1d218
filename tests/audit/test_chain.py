"""The trail is append-only and chained; verify names the first broken entry (LZ Art. 38)."""

import pytest
from invenio_access.permissions import system_identity
from invenio_accounts.proxies import current_datastore
from invenio_audit_logs.records.models import AuditLog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from techdata.cli import techdata
from techdata.kernel import audit, roles
from techdata.kernel.roles import ensure_roles
from techdata.audit.violations import current_violation_service
from techdata.kernel.audit_chain import (GUARDED, AuditChainLink, ensure_guards, guards_in_place,
                                         verify)
from tests.helpers import registered_user


def _entries(db, n, resource="cal-2027"):
    """Write ``n`` entries, each in its own transaction."""
    for i in range(n):
        audit.log("techdata.calendar.load", f"{resource}-{i}", identity=system_identity,
                  before={"days": i}, after={"days": i + 1})
    db.session.expire_all()
    return [link.log_id for link in AuditChainLink.query.order_by(AuditChainLink.position)]


def _without_triggers(db, sql):
    """Run ``sql`` on the trail with its triggers off (what an intruder with DB access does)."""
    db.session.execute(text("ALTER TABLE audit_logs_metadata DISABLE TRIGGER USER"))
    db.session.execute(text("ALTER TABLE techdata_audit_chain DISABLE TRIGGER USER"))
    db.session.execute(text(sql))
    db.session.execute(text("ALTER TABLE audit_logs_metadata ENABLE TRIGGER USER"))
    db.session.execute(text("ALTER TABLE techdata_audit_chain ENABLE TRIGGER USER"))


def test_entry_carries_who_what_before_after(audit_app, db):
    """An entry names the user, the action, the object and the changed fields."""
    ids = _entries(db, 1, "cal-who")
    row = db.session.get(AuditLog, ids[-1])
    assert row.action == "techdata.calendar.load"
    assert row.json["resource"] == {"id": "cal-who-0", "type": "calendar"}
    assert row.json["user"]["id"] == "system"
    assert row.json["metadata"]["before"] == {"days": 0}
    assert row.json["metadata"]["after"] == {"days": 1}
    assert {"ip_address", "user_agent", "roles", "entity"} <= set(row.json["metadata"])


def test_chain_verifies_clean(audit_app, db):
    """Every entry is linked, each link covering the previous one."""
    ids = _entries(db, 3)
    links = AuditChainLink.query.order_by(AuditChainLink.position).all()
    assert [link.log_id for link in links][-3:] == ids[-3:]
    assert all(b.prev_hash == a.entry_hash for a, b in zip(links, links[1:]))
    checked, broken = verify()
    assert broken is None and checked == len(links)


def test_database_refuses_update_and_delete(audit_app, db):
    """UPDATE and DELETE of an entry or a link fail in the database (CD-PD Art. 23)."""
    ids = _entries(db, 1)
    for sql in (f"UPDATE audit_logs_metadata SET action = 'x' WHERE id = '{ids[-1]}'",
                f"DELETE FROM audit_logs_metadata WHERE id = '{ids[-1]}'",
                "UPDATE techdata_audit_chain SET entry_hash = 'x'",
                "DELETE FROM techdata_audit_chain"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text(sql))
    assert verify()[1] is None


def test_one_guard_function_for_every_append_only_table(audit_app, db):
    """The trail, its links, the register and the digests share the kernel's guard
    function, each trigger passing its rule: DELETE refused everywhere; UPDATE refused
    but on a finding (its follow-up and closing) (LZ Art. 38; CD-TD Art. 27)."""
    assert set(GUARDED) == {"audit_logs_metadata", "techdata_audit_chain",
                            "techdata_audit_violation", "techdata_audit_digest"}
    functions = set(db.session.execute(text(
        "SELECT DISTINCT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
        "AND c.relname = ANY(:tables)"), {"tables": list(GUARDED)}).scalars())
    assert functions == {"techdata_append_only"}
    assert guards_in_place() and ensure_guards() is False
    found = current_violation_service.register(system_identity, {
        "entity": "ENT-GUARD", "kind": "other", "found_on": "2026-11-02",
        "description": "guard", "rectify_days": 5})
    db.session.execute(text(
        "INSERT INTO techdata_audit_digest (day, position, last_hash, count, body, signature, "
        "key_id, created) VALUES ('1999-01-01', 0, 'x', 0, '{}', 'x', 'k', now())"))
    db.session.commit()
    for sql in ("UPDATE techdata_audit_digest SET count = 1 WHERE day = '1999-01-01'",
                "DELETE FROM techdata_audit_digest WHERE day = '1999-01-01'",
                f"DELETE FROM techdata_audit_violation WHERE id = {found['id']}"):
        with pytest.raises(DBAPIError, match="append-only, kept as evidence"):
            with db.session.begin_nested():
                db.session.execute(text(sql))
    db.session.execute(text("UPDATE techdata_audit_violation SET rectification = 'ok' "
                            f"WHERE id = {found['id']}"))
    # the bogus digest goes (triggers off), so later digest checks see only real ones
    db.session.execute(text("ALTER TABLE techdata_audit_digest DISABLE TRIGGER USER"))
    db.session.execute(text("DELETE FROM techdata_audit_digest WHERE day = '1999-01-01'"))
    db.session.execute(text("ALTER TABLE techdata_audit_digest ENABLE TRIGGER USER"))
    db.session.commit()


def test_verify_names_an_edited_entry(audit_app, db):
    """An entry edited in SQL (triggers off) breaks the chain at that entry."""
    ids = _entries(db, 3)
    _without_triggers(db, "UPDATE audit_logs_metadata SET json = jsonb_set(json::jsonb, "
                          "'{metadata,after,days}', '99')::json "
                          f"WHERE id = '{ids[-2]}'")
    checked, broken = verify()
    assert broken.kind == "edited" and broken.log_id == ids[-2]
    assert str(ids[-2]) in str(broken)


def test_verify_names_a_deleted_entry(audit_app, db):
    """A deleted entry (its link kept, or both removed) is found."""
    ids = _entries(db, 3)
    _without_triggers(db, f"DELETE FROM audit_logs_metadata WHERE id = '{ids[-2]}'")
    broken = verify()[1]
    assert broken.kind == "deleted" and broken.log_id == ids[-2]
    _without_triggers(db, f"DELETE FROM techdata_audit_chain WHERE log_id = '{ids[-2]}'")
    broken = verify()[1]
    assert broken.kind == "deleted"


def test_verify_names_an_inserted_entry(audit_app, db):
    """An entry inserted in SQL without a link is named."""
    ids = _entries(db, 1)
    _without_triggers(db, "INSERT INTO audit_logs_metadata (id, created, updated, json, "
                          "version_id, action, resource_type, user_id) "
                          "SELECT gen_random_uuid(), created, updated, json, 1, action, "
                          f"resource_type, user_id FROM audit_logs_metadata WHERE id = '{ids[-1]}'")
    broken = verify()[1]
    assert broken.kind == "inserted" and broken.log_id not in ids


def test_verify_command(audit_app, db):
    """``invenio techdata audit verify`` passes on a clean chain, fails naming the entry."""
    ids = _entries(db, 2)
    runner = audit_app.test_cli_runner()
    result = runner.invoke(techdata, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    _without_triggers(db, "UPDATE audit_logs_metadata SET user_id = '42' "
                          f"WHERE id = '{ids[-1]}'")
    result = runner.invoke(techdata, ["audit", "verify"])
    assert result.exit_code == 1
    assert str(ids[-1]) in result.output and "edited" in result.output
    result = runner.invoke(techdata, ["audit", "retention"])
    assert result.exit_code == 0 and "5" in result.output


def test_role_changes_are_recorded_and_chained(audit_app, db, UserFixture):
    """Giving and taking a role writes an entry, linked in the chain (LZ Art. 21)."""
    user = registered_user(UserFixture, audit_app, db, "roles-audit@test.example.org",
                           "Roles-Test-2026")
    ensure_roles()
    current_datastore.add_role_to_user(user.user, roles.AUDITOR)
    db.session.commit()
    current_datastore.remove_role_from_user(user.user, roles.AUDITOR)
    db.session.commit()
    rows = (AuditLog.query.filter_by(action="techdata.role.change", resource_type="user")
            .order_by(AuditLog.created).all())
    mine = [r for r in rows if r.json["resource"]["id"] == str(user.id)]
    assert [r.json["metadata"]["details"]["added"] for r in mine] == [[roles.AUDITOR], []]
    assert mine[1].json["metadata"]["details"]["removed"] == [roles.AUDITOR]
    assert mine[0].json["metadata"]["after"]["roles"] == [roles.AUDITOR]
    linked = {link.log_id for link in AuditChainLink.query}
    assert all(r.id in linked for r in mine)
    assert verify()[1] is None
