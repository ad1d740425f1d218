"""Acts recorded in the trail with who, what and before/after (issue 16): deposits, settings."""

from techdata.audit.settings import record_setting_changes
from tests.audit.conftest import trail
from tests.directory.test_api import CATALOGUED
from tests.helpers import deposit


def _actions(entries, action):
    """The entries of ``action``, oldest first."""
    return sorted((e for e in entries if e["action"] == action), key=lambda e: e["created"])


def test_deposit_created_submitted_returned_declined(audit_app, running_app, client, workflow,
                                                      curator_token, researcher_token):
    """Create, submit, return, resubmit and decline: each is an entry on the dataset."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    res = workflow.decide(review["id"], curator_token, decision="return",
                          comment="请补充英文摘要 / add an English abstract")
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{recid}/draft/actions/submit-review", json={},
                      headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    res = workflow.decide(review["id"], curator_token, decision="decline", comment="数据不完整")
    assert res.status_code == 200, res.get_json()

    entries = trail(recid)
    assert _actions(entries, "draft.create")  # InvenioRDM's own, in the same trail
    submits = _actions(entries, "techdata.deposit.submit")
    assert [e["metadata"]["before"]["status"] for e in submits] == ["created", "returned"]
    assert all(e["user"]["email"] == "researcher@test.example.org" for e in submits)
    assert submits[0]["metadata"]["details"]["request"] == review["id"]
    returns = _actions(entries, "techdata.deposit.return")
    assert [e["metadata"]["after"]["status"] for e in returns] == ["returned", "declined"]
    assert all(e["user"]["email"] == "curator@test.example.org" for e in returns)
    assert all(e["metadata"]["before"] == {"status": "submitted"} for e in returns)


def test_directory_catalogue_check_withdraw(audit_app, running_app, client, bureau_token):
    """The bureau catalogues, changes, checks and withdraws an entry: four entries."""
    res = client.post("/api/directories/entries", json=CATALOGUED, headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    entry_id = res.get_json()["entry_id"]
    res = client.put(f"/api/directories/entries/{entry_id}",
                     json={**CATALOGUED, "title_zh": "改名后的目录条目"}, headers=bureau_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/directories/entries/{entry_id}/checked", headers=bureau_token)
    assert res.status_code == 200, res.get_json()
    res = client.delete(f"/api/directories/entries/{entry_id}", headers=bureau_token)
    assert res.status_code in (200, 204), res.get_data(as_text=True)

    entries = trail(entry_id)
    steps = [e["metadata"]["after"]["step"]
             for e in _actions(entries, "techdata.directory.catalogue")]
    assert steps == ["create", "update"]
    assert all(e["user"]["email"] == "bureau@test.example.org" for e in entries)
    check = _actions(entries, "techdata.directory.check")
    assert len(check) == 1 and check[0]["metadata"]["before"]["last_checked"]
    withdrawn = _actions(entries, "techdata.directory.withdraw")
    assert len(withdrawn) == 1 and withdrawn[0]["metadata"]["after"]["withdrawn"] is True


def test_deadline_setting_changes_are_recorded(audit_app, db):
    """A changed deadline setting is one entry with its before and after; no change, none."""
    record_setting_changes()  # the first snapshot
    assert record_setting_changes() == []
    old = audit_app.config["TECHDATA_REVIEW_DEADLINES"]
    audit_app.config["TECHDATA_REVIEW_DEADLINES"] = {**old, "deposit-review": 20}
    try:
        assert record_setting_changes() == ["TECHDATA_REVIEW_DEADLINES"]
    finally:
        audit_app.config["TECHDATA_REVIEW_DEADLINES"] = old
    (entry,) = [e for e in trail("deadline-settings", "techdata.settings.change")
                if "TECHDATA_REVIEW_DEADLINES" in e["metadata"]["after"]
                and e["metadata"]["after"]["TECHDATA_REVIEW_DEADLINES"]["deposit-review"] == 20]
    assert entry["metadata"]["before"]["TECHDATA_REVIEW_DEADLINES"]["deposit-review"] == 15
    assert entry["user"]["email"] == "system@techdata.invalid"
