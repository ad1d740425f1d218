"""Directory releases: diff, numbering, the review gate, immutability (service and triggers).

CD-TD Art. 7, 11 (the bureau publishes the directory), Art. 24 (confidentiality
review first); CD-PD Art. 14 (what changed since the last release).
"""

import pytest
from flask_principal import Identity, RoleNeed, UserNeed
from invenio_access.permissions import any_user, authenticated_user
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from techdata.directory import store
from techdata.directory.releases.models import OpenDirectoryRelease, OpenDirectoryReleaseItem
from techdata.directory.releases.service import ReleaseError, releases
from tests.helpers import CHECKLIST

PASS = {"decision": "pass", "checklist": CHECKLIST, "reasons": "无涉密内容 / nothing classified"}


def identity(user_id, *roles):
    """An identity of user ``user_id`` holding ``roles`` (as Invenio loads it)."""
    ident = Identity(user_id)
    ident.provides.update({UserNeed(user_id), any_user, authenticated_user,
                           *[RoleNeed(r) for r in roles]})
    return ident


BUREAU = identity(101, "bureau-admin")
BUREAU2 = identity(102, "bureau-admin")
REVIEWER = identity(103, "confidentiality-reviewer")
CURATOR = identity(104, "data-centre-curator")
PUBLIC = identity(105)


def term(id_, zh, en=None):
    """A vocabulary term of an entry."""
    return {"id": id_, "zh": zh, "en": en or id_}


def entry(n, opening="unconditional", **over):
    """An entry dict for dataset ``n``."""
    data = {
        "entry_id": f"c-test{n:04d}", "title_zh": f"测试数据集{n}", "title_en": f"Test dataset {n}",
        "content": f"第{n}个数据集的内容", "category": term("rd", "研发数据", "R&D data"),
        "responsible_department": term("kjj", "市科技局"), "providing_entity": term("scu", "四川大学"),
        "sharing_type": term("unconditional", "无条件共享"),
        "opening_type": term(opening, {"unconditional": "无条件开放", "conditional": "有条件开放",
                                       "none": "不予开放"}[opening]),
        "update_cycle": term("yearly", "每年"), "data_items": ["采样点", "含量"],
        "storage_format": "CSV",
    }
    data.update(over)
    return data


def put(n, opening="unconditional", **over):
    """Write entry ``n`` to the live directory (in the open one when its type allows)."""
    data = entry(n, opening, **over)
    store.upsert_entry(data, "catalogued", entry_id=data["entry_id"],
                       in_open=opening != "none", review_passed=True)


def release_through(audience="open"):
    """Compile, submit, pass the review and publish; returns the published release."""
    releases.compile(BUREAU, audience)
    releases.submit(BUREAU, audience)
    releases.review(REVIEWER, audience, PASS)
    return releases.publish(BUREAU2, audience)


def test_first_release_then_diff_after_add_change_withdraw(running_app, db):
    """Release 1 lists all as added; release 2's diff names the added, changed, withdrawn."""
    for n in (1, 2, 3):
        put(n)
    put(4, opening="none")
    draft = releases.compile(BUREAU, "open")
    assert draft.status == "draft" and draft.number is None and draft.entry_count == 3
    diff = releases.diff(draft)
    assert diff["against"] is None
    assert diff["counts"] == {"added": 3, "changed": 0, "withdrawn": 0}
    assert [e["entry_id"] for e in diff["added"]] == ["c-test0001", "c-test0002", "c-test0003"]
    first = release_through()
    assert (first.number, first.status, first.entry_count) == (1, "published", 3)

    put(2, title_zh="测试数据集2（修订）", storage_format="XLSX")  # changed
    store.withdraw_entry("c-test0003")  # withdrawn
    put(5)  # added
    draft = releases.compile(BUREAU, "open")
    diff = releases.diff(draft)
    assert diff["against"] == 1
    assert diff["counts"] == {"added": 1, "changed": 1, "withdrawn": 1}
    assert [e["entry_id"] for e in diff["added"]] == ["c-test0005"]
    assert [e["entry_id"] for e in diff["withdrawn"]] == ["c-test0003"]
    changed = diff["changed"][0]
    assert changed["entry_id"] == "c-test0002"
    assert {"title_zh", "storage_format"} <= set(changed["fields"])
    assert "content" not in changed["fields"] and "entry_id" not in changed["fields"]

    second = release_through()
    assert second.number == 2 and second.entry_count == 3
    # the published release 2 compares against 1, and release 1 is unchanged
    assert releases.diff(second)["counts"] == {"added": 1, "changed": 1, "withdrawn": 1}
    old = {e["entry_id"]: e for e in releases.iter_items(first)}
    assert old["c-test0002"]["title_zh"] == "测试数据集2" and "c-test0003" in old
    # a release without changes has an empty diff
    draft = releases.compile(BUREAU, "open")
    assert releases.diff(draft)["counts"] == {"added": 0, "changed": 0, "withdrawn": 0}
    assert draft.digest == second.digest


