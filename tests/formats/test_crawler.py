"""A crawler finds no 5xx (issue 14: the web log held 500s on ``/oai2d``,
``/api/users/<id>/avatar.svg`` and the community request pages).

As anonymous and as each demo role (researcher, curator, confidentiality
reviewer, bureau, program manager, company, expert committee, administrator)
it follows every same-origin link from the front page, breadth first (depth
and page count bounded to keep the run short), and calls every endpoint the
README names (placeholders filled with the test data's ids), each user's
avatar, the community request pages of the deposits' reviews, and each
OAI-PMH verb. Only GET; any status below 500 is an answer (404, 403, 405
are fine: the point is that nothing breaks).
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import current_app
from invenio_accounts.testutils import login_user_via_session
from pytest_invenio.user import UserFixtureBase

from techdata.kernel import roles
from tests.helpers import registered_user, user_with_role

MAX_PAGES = 45
"""Pages crawled per identity (besides the fixed endpoints)."""

MAX_DEPTH = 2
"""Links followed from the front page."""

MAX_VARIANTS = 3
"""Query-string variants of one path crawled (search facets multiply otherwise)."""

SKIP = re.compile(r"^/(logout|static/|oauth/|_|signup/confirm|lost-password)|/files-archive$"
                  r"|\.(zip|xlsx|pdf|png|jpg|svg|css|js|woff2?)$")
"""Links not followed: log-out (ends the session), assets, downloads (checked elsewhere)."""

HREF = re.compile(r"""href\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER = re.compile(r"<[^<>]+>")

DEMO_ROLES = {
    # demo login -> role (README "demo login" table); None: no role
    "admin": roles.ADMIN,
    "curator": roles.CURATOR,
    "reviewer": roles.CONFIDENTIALITY_REVIEWER,
    "bureau": roles.BUREAU,
    "manager": roles.PROGRAM_MANAGER,
    "company": None,
    "expert": roles.EXPERT_COMMITTEE,
}


@pytest.fixture(scope="module")
def people(published, running_app, database):
    """Email of each demo role's user (the researcher owns the published records)."""
    out = {"researcher": "formats-owner@test.example.org"}
    for name, role in DEMO_ROLES.items():
        email = f"crawl-{name}@test.example.org"
        if role is None:
            registered_user(UserFixtureBase, running_app, database, email, "Crawler-Test-2026")
        else:
            user_with_role(UserFixtureBase, running_app, database, email, role,
                           password="Crawler-Test-2026")
        out[name] = email
    # the deposits' own curator and reviewer (members of the data centre)
    out["centre-curator"] = "fmt-curator@test.example.org"
    out["centre-reviewer"] = "fmt-reviewer@test.example.org"
    return out


def origins():
    """Host names that count as this site."""
    hosts = {"localhost"}
    for key in ("SITE_UI_URL", "SITE_API_URL"):
        hosts.add(urlsplit(current_app.config.get(key, "")).netloc)
    return hosts


def same_origin(base, href, hosts):
    """The site-relative path (with query) of ``href`` found on ``base``, or None."""
    href = href.strip()
    if href.startswith(("mailto:", "javascript:", "tel:", "data:")):
        return None
    url = urlsplit(urljoin("http://localhost" + base, href))
    if url.scheme not in ("http", "https") or url.netloc not in hosts:
        return None
    path = url.path or "/"
    if SKIP.search(path):
        return None
    return path + (f"?{url.query}" if url.query else "")


def get(client, path):
    """``client.get(path)``; an exception the app let through counts as a 500.

    The test app propagates exceptions (``TESTING``) where the served app
    answers 500; the exception is reported with its type.
    """
    try:
        return client.get(path), None
    except Exception as exc:  # noqa: BLE001  (a 500 to report, not a test error)
        return None, f"500 {type(exc).__name__}: {str(exc)[:120]}"


def crawl(client, hosts, start=("/",)):
    """Breadth-first crawl; ``(pages visited, [(path, status), ...] of 5xx answers)``."""
    seen, variants, bad = set(), {}, []
    queue = deque((p, 0) for p in start)
    while queue and len(seen) < MAX_PAGES:
        path, depth = queue.popleft()
        bare = path.split("?", 1)[0]
        if path in seen or (path != bare and variants.get(bare, 0) >= MAX_VARIANTS):
            continue
        seen.add(path)
        variants[bare] = variants.get(bare, 0) + 1
        res, error = get(client, path)
        if error or res.status_code >= 500:
            bad.append((path, error or res.status_code))
            continue
        if depth < MAX_DEPTH and res.mimetype == "text/html":
            for href in HREF.findall(res.get_data(as_text=True)):
                link = same_origin(path, href.replace("&amp;", "&"), hosts)
                if link and link not in seen:
                    queue.append((link, depth + 1))
    return seen, bad


