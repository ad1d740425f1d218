"""Directory entries derived from deposited records (CD-TD Art. 19, 24; LZ Art. 11)."""

from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service

from techdata.directory import store
from techdata.directory.fields import FIELD_KEYS
from techdata.directory.records import sync_all
from tests.directory.conftest import not_opened
from tests.helpers import deposit

DIRECTORY_CF = dict(
    responsible_department={"id": "kjj"}, providing_entity={"id": "scu"},
    update_cycle={"id": "yearly"}, business_name="土壤环境监测", storage_format="CSV",
    data_items=["采样点", "镉含量"], access_methods=[{"id": "download"}],
)


def _entry_id(rec):
    """The entry id of a published record's dataset."""
    return store.deposited_entry_id(rec["parent"]["id"])


def _open_ids():
    return [e["entry_id"] for e in store.iter_entries("open")]


def _resource_ids():
    return [e["entry_id"] for e in store.iter_entries("resource")]


def test_published_open_record_is_in_both_directories(running_app, workflow):
    """A reviewed 无条件开放 record: one entry, in the open directory, with its fields."""
    rec = workflow.publish(deposit(**DIRECTORY_CF))
    entry_id = _entry_id(rec)
    assert entry_id in _open_ids() and entry_id in _resource_ids()
    entry = next(e for e in store.iter_entries("open") if e["entry_id"] == entry_id)
    assert tuple(entry) == FIELD_KEYS
    assert entry["title_zh"] == "成都平原土壤重金属监测数据集"
    assert entry["title_en"].startswith("Heavy-metal")
    assert entry["category"]["id"] == "rd" and entry["category"]["zh"]
    assert entry["opening_type"]["id"] == "unconditional"
    assert entry["responsible_department"]["id"] == "kjj"
    assert entry["providing_entity"]["id"] == "scu"
    assert entry["update_cycle"]["id"] == "yearly"
    assert entry["data_items"] == ["采样点", "镉含量"]
    assert [t["id"] for t in entry["access_methods"]] == ["download"]
    assert entry["cstr"].startswith("CSTR:")
    assert entry["landing_page"].endswith(f"/records/{rec['id']}")
    assert entry["source"] == "deposited"
    assert entry["issued"] == "2024-03-15"
    row = store.get_entry(entry_id)
    assert row.in_open and row.review_passed and row.record_pid == rec["id"]


def test_not_opened_record_is_resource_only(running_app, workflow):
    """不予开放: in the resource directory, never in the open one (CD-TD Art. 24)."""
    rec = workflow.publish(not_opened())
    entry_id = _entry_id(rec)
    assert entry_id in _resource_ids()
    assert entry_id not in _open_ids()
    row = store.get_entry(entry_id)
    assert not row.in_open and not row.review_passed
    # A rebuild from all records does not open it either.
    sync_all()
    assert entry_id not in _open_ids() and entry_id in _resource_ids()


