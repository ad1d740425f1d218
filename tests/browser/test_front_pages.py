"""A visitor opens the site, searches, logs in; the pages really render."""

import json
import re
import time
import urllib.parse
import urllib.request
import pytest
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.demo.loader import demo_record_data, publish_record
from tests.browser.helpers import SHOTS, login

SHOTS.mkdir(parents=True, exist_ok=True)

SPEC = {
    "title": "川西高原气象观测数据（浏览器测试）",
    "additional_title": "Daily meteorological observations of the western Sichuan plateau",
    "description": "川西高原自动气象站逐日观测数据。",
    "creators": [["赵", "敏"]],
    "subjects": ["气象观测"],
    "date": "2025-05-08",
}


@pytest.fixture(scope="module")
def published(running_app, database):
    """One committed, published record the live server can show (reviews passed)."""
    from techdata.demo.loader import depositor_identity, ensure_roles, ensure_users

    ensure_roles()
    users = ensure_users()
    owner = depositor_identity(users["researcher@example.org"])
    rec = publish_record(owner, demo_record_data(SPEC))
    records.indexer.refresh()
    return rec.to_dict()


@pytest.fixture(scope="module")
def visitor_account(app, database):
    """An active account to log in with."""
    from datetime import datetime, timezone

    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    current_datastore.create_user(
        email="visitor@test.example.org", password=hash_password("Visitor-Test-2026"),
        active=True, confirmed_at=datetime.now(timezone.utc),
    )
    db.session.commit()
    return "visitor@test.example.org", "Visitor-Test-2026"


def test_front_page(published, live_server_url, page):
    """The front page renders in Chinese with the built theme and scripts."""
    page.goto(live_server_url + "/")
    page.screenshot(path=str(SHOTS / "front.png"), full_page=True)
    assert "成都科技数据汇交平台" in page.title() + page.content()
    assert page.locator("html").get_attribute("lang").startswith("zh")
    # the built CSS is served (semantic-ui classes are styled)
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert "/static/dist/" in css
    # our logo is collected and served (a broken image has no natural width)
    logo = page.locator("img[src*='techdata-logo']").first
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")


def test_search_page_finds_record(published, live_server_url, page):
    """The React search page shows the record for a Chinese query."""
    title = published["metadata"]["title"]  # as stored (NFKC-normalised)
    page.goto(live_server_url + "/search?q=" + "气象观测")
    hit = page.get_by_text(title)
    hit.first.wait_for(state="visible")
    hit.first.click()
    page.wait_for_url(re.compile(r"/records/"))
    assert title in page.content()
    page.screenshot(path=str(SHOTS / "landing.png"), full_page=True)



def _decide_in_queue(chromium, url, email, password, title, act, shot):
    """Log in, open the review from the queue, act on the form, see it recorded."""
    context, page, console = login(chromium, url, email, password)
    try:
        page.goto(url + "/review/queue")
        page.get_by_role("link", name=title).first.click()
        page.locator("#decision-form").wait_for(state="visible")
        act(page)
        page.locator("#decision-done").wait_for(state="visible")
        page.screenshot(path=str(SHOTS / shot), full_page=True)
        assert page.locator("#review-status").get_attribute("data-status") == "accepted"
    except Exception:
        page.screenshot(path=str(SHOTS / f"failure-{shot}"), full_page=True)
        print("\n".join(console))
        raise
    finally:
        context.close()


