"""A visitor opens the site, searches, logs in; the pages really render."""

import json
import re
import urllib.request
from pathlib import Path

import pytest
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.demo.loader import demo_record_data, publish_record

SHOTS = Path(__file__).resolve().parents[2] / ".services" / "logs" / "screenshots"
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
    """One committed, published record the live server can show."""
    rec = publish_record(system_identity, demo_record_data(SPEC))
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


def test_login_deposit_publish(visitor_account, running_app, live_server_url, chromium):
    """A registered user logs in, fills the deposit form and publishes.

    Runs in English (Accept-Language) because the deposit form's React labels
    have no Chinese catalogue yet; the server-side pages are tested in Chinese
    above.
    """
    email, password = visitor_account
    context = chromium.new_context(locale="en")
    page = context.new_page()
    page.set_default_timeout(30000)
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and console.append(f"HTTP {r.status} {r.url}"))
    try:
        page.goto(live_server_url + "/login/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, "login failed"

        page.goto(live_server_url + "/uploads/new")
        page.locator("#metadata\\.title").wait_for(state="visible")
        page.get_by_text("Metadata-only record").click()
        resource_type = page.locator("div[name='metadata.resource_type'] input.search")
        resource_type.fill("Dataset")
        resource_type.press("Enter")
        page.fill("#metadata\\.title", "浏览器录入的数据集 Browser-deposited dataset")
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
        page.get_by_role("button", name=re.compile("^Publish$")).first.click()
        page.locator(".ui.modal").get_by_role("button", name=re.compile("^Publish$")).click()
        page.wait_for_url(re.compile(r"/records/[a-z0-9]{5}-[a-z0-9]{5}$"))
        page.screenshot(path=str(SHOTS / "deposited.png"), full_page=True)
        assert "浏览器录入的数据集" in page.content()
    except Exception:
        page.screenshot(path=str(SHOTS / "deposit-failure.png"), full_page=True)
        print("\n".join(console))
        raise
    finally:
        context.close()

    # The published record is public over REST.
    recid = page.url.rsplit("/", 1)[1]
    with urllib.request.urlopen(f"{live_server_url}/api/records/{recid}") as res:
        data = json.load(res)
    assert data["metadata"]["title"] == "浏览器录入的数据集 Browser-deposited dataset"
    assert data["metadata"]["creators"][0]["person_or_org"]["family_name"] == "王"
    cf = data["custom_fields"]
    assert cf["cdtd:category"]["id"] == "rd"
    assert cf["cdtd:secrecy"]["id"] == "non-classified"
    assert cf["cdtd:title_zh"] == "浏览器录入的数据集"
    assert cf["cdtd:opening_type"]["id"] == cf["cdtd:sharing_type"]["id"] == "unconditional"
