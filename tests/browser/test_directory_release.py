"""The bureau releases the open directory; a visitor downloads the release as CSV.

Journey: release 1 exists; entries then change (one added, one changed, one
withdrawn). The bureau compiles a draft and sees that diff, submits it; the
confidentiality reviewer passes the checklist (CD-TD Art. 24); the bureau
publishes release 2; an anonymous visitor opens /directory/releases and
downloads release 2 as CSV, which has the new entries and not the
withdrawn or the not-opened one.
"""

import csv
import io

import pytest

from tests.browser.helpers import SHOTS, logged_in_page

PASS = {"decision": "pass", "reasons": "无涉密内容",
        "checklist": {"no_state_secret": True, "no_personal_information": True,
                      "no_commercial_secret": True, "desensitised": True}}


def _entry(n, title, opening="unconditional"):
    """A catalogued entry of the live directory."""
    from techdata.directory import store

    store.upsert_entry(
        {"title_zh": title, "title_en": f"Browser dataset {n}",
         "providing_entity": {"id": "scu", "zh": "四川大学", "en": "Sichuan University"},
         "opening_type": {"id": opening, "zh": {"unconditional": "无条件开放",
                                               "none": "不予开放"}[opening], "en": opening}},
        "catalogued", entry_id=f"c-browser{n}", in_open=opening != "none", review_passed=True)


@pytest.fixture(scope="module")
def directory_with_release_1(running_app, database):
    """Release 1 published (entries 1-3); then 4 added, 2 changed, 3 withdrawn, 5 not opened."""
    from flask_principal import Identity, RoleNeed
    from invenio_db import db

    from techdata.demo.loader import ensure_roles, ensure_users
    from techdata.directory import store
    from techdata.directory.releases.service import releases

    ensure_roles()
    ensure_users()
    for n in (1, 2, 3):
        _entry(n, f"浏览器测试数据集{n}")
    db.session.commit()
    bureau, reviewer = Identity(9001), Identity(9002)
    bureau.provides.add(RoleNeed("bureau-admin"))
    reviewer.provides.add(RoleNeed("confidentiality-reviewer"))
    releases.compile(bureau, "open")
    releases.submit(bureau, "open")
    releases.review(reviewer, "open", PASS)
    releases.publish(bureau, "open")
    _entry(4, "浏览器测试数据集4")
    _entry(2, "浏览器测试数据集2（修订版）")
    store.withdraw_entry("c-browser3")
    _entry(5, "不予开放的浏览器数据集", opening="none")
    db.session.commit()


def test_bureau_releases_and_visitor_downloads_csv(directory_with_release_1, live_server_url,
                                                   chromium):
    """Compile → diff → submit → review passes → publish → anonymous CSV download."""
    url = live_server_url
    with logged_in_page(chromium, url, "bureau@example.org", "Bureau-Demo-2026",
                        "directory-release-compile-failed.png") as page:
        page.goto(url + "/directory/releases/manage")
        page.click("#release-compile")
        page.locator("#diff-table").wait_for(state="visible")
        assert page.locator("#diff-added").inner_text() == "1"
        assert page.locator("#diff-changed").inner_text() == "1"
        assert page.locator("#diff-withdrawn").inner_text() == "1"
        assert page.locator("tr[data-change='added']").get_attribute("data-entry") == "c-browser4"
        changed = page.locator("tr[data-change='changed']")
        assert changed.get_attribute("data-entry") == "c-browser2"
        assert "title_zh" in changed.inner_text()
        assert page.locator("tr[data-change='withdrawn']").get_attribute(
            "data-entry") == "c-browser3"
        assert page.locator("tr[data-entry='c-browser5']").count() == 0
        page.screenshot(path=str(SHOTS / "directory-release-diff.png"), full_page=True)
        assert page.locator("#release-publish").count() == 0  # not before the review
        page.click("#release-submit")
        page.locator("#release-draft[data-status='in_review']").wait_for()

    with logged_in_page(chromium, url, "reviewer@example.org", "Reviewer-Demo-2026",
                        "directory-release-review-failed.png") as page:
        page.goto(url + "/directory/releases/manage")
        assert page.locator("#release-compile").count() == 0  # reviewers do not compile
        page.locator("#release-review-form").wait_for(state="visible")
        page.click("#review-pass")  # empty checklist: refused with the reason
        assert "checklist" in page.locator(".flashed.message").first.text_content()
        for item in PASS["checklist"]:
            page.check(f"#check-{item}")
        page.fill("#reasons", "已逐条核查，无涉密、个人信息和商业秘密")
        page.click("#review-pass")
        page.locator("#release-draft[data-status='approved']").wait_for()

    with logged_in_page(chromium, url, "bureau@example.org", "Bureau-Demo-2026",
                        "directory-release-publish-failed.png") as page:
        page.goto(url + "/directory/releases/manage")
        page.click("#release-publish")
        page.locator("#no-draft").wait_for(state="visible")
        assert "2" in page.locator("#release-previous").inner_text()

    context = chromium.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(url + "/directory/releases")
        row = page.locator("tr[data-release='2']")
        assert "3" in row.inner_text()
        page.screenshot(path=str(SHOTS / "directory-releases.png"), full_page=True)
        with page.expect_download() as download:
            row.locator("a[data-format='csv']").click()
        with open(download.value.path(), encoding="utf-8-sig") as fp:
            rows = list(csv.reader(io.StringIO(fp.read())))
        assert rows[0][:2] == ["目录编号", "数据资源名称"]
        by_id = {r[0]: r for r in rows[1:]}
        assert sorted(by_id) == ["c-browser1", "c-browser2", "c-browser4"]
        assert by_id["c-browser2"][1] == "浏览器测试数据集2（修订版）"
        assert "c-browser3" not in by_id and "c-browser5" not in by_id
        page.goto(url + "/directory/releases/2")
        assert page.locator("#release-count").inner_text() == "3"
        assert page.locator("tr[data-entry='c-browser4']").count() == 1
    finally:
        context.close()
