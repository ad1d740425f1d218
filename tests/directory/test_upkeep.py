"""Upkeep duties: changes reach the directory within 15 working days (CD-PD Art. 14);
every entry is checked yearly (QY Art. 8)."""

from datetime import date, datetime, timedelta

from invenio_db import db

from techdata.directory import store

ENTRY = {"title_zh": "维护测试条目", "category": {"id": "rd"},
         "providing_entity": {"id": "scu", "zh": "四川大学", "en": "Sichuan University"},
         "opening_type": {"id": "unconditional"}}


def _pending(entry_id, on):
    rows = [r for r in store.pending_changes(on=on) if r["entry_id"] == entry_id]
    return rows[0] if rows else None


def test_change_is_due_within_15_working_days_until_released(running_app):
    """Due date in Chinese working days; a release clears it; a new change brings it back."""
    changed = datetime(2026, 9, 30, 2, 0)  # 10:00 in Chengdu, before the National Day week
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-upkeep1", now=changed)
    db.session.commit()
    row = _pending("c-upkeep1", on=date(2026, 10, 27))
    assert row["due_date"] == "2026-10-27"  # README: calendar due 2026-09-30 15
    assert row["overdue"] is False and row["entity"] == "scu" and row["entity_zh"] == "四川大学"
    assert _pending("c-upkeep1", on=date(2026, 10, 28))["overdue"] is True

    # A published release carried it: nothing pending.
    assert store.mark_released(["c-upkeep1"], datetime(2026, 10, 20, 8, 0)) == 1
    db.session.commit()
    assert _pending("c-upkeep1", on=date(2026, 10, 28)) is None
    # Saving the same facts is no change; changing them is.
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-upkeep1", now=datetime(2026, 11, 2))
    assert _pending("c-upkeep1", on=date(2026, 11, 3)) is None
    store.upsert_entry({**ENTRY, "title_zh": "维护测试条目（更名）"}, "catalogued",
                       entry_id="c-upkeep1", now=datetime(2026, 11, 2, 1, 0))
    db.session.commit()
    assert _pending("c-upkeep1", on=date(2026, 11, 3))["changed_at"].startswith("2026-11-02")

    # Withdrawing a released entry is a change too; an entry never released has nothing to withdraw.
    store.mark_released(["c-upkeep1"], datetime(2026, 11, 3))
    store.withdraw_entry("c-upkeep1", now=datetime(2026, 11, 4))
    assert _pending("c-upkeep1", on=date(2026, 11, 5))["withdrawn"] is True
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-upkeep2", now=datetime(2026, 11, 4))
    store.withdraw_entry("c-upkeep2", now=datetime(2026, 11, 4, 1))
    db.session.commit()
    assert _pending("c-upkeep2", on=date(2026, 11, 5)) is None


def test_yearly_check(running_app, client, bureau_token, entity_admin_token, company_token):
    """Entries unchecked for a year are flagged; entity admins and the bureau mark them checked."""
    old = datetime.utcnow() - timedelta(days=400)
    row = store.upsert_entry(ENTRY, "catalogued", entry_id="c-check1")
    row.last_checked = old
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-check2")  # checked today
    db.session.commit()
    flagged = [r["entry_id"] for r in store.unchecked_entries()]
    assert "c-check1" in flagged and "c-check2" not in flagged

    res = client.get("/api/directories/upkeep", headers=bureau_token)
    assert res.status_code == 200
    assert "c-check1" in [r["entry_id"] for r in res.get_json()["unchecked"]]
    assert res.get_json()["upkeep_days"] == 15
    assert client.get("/api/directories/upkeep", headers=company_token).status_code == 403
    assert client.get("/api/directories/upkeep", headers=entity_admin_token).status_code == 403

    res = client.post("/api/directories/entries/c-check1/checked", headers=company_token)
    assert res.status_code == 403
    assert "c-check1" in [r["entry_id"] for r in store.unchecked_entries()]
    res = client.post("/api/directories/entries/c-check1/checked", headers=entity_admin_token)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["last_checked"] == datetime.utcnow().date().isoformat()
    assert "c-check1" not in [r["entry_id"] for r in store.unchecked_entries()]
    res = client.post("/api/directories/entries/no-such/checked", headers=bureau_token)
    assert res.status_code == 404 and " / " in res.get_json()["message"]
