"""The directory pages' forms ("mark as checked", "add a plan item") carry the
session's CSRF token; a post without it is refused and stores nothing."""

import re
from datetime import datetime, timedelta

import pytest
from flask import g
from invenio_db import db

from techdata.directory import store
from techdata.directory.models import OpenPlanItem

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
"""The hidden token field of a page's form."""

ENTRY = {"title_zh": "跨站请求测试条目", "category": {"id": "rd"},
         "providing_entity": {"id": "scu", "zh": "四川大学", "en": "Sichuan University"},
         "opening_type": {"id": "unconditional"}}


@pytest.fixture()
def bureau_client(app, bureau):
    """A client logged in as the bureau, with CSRF checks on (as in production)."""
    with app.test_client() as c:
        bureau.login(c)
        app.config["WTF_CSRF_ENABLED"] = True
        try:
            yield c
        finally:
            app.config["WTF_CSRF_ENABLED"] = False


def _token(client, url):
    """The CSRF token in the form of the page at ``url``.

    Flask-WTF caches the signed token in ``g``; the tests' requests share
    one app context, so a token of an earlier test's session is dropped first.
    """
    g.pop("csrf_token", None)
    html = client.get(url).get_data(as_text=True)
    found = TOKEN.search(html)
    assert found, f"no csrf_token field on {url}"
    return found.group(1)


def test_mark_checked_needs_the_token(running_app, bureau_client):
    """Without the token: 400 and the entry stays unchecked; with the upkeep page's token: checked."""
    row = store.upsert_entry(ENTRY, "catalogued", entry_id="c-csrf1")
    row.last_checked = datetime.utcnow() - timedelta(days=400)
    db.session.commit()
    assert "c-csrf1" in [r["entry_id"] for r in store.unchecked_entries()]

    res = bureau_client.post("/directory/entries/c-csrf1/checked", data={})
    assert res.status_code == 400
    assert "c-csrf1" in [r["entry_id"] for r in store.unchecked_entries()]
    res = bureau_client.post("/directory/entries/c-csrf1/checked", data={"csrf_token": "forged"})
    assert res.status_code == 400

    token = _token(bureau_client, "/directory/upkeep")
    res = bureau_client.post("/directory/entries/c-csrf1/checked", data={"csrf_token": token})
    assert res.status_code == 302
    assert "c-csrf1" not in [r["entry_id"] for r in store.unchecked_entries()]
    # The entry page's form carries the token too.
    assert TOKEN.search(bureau_client.get("/directory/entries/c-csrf1").get_data(as_text=True))


def test_add_plan_item_needs_the_token(running_app, bureau_client):
    """Without the token: 400 and no item; with the plan page's token: the item is added."""
    form = {"year": "2033", "entity": "scu", "title": "跨站请求测试计划",
            "planned_date": "2033-05-01"}
    before = OpenPlanItem.query.count()
    res = bureau_client.post("/directory/plan?year=2033", data=form)
    assert res.status_code == 400
    assert OpenPlanItem.query.count() == before

    token = _token(bureau_client, "/directory/plan?year=2033")
    res = bureau_client.post("/directory/plan?year=2033", data={**form, "csrf_token": token})
    assert res.status_code == 302
    assert OpenPlanItem.query.count() == before + 1
    assert "跨站请求测试计划" in bureau_client.get("/directory/plan?year=2033").get_data(
        as_text=True)
