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
    # the data admin of scu sees scu's entries only (issue 18; CD-TD Art. 9)
    own = client.get("/api/directories/upkeep", headers=entity_admin_token)
    assert own.status_code == 200, own.get_json()
    assert "c-check1" in [r["entry_id"] for r in own.get_json()["unchecked"]]
    assert {r["entity"] for r in own.get_json()["unchecked"] + own.get_json()["pending_changes"]
            } == {"scu"}

    res = client.post("/api/directories/entries/c-check1/checked", headers=company_token)
    assert res.status_code == 403
    assert "c-check1" in [r["entry_id"] for r in store.unchecked_entries()]
    res = client.post("/api/directories/entries/c-check1/checked", headers=entity_admin_token)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["last_checked"] == datetime.utcnow().date().isoformat()
    assert "c-check1" not in [r["entry_id"] for r in store.unchecked_entries()]
    res = client.post("/api/directories/entries/no-such/checked", headers=bureau_token)
    assert res.status_code == 404 and " / " in res.get_json()["message"]


def test_an_entity_admin_keeps_only_his_own_entries(running_app, client, entity_admin_token,
                                                    other_entity_admin_token):
    """The admin of uestc neither sees nor checks scu's entries; his own he does (CD-TD Art. 8-9;
    QY Art. 8; issue 18)."""
    old = datetime.utcnow() - timedelta(days=400)
    store.upsert_entry(ENTRY, "catalogued", entry_id="c-scope-scu").last_checked = old
    theirs = {**ENTRY, "title_zh": "电子科大条目",
              "providing_entity": {"id": "uestc", "zh": "电子科技大学", "en": "UESTC"}}
    store.upsert_entry(theirs, "catalogued", entry_id="c-scope-uestc").last_checked = old
    db.session.commit()

    res = client.get("/api/directories/upkeep", headers=other_entity_admin_token)
    assert res.status_code == 200
    listed = [r["entry_id"] for r in res.get_json()["unchecked"] + res.get_json()["pending_changes"]]
    assert "c-scope-uestc" in listed and "c-scope-scu" not in listed
    res = client.post("/api/directories/entries/c-scope-scu/checked",
                      headers=other_entity_admin_token)
    assert res.status_code == 403 and "CD-TD Art. 9" in res.get_json()["message"]
    assert "c-scope-scu" in [r["entry_id"] for r in store.unchecked_entries()]
    res = client.post("/api/directories/entries/c-scope-uestc/checked",
                      headers=other_entity_admin_token)
    assert res.status_code == 200, res.get_json()
    res = client.post("/api/directories/entries/c-scope-scu/checked", headers=entity_admin_token)
    assert res.status_code == 200, res.get_json()
    assert not {"c-scope-scu", "c-scope-uestc"} & {r["entry_id"] for r in store.unchecked_entries()}


def test_an_entity_admin_keeps_only_his_own_plan_items(running_app, client, entity_admin_token,
                                                       other_entity_admin_token, bureau_token):
    """Open plan items (CD-PD Art. 33): scu's data admin adds, changes and removes scu's items;
    uestc's admin cannot touch them nor add items for scu (CD-TD Art. 9; issue 18)."""
    item = {"year": 2034, "entity": "scu", "title": "高校仪器共享数据",
            "planned_date": "2034-06-30"}
    res = client.post("/api/directories/plan", json=item, headers=other_entity_admin_token)
    assert res.status_code == 403 and "CD-TD Art. 9" in res.get_json()["message"]
    res = client.post("/api/directories/plan", json=item, headers=entity_admin_token)
    assert res.status_code == 201, res.get_json()
    item_id = res.get_json()["id"]
    moved = {**item, "entity": "uestc"}
    assert client.put(f"/api/directories/plan/{item_id}", json=moved,
                      headers=entity_admin_token).status_code == 403
    assert client.put(f"/api/directories/plan/{item_id}", json=item,
                      headers=other_entity_admin_token).status_code == 403
    assert client.delete(f"/api/directories/plan/{item_id}",
                         headers=other_entity_admin_token).status_code == 403
    res = client.put(f"/api/directories/plan/{item_id}", json={**item, "title": "仪器共享数据"},
                     headers=entity_admin_token)
    assert res.status_code == 200, res.get_json()
    assert client.delete(f"/api/directories/plan/{item_id}",
                         headers=entity_admin_token).status_code in (200, 204)
