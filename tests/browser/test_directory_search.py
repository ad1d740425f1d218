"""A visitor searches the open directory with facets; the bureau works the upkeep and plan pages.

Journey: an anonymous visitor opens /directory/, searches, narrows the
results with the entity facet, opens an entry (never sees the not-opened
one, CD-TD Art. 24); the bureau marks an entry checked on /directory/upkeep
(QY Art. 8) and adds a high-value item to the open plan (CD-PD Art. 33).
"""

from datetime import datetime, timedelta

import pytest

from tests.browser.helpers import SHOTS, login


def _entry(n, title, entity, opening="unconditional"):
    """A catalogued entry of the live directory."""
    from techdata.directory import store

    return store.upsert_entry(
        {"title_zh": title, "title_en": f"Search journey dataset {n}",
         "content": "浏览器检索旅程测试数据", "category": {"id": "rd"},
         "providing_entity": {"id": entity}, "opening_type": {"id": opening},
         "update_cycle": {"id": "yearly"}},
        "catalogued", entry_id=f"c-journey{n}", in_open=opening != "none",
        review_passed=opening != "none")


@pytest.fixture(scope="module")
def directory_entries(running_app, database):
    """Three opened entries of two entities, one not opened, one unchecked for a year."""
    from invenio_db import db

    from techdata.demo.loader import ensure_roles, ensure_users

    ensure_roles()
    ensure_users()
    _entry(1, "检索旅程土壤数据", "scu")
    _entry(2, "检索旅程水质数据", "scu")
    _entry(3, "检索旅程交通数据", "swjtu")
    _entry(4, "检索旅程不予开放数据", "scu", opening="none")
    row = _entry(5, "检索旅程久未核查数据", "uestc")
    row.last_checked = datetime.utcnow() - timedelta(days=400)
    db.session.commit()


def test_visitor_searches_with_facets(directory_entries, live_server_url, chromium):
    """Search, facet, entry page; the not-opened entry never shows."""
    url = live_server_url
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(url + "/directory/")
        page.fill("#directory-q", "检索旅程")
        page.click("#directory-form button[type=submit] >> nth=0")
        page.wait_for_load_state("networkidle")
        results = page.locator("#directory-results .item")
        assert results.count() == 4  # 1, 2, 3 and 5: not the 不予开放 one
        assert "检索旅程不予开放数据" not in page.locator("#directory-results").inner_text()
        entity = page.locator(".facet[data-facet='entity']")
        assert "四川大学" in entity.inner_text()
        entity.locator("input[value='scu']").check()
        page.locator("#directory-facets button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        ids = [results.nth(i).get_attribute("data-entry") for i in range(results.count())]
        assert ids == ["c-journey1", "c-journey2"]
        assert page.locator(".facet[data-facet='entity'] input[value='scu']").is_checked()
        page.screenshot(path=str(SHOTS / "directory-search.png"), full_page=True)
        page.click("a:has-text('检索旅程土壤数据')")
        page.locator("#entry-fields").wait_for()
        assert "四川大学" in page.locator("tr[data-field='providing_entity']").inner_text()
        assert page.goto(url + "/directory/entries/c-journey4").status == 404
    finally:
        context.close()


def test_bureau_checks_an_entry_and_plans(directory_entries, live_server_url, chromium):
    """The bureau marks the unchecked entry checked and adds a high-value plan item."""
    url = live_server_url
    context, page, console = login(chromium, url, "bureau@example.org", "Bureau-Demo-2026",
                                   locale="zh-CN")
    try:
        page.goto(url + "/directory/upkeep")
        row = page.locator("#unchecked-entries tr[data-entry='c-journey5']")
        assert "电子科技大学" in row.inner_text()
        row.locator("button[type=submit]").click()
        page.locator("#checked-message").wait_for()
        assert page.locator("#unchecked-entries tr[data-entry='c-journey5']").count() == 0

        page.goto(url + "/directory/plan?year=2033")
        page.fill("#plan-entity", "scu")
        page.fill("#plan-entry", "c-journey1")
        page.fill("#plan-date", "2033-06-30")
        page.check("#plan-hv")
        page.click("#plan-add")
        page.wait_for_load_state("networkidle")
        row = page.locator("#plan-progress tr[data-entity='scu']")
        assert row.locator(".planned").inner_text() == "1"
        assert row.locator(".opened").inner_text() == "1"
        page.screenshot(path=str(SHOTS / "directory-plan.png"), full_page=True)
    except Exception:
        print("\n".join(console))
        raise
    finally:
        context.close()
