"""What the browser journeys share: logging in, and watching the page."""

from contextlib import contextmanager
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / ".services" / "logs" / "screenshots"
"""Where journeys leave their screenshots."""


def login(chromium, url, email, password, locale="en", user_agent=None):
    """A new browser context logged in as ``email``; returns (context, page, console).

    ``user_agent``: a browser of its own (the log-in rate limit keys on user agent
    and address; on one machine every test shares the address).

    ``console`` collects the page's console messages and failed responses,
    for printing when a journey fails.
    """
    context = chromium.new_context(locale=locale,
                                   **({"user_agent": user_agent} if user_agent else {}))
    page = context.new_page()
    page.set_default_timeout(30000)
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and console.append(f"HTTP {r.status} {r.url}"))
    page.goto(url + "/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, f"login of {email} failed"
    return context, page, console


def header_link(page, href):
    """Click the header item leading to ``href`` as a person does: a role item sits in the
    "My work" dropdown (issue 13), which is opened first."""
    link = page.locator(f"#invenio-menu a[href^='{href}']").first
    if not link.is_visible():
        page.locator("#invenio-menu .techdata-dropdown",
                     has=page.locator(f"a[href^='{href}']")).locator(
            ".techdata-dropdown-toggle").click()
        link.wait_for(state="visible")
    link.click()
    page.wait_for_load_state("networkidle")


@contextmanager
def logged_in_page(chromium, url, email, password, failure_shot, locale="zh-CN"):
    """A page logged in as ``email`` for one step of a journey.

    On failure it leaves ``failure_shot`` (a file name in ``SHOTS``) and
    prints the console; the browser context is closed in any case.
    """
    context, page, console = login(chromium, url, email, password, locale=locale)
    try:
        yield page
    except Exception:
        page.screenshot(path=str(SHOTS / failure_shot), full_page=True)
        print("\n".join(console))
        raise
    finally:
        context.close()


def committed_user(app, database, UserFixture, email, password):
    """A registered user without roles, committed so the live server sees it."""
    u = UserFixture(email=email, password=password)
    u.create(app, database)
    database.session.commit()
    return u
