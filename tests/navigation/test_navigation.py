"""Navigation (issue 13): each role reaches its duties from the header; request pages render."""

import re
from urllib.parse import urlparse

import pytest
from invenio_requests.proxies import current_requests_service

from techdata import navigation
from techdata.kernel import roles
from tests.helpers import deposit, registered_user, token_headers, user_with_role


def _login(client, user):
    """Log ``user`` in through the log-in form (one POST, redirect not followed)."""
    res = client.post("/login/", data={"email": user.email, "password": user.password})
    assert res.status_code == 302, res.status_code


def _header_links(html):
    """The hrefs of the header's main menu (``#invenio-menu``)."""
    start = html.index('id="invenio-menu"')
    end = html.index("</header>", start)
    return set(re.findall(r'href="([^"]+)"', html[start:end]))


def _front_page_links(client):
    res = client.get("/")
    assert res.status_code == 200
    return _header_links(res.get_data(as_text=True))


def test_menu_endpoints_exist(running_app):
    """Every header item points at a URL rule of the app (no dead link)."""
    endpoints = {r.endpoint for r in running_app.url_map.iter_rules()}
    for _name, endpoint, *_rest in navigation.MENU:
        assert endpoint in endpoints, endpoint


def test_anonymous_sees_public_links_only(running_app, client):
    links = _front_page_links(client)
    assert "/directory/" in links
    for private in ("/projects/", "/review/queue", "/access/inbox", "/directory/upkeep",
                    "/directory/releases/manage", "/access/bureau"):
        assert private not in links


def test_researcher_sees_projects_and_applications(running_app, client, researcher):
    _login(client, researcher)
    links = _front_page_links(client)
    assert {"/directory/", "/projects/", "/access/inbox", "/access/mine"} <= links
    assert "/review/queue" not in links
    assert "/directory/upkeep" not in links
    assert "/directory/releases/manage" not in links


def test_curator_sees_review_queue(running_app, client, curator):
    _login(client, curator)
    links = _front_page_links(client)
    assert "/review/queue" in links
    assert "/directory/upkeep" not in links


def test_bureau_sees_upkeep_releases_and_all_requests(running_app, client, UserFixture, db):
    bureau = user_with_role(UserFixture, running_app, db, "nav-bureau@test.example.org",
                            roles.BUREAU)
    _login(client, bureau)
    links = _front_page_links(client)
    assert {"/projects/", "/directory/upkeep", "/directory/releases/manage",
            "/access/bureau"} <= links
    res = client.get("/directory/upkeep")
    assert res.status_code == 200


def test_reviewer_sees_release_management(running_app, client, reviewer):
    _login(client, reviewer)
    links = _front_page_links(client)
    assert {"/review/queue", "/directory/releases/manage"} <= links
    assert "/directory/upkeep" not in links


def test_company_sees_no_government_pages(running_app, client, UserFixture, db):
    company = registered_user(UserFixture, running_app, db, "nav-company@test.example.org",
                              "Company-Test-2026")
    _login(client, company)
    links = _front_page_links(client)
    assert "/access/mine" in links
    assert not links & {"/review/queue", "/directory/upkeep", "/directory/releases/manage",
                        "/access/bureau"}


def test_labels_not_codes(running_app):
    with running_app.test_request_context("/?ln=zh"):
        assert navigation.status_label("accepted") != "accepted"
        assert navigation.status_label("pending-acceptance") != "pending-acceptance"
        assert navigation.request_type_label("deposit-review") != "deposit-review"
        assert navigation.status_label("unknown-code") == "unknown-code"


def test_community_request_page_of_a_deposit_review(running_app, client, workflow, curator,
                                                    city_centre):
    """数据中心 → 请求 → a deposit review: the page renders, with the decision form's link."""
    draft = workflow.create(deposit())
    review = workflow.submit(draft["id"])
    current_requests_service.indexer.refresh()
    _login(client, curator)
    slug = city_centre.data["slug"]
    res = client.get(f"/communities/{slug}/requests/{review['id']}")
    assert res.status_code == 200, res.status_code
    html = res.get_data(as_text=True)
    assert f"/review/{review['id']}" in html

    # The decision page links the request's timeline where it exists, and the record.
    res = client.get(f"/review/{review['id']}")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert f'href="/requests/{review["id"]}"' not in html
    assert f"/me/requests/{review['id']}" in html
    assert f"/records/{draft['id']}" in html or f"/uploads/{draft['id']}" in html
    res = client.get(f"/me/requests/{review['id']}")
    assert res.status_code == 200


@pytest.mark.parametrize("path", ["/review/queue", "/projects/", "/access/inbox", "/access/mine"])
def test_duty_pages_render_for_their_roles(running_app, client, curator, path):
    _login(client, curator)
    assert client.get(path).status_code == 200


def test_header_inbox_lists_the_centres_reviews_and_bare_accept_says_where(
        running_app, client, workflow, curator_token, researcher_token, city_centre,
        UserFixture, db):
    """The header inbox (``/me/requests`` → ``/api/user/requests``) of a curator lists his
    data centre's deposit reviews; InvenioRDM's Accept / Decline answer with the server's
    bilingual message naming the rule and the decision form (not "A validation error").

    One client, each person by his API token (a second client would share the
    first one's preserved context, and so its logged-in user).
    """
    draft = workflow.create(deposit(title="收件箱中的待审数据集"))
    review = workflow.submit(draft["id"])
    current_requests_service.indexer.refresh()

    def inbox(headers):
        res = client.get("/api/user/requests", query_string={"is_open": "true"},
                         headers=headers)
        assert res.status_code == 200, res.get_json()
        return {h["id"]: h for h in res.get_json()["hits"]["hits"]}

    hits = inbox(curator_token)
    assert review["id"] in hits
    for action in ("accept", "decline"):
        link = hits[review["id"]]["links"]["actions"][action]
        res = client.post(urlparse(link).path, headers=curator_token, json={})
        body = res.get_json()
        assert res.status_code == 400, body
        assert "CD-TD Art. 11" in body["message"] and f"/review/{review['id']}" in body["message"]
        assert re.search(r"[\u4e00-\u9fff].* / This request", body["message"]), body["message"]
    assert client.get(f"/api/requests/{review['id']}",
                      headers=curator_token).get_json()["status"] == "submitted"
    # The depositor sees his own submission (created_by); a stranger does not see it.
    assert review["id"] in inbox(researcher_token)
    stranger = registered_user(UserFixture, running_app, db, "inbox-stranger@test.example.org",
                               "Stranger-Test-2026")
    assert review["id"] not in inbox(token_headers(stranger, db, name="stranger"))


def test_avatar_of_a_chinese_name_has_an_ascii_etag(running_app, client, db):
    """``/api/users/<id>/avatar.svg`` of 李研究员: an ASCII ETag (gunicorn refused the initials: 500)."""
    from techdata.demo.loader import ensure_users

    roles.ensure_roles()
    user = ensure_users()["researcher@example.org"]  # full name 李研究员
    headers = token_headers(user, db, name="avatar")
    res = client.get(f"/api/users/{user.id}/avatar.svg", headers=headers)
    assert res.status_code == 200
    assert res.headers["ETag"].isascii()
    assert res.headers["ETag"] == client.get(f"/api/users/{user.id}/avatar.svg",
                                             headers=headers).headers["ETag"]