def test_new_version_updates_the_one_entry(running_app, client, workflow, researcher_token):
    """A new version keeps the dataset's entry and changes its facts (CD-PD Art. 14).

    (A new version of open data needs a new confidentiality review, which the
    review workflow does not offer for versions yet; a 不予开放 dataset is
    versioned without one.)
    """
    rec = workflow.publish(not_opened(**DIRECTORY_CF))
    entry_id = _entry_id(rec)
    before = store.get_entry(entry_id).changed_at
    res = client.post(f"/api/records/{rec['id']}/versions", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    draft = res.get_json()
    draft["metadata"]["publication_date"] = "2025-01-01"
    draft["custom_fields"]["cdtd:title_zh"] = "未公开专利实验数据（第二版）"
    draft["custom_fields"]["cdtd:update_cycle"] = {"id": "monthly"}
    res = client.put(f"/api/records/{draft['id']}/draft", json=draft, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{draft['id']}/draft/actions/publish",
                      headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    rows = store.DirectoryEntry.query.filter_by(parent_pid=rec["parent"]["id"]).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.entry_id == entry_id and row.record_pid == draft["id"]
    assert "第二版" in row.data["title_zh"]
    assert row.update_cycle == "monthly"
    assert row.changed_at > before and not row.in_open
    # Publishing the same facts again is no change.
    stamp = row.changed_at
    from techdata.directory.records import sync_record
    from invenio_rdm_records.records.api import RDMRecord

    sync_record(RDMRecord.pid.resolve(draft["id"]))
    assert store.get_entry(entry_id).changed_at == stamp


def test_deleted_record_leaves_both_directories(running_app, workflow):
    """Deleting (tombstoning) a record withdraws its entry; a sync keeps it withdrawn."""
    rec = workflow.publish(deposit(title="将被删除的数据集"))
    entry_id = _entry_id(rec)
    assert entry_id in _open_ids()
    current_rdm_records_service.delete_record(
        system_identity, rec["id"], {"removal_reason": {"id": "spam"}, "is_visible": True})
    assert entry_id not in _open_ids() and entry_id not in _resource_ids()
    assert store.get_entry(entry_id, include_withdrawn=True).withdrawn
    sync_all()
    assert entry_id not in _open_ids() and entry_id not in _resource_ids()


def test_sync_rebuilds_entries(running_app, workflow):
    """``sync_all`` recreates lost entries with the right audience."""
    opened = workflow.publish(deposit(title="重建测试开放数据"))
    closed = workflow.publish(not_opened(title="重建测试不开放数据"))
    from invenio_db import db

    store.DirectoryEntry.query.filter(store.DirectoryEntry.entry_id.in_(
        [_entry_id(opened), _entry_id(closed)])).delete(synchronize_session=False)
    db.session.commit()
    assert _entry_id(opened) not in _resource_ids()
    counts = sync_all()
    assert counts["synced"] >= 2
    assert _entry_id(opened) in _open_ids()
    assert _entry_id(closed) in _resource_ids() and _entry_id(closed) not in _open_ids()


def test_iter_entries_streams_in_entry_order(running_app, db):
    """Entries come ordered by entry id; withdrawn ones are left out."""
    ids = []
    for n in range(5):
        row = store.upsert_entry({"title_zh": f"外部数据{n}", "category": {"id": "rd"},
                                  "opening_type": {"id": "unconditional"}},
                                 "catalogued", entry_id=f"c-iter{4 - n}")
        ids.append(row.entry_id)
    store.withdraw_entry("c-iter2")
    got = [e["entry_id"] for e in store.iter_entries("resource", batch=2)
           if e["entry_id"].startswith("c-iter")]
    assert got == ["c-iter0", "c-iter1", "c-iter3", "c-iter4"]
    # No review recorded: not in the open directory whatever the opening type says.
    assert not [e for e in store.iter_entries("open") if e["entry_id"].startswith("c-iter")]


def test_restricting_a_record_takes_it_out_of_the_open_directory(
        running_app, client, workflow, researcher_token):
    """An edit to 不予开放 (metadata restricted) leaves only the resource entry."""
    rec = workflow.publish(deposit(title="将被限制的数据集"))
    entry_id = _entry_id(rec)
    assert entry_id in _open_ids()
    res = client.post(f"/api/records/{rec['id']}/draft", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    draft = res.get_json()
    draft["custom_fields"].update({
        "cdtd:opening_type": {"id": "none"}, "cdtd:opening_reason": "发现涉及个人信息",
        "cdtd:opening_legal_basis": "《个人信息保护法》第十三条"})
    res = client.put(f"/api/records/{rec['id']}/draft", json=draft, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{rec['id']}/draft/actions/publish",
                      headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    assert entry_id not in _open_ids() and entry_id in _resource_ids()
    row = store.get_entry(entry_id)
    assert not row.in_open and row.opening_type == "none"
