"""Pages of directory releases: public list and release page, the manage page and its forms."""

import re

from techdata.directory import store
from tests.helpers import user_with_role
from tests.helpers import CHECKLIST


def _put(n, opening="unconditional"):
    """A catalogued entry of the live directory."""
    store.upsert_entry({"title_zh": f"页面条目{n}", "title_en": f"Page entry {n}",
                        "opening_type": {"id": opening, "zh": opening, "en": opening}},
                       "catalogued", entry_id=f"c-page{n:03d}", in_open=opening != "none",
                       review_passed=True)


def _as(app, user):
    """A fresh test client logged in as ``user``."""
    return user.login(app.test_client())


def test_manage_forms_and_public_pages(running_app, client, db, UserFixture, app):
    """Bureau compiles and submits, the reviewer passes, the bureau publishes; all read it."""
    bureau = user_with_role(UserFixture, app, db, "pages-bureau@test.example.org",
                             "bureau-admin")
    reviewer = user_with_role(UserFixture, app, db, "pages-reviewer@test.example.org",
                               "confidentiality-reviewer")
    public = UserFixture(email="pages-public@test.example.org", password="Public-Test-2026")
    public.create(app, db)
    for n in range(1, 56):
        _put(n)
    _put(99, opening="none")
    assert client.get("/directory/releases/manage").status_code in (302, 401)  # log in first
    client = _as(app, public)
    assert client.get("/directory/releases/manage").status_code == 403

    client = _as(app, bureau)
    page = client.get("/directory/releases/manage").get_data(as_text=True)
    assert 'id="release-compile"' in page and 'id="no-draft"' in page
    res = client.post("/directory/releases/manage/compile", data={"audience": "open"},
                      follow_redirects=True)
    page = res.get_data(as_text=True)
    assert 'data-status="draft"' in page and 'id="diff-added">55<' in page
    assert "c-page099" not in page
    client.post("/directory/releases/manage/submit", data={"audience": "open"})
    res = client.post("/directory/releases/manage/review",
                      data={"decision": "pass", "checklist": list(CHECKLIST)},
                      follow_redirects=True)
    assert 'data-status="in_review"' in res.get_data(as_text=True)  # bureau cannot review
    assert client.post("/directory/releases/manage/frobnicate").status_code == 404

    client = _as(app, reviewer)
    page = client.get("/directory/releases/manage").get_data(as_text=True)
    assert 'id="release-review-form"' in page and 'id="release-compile"' not in page
    draft_csv = client.get("/api/directories/open/releases/draft/export?format=csv")
    assert draft_csv.status_code == 200 and "c-page001" in draft_csv.get_data(as_text=True)
    res = client.post("/directory/releases/manage/review",
                      data={"decision": "pass", "checklist": ["no_state_secret"]},
                      follow_redirects=True)
    assert 'data-status="in_review"' in res.get_data(as_text=True)  # checklist incomplete
    res = client.post("/directory/releases/manage/review",
                      data={"decision": "pass", "checklist": list(CHECKLIST), "reasons": "无"},
                      follow_redirects=True)
    assert 'data-status="approved"' in res.get_data(as_text=True)

    client = _as(app, bureau)
    res = client.post("/directory/releases/manage/publish", data={"audience": "open"},
                      follow_redirects=True)
    assert 'id="no-draft"' in res.get_data(as_text=True)

    client = app.test_client()
    page = client.get("/directory/releases").get_data(as_text=True)
    assert 'data-release="1"' in page
    assert "/api/directories/open/releases/1/export?format=csv" in page
    page = client.get("/directory/releases/1").get_data(as_text=True)
    assert 'id="release-count">55<' in page and page.count("data-entry=") == 50
    page2 = client.get("/directory/releases/1?page=2").get_data(as_text=True)
    assert page2.count("data-entry=") == 5 and "c-page055" in page2
    assert client.get("/directory/releases/1?page=x").status_code == 200
    assert client.get("/directory/releases/7").status_code == 404
    assert client.get("/directory/releases/manage").status_code in (302, 401)


def test_release_page_shows_its_errata(running_app, db, UserFixture, app):
    """Issue 14: a published release's page lists its errata (date, note, corrected re-issue).

    The errata were in the API and the exports only; the page (in Chinese) now says what
    was wrong and links the release that corrects it.
    """
    from invenio_access.utils import get_identity

    from techdata.directory.proxies import current_release_service as releases

    bureau = user_with_role(UserFixture, app, db, "errata-bureau@test.example.org",
                            "bureau-admin")
    reviewer = user_with_role(UserFixture, app, db, "errata-reviewer@test.example.org",
                              "confidentiality-reviewer")
    as_bureau, as_reviewer = get_identity(bureau.user), get_identity(reviewer.user)

    def publish():
        releases.compile(as_bureau, "open")
        releases.submit(as_bureau, "open")
        releases.review(as_reviewer, "open",
                        {"decision": "pass", "checklist": CHECKLIST, "reasons": "无"})
        return releases.publish(as_bureau, "open")

    _put(1)
    first = publish()
    _put(2)
    second = publish()
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/directory/releases/{first.number}").get_data(as_text=True)
    assert 'id="release-errata"' not in page  # none stated yet

    releases.add_erratum(as_bureau, "open", first.number, {
        "note_zh": "下载地址有误，已在第 2 版更正。", "note_en": "Wrong download URLs.",
        "corrected_by": second.number})
    db.session.commit()
    page = client.get(f"/directory/releases/{first.number}",
                      headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'id="release-errata"' in page and "本版勘误" in page
    assert "下载地址有误，已在第 2 版更正。" in page and "Wrong download URLs." not in page
    assert f'href="/directory/releases/{second.number}"' in page
    assert f"第 {second.number} 版" in page
    assert re.search(r'class="erratum-date">\d{4}年\d{1,2}月\d{1,2}日<', page), page
    page = client.get(f"/directory/releases/{second.number}").get_data(as_text=True)
    assert 'id="release-errata"' not in page  # the re-issue has none