def readme_endpoints(values):
    """Every path the README names in backticks, placeholders filled from ``values``."""
    text = README.read_text(encoding="utf-8")
    out = []
    for found in re.findall(r"`(/[^`\s]*)`", text):
        path = found.split("|", 1)[0]
        path = PLACEHOLDER.sub(lambda m: values.get(m.group(0)[1:-1].split(":")[-1], "1"), path)
        out.append(path)
    return sorted(set(out))


def fixed_endpoints(published, client):
    """README endpoints, avatars, community request pages, OAI-PMH verbs."""
    from invenio_accounts.models import User
    from invenio_requests.records.api import Request

    rec = published["open"]
    values = {"recid": rec["id"], "id": rec["id"], "pid_value": rec["id"],
              "CSTR": (rec["parent"]["pids"].get("cstr") or {}).get("identifier", "x"),
              "number": "1", "entry_id": "1", "type": "opening-application",
              "request id": "1", "name": "accept"}
    paths = readme_endpoints(values)
    paths += [f"/api/users/{u.id}/avatar.svg" for u in User.query.all()]
    paths += ["/api/users/999999/avatar.svg"]
    for req in Request.model_cls.query.limit(20):
        receiver = (req.json or {}).get("receiver") or {}
        paths.append(f"/me/requests/{req.id}")
        paths.append(f"/api/requests/{req.id}")
        if receiver.get("community"):
            paths.append(f"/communities/{receiver['community']}/requests/{req.id}")
    ident = rec["pids"]["oai"]["identifier"]
    for query in ("verb=Identify", "verb=ListSets", "verb=ListMetadataFormats",
                  f"verb=ListMetadataFormats&identifier={ident}",
                  "verb=ListRecords&metadataPrefix=oai_dc",
                  "verb=ListRecords&metadataPrefix=oai_datacite&set=open-directory",
                  "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2002-02-05"
                  "&until=2002-02-06T05:35:00Z",
                  f"verb=GetRecord&metadataPrefix=oai_datacite&identifier={ident}",
                  "verb=Nope", ""):
        paths.append(f"/oai2d?{query}")
    for kind in ("open", "conditional", "files"):
        paths += [f"/records/{published[kind]['id']}",
                  f"/records/{published[kind]['id']}/export/dcat-ap",
                  f"/records/{published[kind]['id']}/export/datacite-xml"]
    return paths


def test_malformed_ids_are_no_server_error(running_app, database, UserFixture):
    """Every README endpoint and request page with ids that are no UUID or number:
    a 4xx, never a 500 (a lookup by a malformed id was one)."""
    user = registered_user(UserFixture, running_app, database, "crawl-ids@test.example.org",
                           "Crawler-Test-2026")
    paths = readme_endpoints({}) + ["/me/requests/not-a-uuid", "/api/requests/not-a-uuid"]
    paths = [p.replace("/1", "/not-a-uuid") if p.endswith("/1") else p for p in paths]
    paths += [p.replace("not-a-uuid", "1") for p in paths if "not-a-uuid" in p]
    for login in (False, True):
        client = running_app.test_client()
        if login:
            login_user_via_session(client, email=user.email)
        for path in paths:
            res, error = get(client, path)
            assert error is None, (login, path, error)
            assert res.status_code < 500, (login, path, res.status_code)


@pytest.mark.parametrize("who", ["anonymous", "researcher", "curator", "centre-curator",
                                 "reviewer", "centre-reviewer", "bureau", "manager",
                                 "company", "expert", "admin"])
def test_no_server_error_anywhere(published, people, running_app, who):
    """Crawl from the front page and call the fixed endpoints: no 5xx."""
    client = running_app.test_client()
    if who != "anonymous":
        login_user_via_session(client, email=people[who])
    hosts = origins()
    seen, bad = crawl(client, hosts)
    assert len(seen) > 10, (seen, bad)  # the front page links somewhere
    for path in fixed_endpoints(published, client):
        res, error = get(client, path)
        if error or res.status_code >= 500:
            bad.append((path, error or res.status_code))
    assert bad == [], "\n".join(f"{p}: {e}" for p, e in bad)
