"""Per-account log-in throttling (issue 20: 30 wrong passwords with changing user agents all went through)."""

import pytest

PASSWORD = "Researcher-Test-2026"


@pytest.fixture()
def throttle(running_app, researcher):
    """The app's throttle, with no failures or locks of the researcher left over."""
    from techdata.security import login_throttle

    with running_app.app_context():
        t = login_throttle()
        t.unlock(researcher.email)
    yield t
    with running_app.app_context():
        t.unlock(researcher.email)


def _page_login(client, email, password, agent):
    """POST the log-in page as a browser with user agent ``agent``."""
    return client.post("/login/", data={"email": email, "password": password},
                       headers={"User-Agent": agent})


def _api_login(client, email, password, agent):
    return client.post("/api/login", json={"email": email, "password": password},
                       headers={"User-Agent": agent})


def test_account_locked_whatever_the_user_agent(running_app, client, researcher, throttle,
                                                mailbox):
    """After 5 failed passwords the account is locked; the right one is refused too; one notice."""
    codes = []
    for i in range(30):
        login = _page_login if i % 2 else _api_login
        res = login(client, researcher.email.upper() if i % 3 else researcher.email,
                    "wrong-password", f"agent-{i}")
        codes.append(res.status_code)
    assert 429 not in codes[:5], codes
    assert set(codes[5:]) == {429}, codes
    res = _page_login(client, researcher.email, PASSWORD, "fresh-agent")
    assert res.status_code == 429
    res = _api_login(client, researcher.email, PASSWORD, "fresh-agent")
    assert res.status_code == 429
    assert " / " in res.get_json()["message"]
    notices = [m for m in mailbox if researcher.email in m.recipients]
    assert len(notices) == 1
    assert "5" in notices[0].body and " / " in notices[0].subject


def test_successful_login_resets_the_count(running_app, client, researcher, throttle):
    """Four failures, a success, four more failures: not locked."""
    for _round in range(2):
        for i in range(4):
            res = _page_login(client, researcher.email, "wrong", f"ua-{i}")
            assert res.status_code == 200  # the form again, with its error
        res = _page_login(client, researcher.email, PASSWORD, "ua")
        assert res.status_code == 302
        client.get("/logout/", follow_redirects=True)
    with running_app.app_context():
        assert not throttle.is_locked(researcher.email)


def test_unknown_account_answers_alike(running_app, client, throttle):
    """An unknown address is counted and locked like a real one (no account probing)."""
    email = "nobody-here@test.example.org"
    try:
        codes = [_api_login(client, email, "x", f"ua-{i}").status_code for i in range(7)]
        assert codes[-1] == 429
    finally:
        with running_app.app_context():
            throttle.unlock(email)
