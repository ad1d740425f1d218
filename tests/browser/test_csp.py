"""The Content Security Policy (issue 20: ``frame-ancestors 'self'``, ``object-src 'none'``, no
inline scripts) breaks no page: no ``securitypolicyviolation`` event, no CSP message in the console.
"""

import pytest

from tests.browser.helpers import SHOTS, login

SPEC = {
    "title": "都江堰灌区水文观测数据（CSP 测试）",
    "additional_title": "Hydrological observations of the Dujiangyan irrigation district",
    "description": "都江堰灌区水文站逐日观测数据。",
    "creators": [["钱", "江"]],
    "subjects": ["水文观测"],
    "date": "2025-06-18",
}

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @' + e.sourceFile + ':' + e.lineNumber));
"""
"""Collects every CSP violation of the page (set before any of its scripts runs)."""

PAGES = [
    ("front", "/"),
    ("search", "/search?q=%E6%B0%B4%E6%96%87"),
    ("record", "/records/{recid}"),
    ("deposit form", "/uploads/new"),
    ("my uploads", "/me/uploads"),
    ("my requests", "/me/requests"),
    ("open directory", "/directory/"),
    ("open plan", "/directory/plan"),
    ("directory releases", "/directory/releases"),
    ("projects", "/projects/"),
    ("my applications", "/access/mine"),
    ("apply for opening", "/access/new/opening-application"),
    ("certificate check", "/certificates/verify"),
]
"""The pages checked, ``(name, path)``; ``{recid}`` is the published record."""


@pytest.fixture(scope="module")
def csp_record(running_app, database):
    """One committed, published record the live server shows (reviews passed)."""
    from invenio_rdm_records.proxies import current_rdm_records_service as records

    from techdata.demo.loader import (
        demo_record_data, depositor_identity, ensure_roles, ensure_users, publish_record,
    )

    ensure_roles()
    users = ensure_users()
    rec = publish_record(depositor_identity(users["researcher@example.org"]),
                         demo_record_data(SPEC))
    records.indexer.refresh()
    return rec.to_dict()["id"]


def _violations(page, console):
    """CSP violations of the loaded page: DOM events and console messages."""
    events = page.evaluate("window.__csp || []")
    # Chromium's CSP refusals name the policy ("... violates the following Content Security
    # Policy directive"); other "Refused to ..." messages are not CSP (e.g. the deposit
    # form's community-theme-.css link, a 404 page refused by strict MIME checking)
    messages = [m for m in console if "Content Security Policy" in m]
    return events + messages


def test_csp_header_and_no_violation_on_any_page(csp_record, live_server_url, chromium):
    """Each page carries the CSP and renders without one violation (logged in as researcher)."""
    context, page, console = login(chromium, live_server_url, "researcher@example.org",
                                   "Researcher-Demo-2026", locale="zh-CN")
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.add_init_script(WATCH)
    found = {}
    try:
        for name, path in PAGES:
            console.clear()
            res = page.goto(live_server_url + path.format(recid=csp_record))
            assert res.status == 200, (name, res.status)
            csp = res.headers.get("content-security-policy", "")
            assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, (name, csp)
            page.wait_for_load_state("networkidle")
            problems = _violations(page, console)
            if problems:
                found[name] = problems
                page.screenshot(path=str(SHOTS / f"csp-{name.replace(' ', '-')}.png"),
                                full_page=True)
        assert not found, f"CSP violations: {found}"
    finally:
        context.close()


def test_a_violation_would_be_seen(csp_record, live_server_url, chromium):
    """The watch is live: an inline script injected into a page is refused and reported."""
    context, page, console = login(chromium, live_server_url, "researcher@example.org",
                                   "Researcher-Demo-2026", locale="zh-CN")
    page.add_init_script(WATCH)
    try:
        page.goto(live_server_url + "/")
        page.wait_for_load_state("networkidle")
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }""")
        page.wait_for_timeout(500)
        assert page.evaluate("window.__inline") is None  # refused by script-src
        assert any("script-src" in v for v in _violations(page, console))
    finally:
        context.close()