def test_deposit_review_and_confidentiality_review_open_the_record(
    published, visitor_account, running_app, live_server_url, chromium
):
    """Researcher submits via the form; curator grades; reviewer passes; it is open.

    CD-TD Art. 11 and 24 in the browser. The deposit form runs in English
    (its React labels have no Chinese catalogue yet); the review pages are ours.
    """
    email, password = visitor_account
    context, page, console = login(chromium, live_server_url, email, password)
    title = "浏览器录入的数据集 Browser-deposited dataset"
    try:
        page.goto(live_server_url + "/uploads/new")
        page.locator("#metadata\\.title").wait_for(state="visible")
        # Submit to the city data centre.
        page.get_by_role("button", name=re.compile("Select a community")).first.click()
        modal = page.locator(".ui.modal")
        modal.get_by_role("button", name=re.compile("Select 成都市科技数据中心")).first.click()
        page.get_by_text("Metadata-only record").click()
        resource_type = page.locator("div[name='metadata.resource_type'] input.search")
        resource_type.fill("Dataset")
        resource_type.press("Enter")
        page.fill("#metadata\\.title", title)
        page.get_by_role("button", name=re.compile("Add author")).click()
        modal = page.locator(".ui.modal")
        modal.locator("input[name='person_or_org.family_name']").fill("王")
        modal.locator("input[name='person_or_org.given_name']").fill("芳")
        modal.get_by_role("button", name=re.compile("^Save$")).click()
        # the Chengdu fields (cdtd:); sharing and opening start unconditional
        page.fill("[name='custom_fields.cdtd:title_zh']", "浏览器录入的数据集")
        page.fill("[name='custom_fields.cdtd:abstract_zh']", "通过部署表单录入并发布的数据集。")
        for field, label in (("category", "R&D data"), ("secrecy", "Not classified")):
            dropdown = page.locator(f"[name='custom_fields.cdtd:{field}']")
            dropdown.click()
            dropdown.locator(".item", has_text=label).first.click()
        assert "Unconditional opening" in page.locator(
            "[name='custom_fields.cdtd:opening_type']").inner_text()
        page.get_by_role("button", name=re.compile("^Submit for review$")).first.click()
        modal = page.locator(".ui.modal")
        modal.locator("#accept-access-checkbox label").click()
        modal.locator("#accept-after-publish-checkbox label").click()
        modal.locator("button[name=submitReview]").click()
        page.wait_for_url(re.compile(r"/requests/"))
        page.locator("#review-banner").wait_for(state="visible")  # our request page
        page.screenshot(path=str(SHOTS / "submitted.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(SHOTS / "submit-failure.png"), full_page=True)
        print("\n".join(console))
        raise
    finally:
        context.close()

    def grade(page):
        page.select_option("#grade", "important")
        page.fill("#basis", "含重点区域环境数据，定为重要级")
        page.get_by_role("button", name="Accept and grade").click()

    _decide_in_queue(chromium, live_server_url, "curator@example.org", "Curator-Demo-2026",
                     title, grade, "curator-accepted.png")

    def pass_review(page):
        for item in ("no_state_secret", "no_personal_information", "no_commercial_secret",
                     "desensitised"):
            page.locator(f"#{item}").check(force=True)
        page.fill("#reasons", "无涉密内容")
        page.get_by_role("button", name="Pass").click()

    _decide_in_queue(chromium, live_server_url, "reviewer@example.org", "Reviewer-Demo-2026",
                     title, pass_review, "reviewer-passed.png")

    # The record is open now: anonymous REST read, graded as the curator said.
    query = urllib.parse.quote("浏览器录入的数据集")
    for _ in range(20):  # the index refreshes within a second or so
        with urllib.request.urlopen(f"{live_server_url}/api/records?q={query}") as res:
            hits = json.load(res)["hits"]["hits"]
        if hits:
            break
        time.sleep(0.5)
    assert len(hits) == 1
    data = hits[0]
    assert data["metadata"]["title"] == title
    cf = data["custom_fields"]
    assert cf["cdtd:grade"]["id"] == "important"
    assert cf["cdtd:category"]["id"] == "rd"
    assert cf["cdtd:opening_type"]["id"] == cf["cdtd:sharing_type"]["id"] == "unconditional"


def test_deposit_form_shows_the_rules(visitor_account, running_app, live_server_url, chromium):
    """In the form: a restriction without reason, and a classified declaration, are refused.

    CD-TD Art. 18 / LZ Art. 16 (reason and legal basis) and CD-TD Art. 14
    (classified data refused) as the depositor sees them on saving.
    """
    email, password = visitor_account
    context, page, _ = login(chromium, live_server_url, email, password)
    saved = []
    page.on("response", lambda r: "/api/records" in r.url and r.request.method in ("POST", "PUT")
            and saved.append(r.status))
    try:
        page.goto(live_server_url + "/uploads/new")
        page.locator("#metadata\\.title").wait_for(state="visible")
        page.fill("#metadata\\.title", "规则检查数据集 Rule check")
        page.fill("[name='custom_fields.cdtd:title_zh']", "规则检查数据集")
        dropdown = page.locator("[name='custom_fields.cdtd:opening_type']")
        dropdown.click()
        dropdown.locator(".item", has_text=re.compile("^Conditional opening$")).first.click()
        page.get_by_role("button", name=re.compile("^Save draft$")).click()
        message = page.get_by_text(re.compile("A reason is required when choosing")).first
        message.wait_for(state="visible")
        assert "CD-TD Art. 18" in message.inner_text()
        assert 400 in saved  # refused by the service, not only in the browser

        dropdown = page.locator("[name='custom_fields.cdtd:secrecy']")
        dropdown.click()
        dropdown.locator(".item", has_text=re.compile("^Secret$")).first.click()
        page.get_by_role("button", name=re.compile("^Save draft$")).click()
        page.get_by_text(re.compile("CD-TD Art. 14")).first.wait_for(state="visible")
        page.screenshot(path=str(SHOTS / "form-rules.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(SHOTS / "form-rules-failure.png"), full_page=True)
        raise
    finally:
        context.close()