def test_entries_marked_released(running_app, db):
    """Publishing tells the store, so the 15-working-day duty sees it (CD-PD Art. 14)."""
    put(1)
    assert store.get_entry("c-test0001").last_released_at is None
    release = release_through()
    assert store.get_entry("c-test0001").last_released_at == release.published_at


def test_not_opened_entry_never_released(running_app, db):
    """A 不予开放 entry stays out, even when a source hands it over (CD-TD Art. 24)."""
    put(1)
    put(2, opening="none")
    release = release_through()
    ids = [e["entry_id"] for e in releases.iter_items(release)]
    assert ids == ["c-test0001"]
    # a source that wrongly includes a not-opened entry: it is skipped
    draft = releases.compile(BUREAU, "open", entries=[entry(7), entry(8, opening="none"),
                                                       {**entry(9), "opening_type": None}])
    assert [e["entry_id"] for e in releases.iter_items(draft)] == ["c-test0007"]
    # the resource directory's release has it (government only)
    resource = release_through("resource")
    assert sorted(e["entry_id"] for e in releases.iter_items(resource)) == [
        "c-test0001", "c-test0002"]
    assert resource.number == 1  # numbered per directory


def test_numbers_are_sequential_and_never_reused(running_app, db):
    """1, 2, 3 by publication; a discarded draft takes no number; none is deleted."""
    put(1)
    assert release_through().number == 1
    releases.compile(BUREAU, "open")
    releases.discard(BUREAU, "open")
    put(2)
    assert release_through().number == 2
    put(3)
    third = release_through()
    assert third.number == 3
    assert [r.number for r in releases.published(PUBLIC, "open")] == [3, 2, 1]
    with pytest.raises(DBAPIError, match="immutable"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM techdata_directory_release_item "
                                    "WHERE release_id = :id"), {"id": third.id})
    with pytest.raises(DBAPIError, match="immutable"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM techdata_directory_release WHERE id = :id"),
                               {"id": third.id})
    assert releases.latest("open").number == 3


def test_published_release_immutable_in_sql(running_app, db):
    """Triggers: no UPDATE/DELETE of a published release or its items, no new items."""
    put(1)
    release = release_through()
    statements = [
        ("UPDATE techdata_directory_release SET entry_count = 99 WHERE id = :id", {}),
        ("UPDATE techdata_directory_release SET status = 'draft' WHERE id = :id", {}),
        ("UPDATE techdata_directory_release_item SET data = '{}' WHERE release_id = :id", {}),
        ("UPDATE techdata_directory_release_item SET content_hash = 'x' WHERE release_id = :id", {}),
        ("INSERT INTO techdata_directory_release_item (release_id, entry_id, data, content_hash)"
         " VALUES (:id, 'c-forged', '{}', 'x')", {}),
        ("DELETE FROM techdata_directory_release WHERE id = :id", {}),
    ]
    for sql, params in statements:
        with pytest.raises(DBAPIError, match="immutable"):
            with db.session.begin_nested():
                db.session.execute(text(sql), {"id": release.id, **params})
    db.session.expire_all()
    again = db.session.get(OpenDirectoryRelease, release.id)
    assert (again.status, again.entry_count, again.number) == ("published", 1, 1)
    assert OpenDirectoryReleaseItem.query.filter_by(release_id=release.id).count() == 1
    # one unpublished release per directory, whatever writes it (partial unique index)
    releases.compile(BUREAU, "open")
    with pytest.raises(DBAPIError):
        with db.session.begin_nested():
            db.session.add(OpenDirectoryRelease(audience="open", status="draft"))
            db.session.flush()
    # a draft is not frozen: the triggers block only published releases
    draft = releases.current_draft("open")
    with db.session.begin_nested():
        db.session.execute(text("UPDATE techdata_directory_release_item SET content_hash = 'y' "
                                "WHERE release_id = :id"), {"id": draft.id})


def test_service_refuses_changes_to_published(running_app, db):
    """The service's own refusal: 409 in Chinese and English, nothing changed."""
    put(1)
    release = release_through()
    with pytest.raises(ReleaseError) as err:
        releases.require_draft("open", str(release.number))
    assert err.value.status == 409 and " / " in err.value.message
    # publishing again, reviewing again: there is no draft to act on
    for action in (lambda: releases.publish(BUREAU, "open"),
                   lambda: releases.review(REVIEWER, "open", PASS),
                   lambda: releases.submit(BUREAU, "open")):
        with pytest.raises(ReleaseError) as err:
            action()
        assert err.value.status == 404
    # recompiling makes a new draft; the published release keeps its content
    put(1, title_zh="改过的标题")
    draft = releases.compile(BUREAU, "open")
    assert draft.id != release.id
    assert next(releases.iter_items(release))["title_zh"] == "测试数据集1"


