"""What the browser journeys share: logging in, and watching the page."""

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / ".services" / "logs" / "screenshots"
"""Where journeys leave their screenshots."""


def login(chromium, url, email, password, locale="en"):
    """A new browser context logged in as ``email``; returns (context, page, console).

    ``console`` collects the page's console messages and failed responses,
    for printing when a journey fails.
    """
    context = chromium.new_context(locale=locale)
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
