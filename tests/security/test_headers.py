"""Security headers: the content security policy (issue 20).

pytest-invenio replaces ``APP_DEFAULT_SECURE_HEADERS`` in the test app, so
the policy is checked in the site configuration and rendered as Talisman
renders it; the browser test (tests/browser/test_front_pages.py) checks
that pages work under it.
"""

from techdata import config


def test_csp_frame_ancestors_and_object_src():
    """``frame-ancestors 'self'`` and ``object-src 'none'``; no inline scripts."""
    csp = config.APP_DEFAULT_SECURE_HEADERS["content_security_policy"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["default-src"]


def test_pages_render(running_app, client):
    """The front page renders (its scripts are files, not inline)."""
    assert client.get("/").status_code == 200