def test_review_gate(running_app, db):
    """No publication without a passed review of exactly this content (CD-TD Art. 24)."""
    put(1)
    put(2)
    releases.compile(BUREAU, "open")
    with pytest.raises(ReleaseError) as err:
        releases.publish(BUREAU, "open")  # not reviewed
    assert err.value.status == 409
    with pytest.raises(ReleaseError) as err:
        releases.review(REVIEWER, "open", PASS)  # not submitted
    assert err.value.status == 409
    releases.submit(BUREAU, "open")
    with pytest.raises(ReleaseError) as err:
        releases.compile(BUREAU, "open")  # under review: cannot change
    assert err.value.status == 409
    with pytest.raises(ReleaseError) as err:
        releases.publish(BUREAU, "open")  # in review
    assert err.value.status == 409
    # the compiler cannot review their own release, even holding the reviewer role
    both = identity(101, "bureau-admin", "confidentiality-reviewer")
    with pytest.raises(ReleaseError) as err:
        releases.review(both, "open", PASS)
    assert err.value.status == 403 and "CD-TD Art. 24" in err.value.message
    # incomplete checklist / fail without reasons: 400
    for bad in ({"decision": "pass", "checklist": {"no_state_secret": True}},
                {"decision": "fail", "reasons": " "}, {"decision": "maybe"}):
        with pytest.raises(ReleaseError) as err:
            releases.review(REVIEWER, "open", bad)
        assert err.value.status == 400 and err.value.errors
    # a failed review returns it to draft, with the reasons
    failed = releases.review(REVIEWER, "open", {"decision": "fail", "reasons": "条目2含个人信息"})
    assert (failed.status, failed.review_passed, failed.review_reasons) == (
        "draft", False, "条目2含个人信息")
    with pytest.raises(ReleaseError):
        releases.publish(BUREAU, "open")
    # resubmitted and passed: approved, with what was reviewed
    releases.submit(BUREAU, "open")
    passed = releases.review(REVIEWER, "open", PASS)
    assert passed.status == "approved" and passed.reviewed_digest == passed.digest
    assert passed.review_checklist == CHECKLIST and passed.reviewed_by == "103"
    # the draft's stored content changes behind the service's back: publish refuses
    db.session.execute(text(
        "UPDATE techdata_directory_release_item SET data = "
        "jsonb_set(data::jsonb, '{title_zh}', '\"篡改\"')::json "
        "WHERE release_id = :id AND entry_id = 'c-test0002'"), {"id": passed.id})
    with pytest.raises(ReleaseError) as err:
        releases.publish(BUREAU, "open")
    assert err.value.status == 409 and "review" in err.value.message
    assert releases.current_draft("open").status == "approved"  # nothing published
    # recompiling after the review voids it
    draft = releases.compile(BUREAU, "open")
    assert draft.status == "draft" and draft.review_passed is None
    with pytest.raises(ReleaseError):
        releases.publish(BUREAU, "open")
    assert releases.latest("open") is None


def test_permissions(running_app, db):
    """Bureau compiles/submits/publishes; reviewer reviews; drafts: government only."""
    put(1)
    for who in (REVIEWER, CURATOR, PUBLIC):
        with pytest.raises(ReleaseError) as err:
            releases.compile(who, "open")
        assert err.value.status == 403
    releases.compile(BUREAU, "open")
    for who in (REVIEWER, PUBLIC):
        with pytest.raises(ReleaseError) as err:
            releases.submit(who, "open")
        assert err.value.status == 403
    releases.submit(BUREAU, "open")
    for who in (BUREAU2, CURATOR, PUBLIC):
        with pytest.raises(ReleaseError) as err:
            releases.review(who, "open", PASS)
        assert err.value.status == 403
    releases.review(REVIEWER, "open", PASS)
    for who in (REVIEWER, CURATOR, PUBLIC):
        with pytest.raises(ReleaseError) as err:
            releases.publish(who, "open")
        assert err.value.status == 403
    # reading: the draft is for government roles only
    assert releases.get(CURATOR, "open", "draft").status == "approved"
    with pytest.raises(ReleaseError) as err:
        releases.get(PUBLIC, "open", "draft")
    assert err.value.status == 403
    release = releases.publish(BUREAU, "open")
    assert releases.get(PUBLIC, "open", "1").id == release.id
    assert releases.get(PUBLIC, "open", "latest").id == release.id
    with pytest.raises(ReleaseError) as err:
        releases.published(PUBLIC, "resource")
    assert err.value.status == 403


def test_review_mails(running_app, db, mailbox, UserFixture, app):
    """Submitting asks the reviewers by mail; the decision goes back to the bureau."""
    from tests.helpers import user_with_role

    reviewer = user_with_role(UserFixture, app, db, "mail-reviewer@test.example.org",
                               "confidentiality-reviewer")
    bureau = user_with_role(UserFixture, app, db, "mail-bureau@test.example.org",
                             "bureau-admin")
    put(1)
    releases.compile(BUREAU, "open")
    releases.submit(BUREAU, "open")
    assert len(mailbox) == 1
    assert mailbox[0].recipients == [reviewer.email]
    assert "confidentiality review" in mailbox[0].subject and "保密审查" in mailbox[0].subject
    releases.review(REVIEWER, "open", {"decision": "fail", "reasons": "条目1含个人信息"})
    assert len(mailbox) == 2 and mailbox[1].recipients == [bureau.email]
    assert "条目1含个人信息" in mailbox[1].body
