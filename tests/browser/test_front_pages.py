"""A visitor opens the site, searches, logs in; the pages really render."""

import re

import pytest
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.demo.loader import demo_record_data, publish_record

SPEC = {
    "title": "川西高原气象观测数据（浏览器测试）",
    "additional_title": "Daily meteorological observations of the western Sichuan plateau",
    "description": "川西高原自动气象站逐日观测数据。",
    "creators": [["赵", "敏"]],
    "subjects": ["气象观测"],
    "date": "2025-05-08",
}


@pytest.fixture(scope="module")
def published(app, database, location, vocabularies):
    """One committed, published record the live server can show."""
    rec = publish_record(system_identity, demo_record_data(SPEC))
    records.indexer.refresh()
    return rec


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
    assert "成都科技数据汇交平台" in page.title() + page.content()
    assert page.locator("html").get_attribute("lang").startswith("zh")
    # the built CSS is served (semantic-ui classes are styled)
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert "/static/dist/" in css


def test_search_page_finds_record(published, live_server_url, page):
    """The React search page shows the record for a Chinese query."""
    page.goto(live_server_url + "/search?q=" + "气象观测")
    hit = page.get_by_text(SPEC["title"])
    hit.first.wait_for(state="visible")
    hit.first.click()
    page.wait_for_url(re.compile(r"/records/"))
    assert SPEC["title"] in page.content()


def test_login_and_open_deposit_form(visitor_account, live_server_url, page):
    """A registered user logs in and reaches the deposit form."""
    email, password = visitor_account
    page.goto(live_server_url + "/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(live_server_url + "/uploads/new")
    # the React deposit form mounted (its title field exists)
    page.locator("#metadata\\.title").wait_for(state="visible")
