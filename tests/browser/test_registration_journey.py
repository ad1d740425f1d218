"""A new company user registers, confirms by the mailed link, asks to join its entity, the
entity's data admin verifies it, and the user applies for conditional data (issue 18;
LZ Art. 9, 26; CD-TD Art. 8; QY Art. 24).

Clicks from the front page, in Chinese, no 4xx/5xx or console error on any page
(``test_role_journeys.Person``). The live server sends its mail to a small SMTP sink
of this module (``TD_MAIL_SEND=1``, ``INVENIO_MAIL_SERVER``/``PORT`` in the environment
the server inherits); the confirmation link is read from the mail and followed.
"""

import os
import re
import socketserver
import threading
from email import message_from_bytes, policy

import pytest

from tests.browser.helpers import committed_user
from tests.browser.test_role_journeys import DEMO, Person

CODE = "91510100MA6CQ2K8XU"
"""The credit code of the journey's company, registered on the platform."""

NAME = "锦程数据科技有限公司"
JOINER = ("joiner-journey@test.example.org", "Joiner-Journey-2026")
ADMIN = ("entity-admin-journey@test.example.org", "Entity-Admin-2026")


class _Sink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTP)
        self.messages = []


class _SMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP for Flask-Mail: every message's bytes go to ``server.messages``."""

    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append(b"".join(data))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture(scope="module", autouse=True)
def smtp_sink():
    """An SMTP sink the live server (started after this fixture) sends its mail to."""
    sink = _Sink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    saved = {k: os.environ.get(k) for k in ("TD_MAIL_SEND", "INVENIO_MAIL_SERVER",
                                            "INVENIO_MAIL_PORT")}
    os.environ.update(TD_MAIL_SEND="1", INVENIO_MAIL_SERVER="127.0.0.1",
                      INVENIO_MAIL_PORT=str(sink.server_address[1]))
    yield sink
    sink.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def world(running_app, database, UserFixture, datasets, smtp_sink):
    """The company registered as an entity, its verified data admin, the conditional dataset."""
    from invenio_access.permissions import system_identity

    from techdata.entities.proxies import current_entities_service as entities

    entity = entities.create_entity(system_identity, {"credit_code": CODE, "name_zh": NAME,
                                                      "kind": "enterprise"})
    admin = committed_user(running_app, database, UserFixture, *ADMIN)
    membership = entities.request_membership(system_identity, entity["id"], "data-admin",
                                             user_id=admin.user.id)
    entities.verify_membership(system_identity, membership["id"], True)
    database.session.commit()
    DEMO["entity-admin"] = ADMIN
    DEMO["joiner"] = JOINER
    return {"conditional": datasets["conditional"], "entity": entity["id"]}


def _mail_link(sink, email):
    """The confirmation link of the last mail to ``email``."""
    for raw in reversed(sink.messages):
        mail = message_from_bytes(raw, policy=policy.default)
        if email in str(mail.get("To", "")):
            body = mail.get_body(preferencelist=("plain", "html")).get_content()
            links = re.findall(r"https?://[^\s\"'<>]+/confirm/[^\s\"'<>]+", body)
            if links:
                return links[0]
    raise AssertionError(f"no confirmation mail to {email}: {len(sink.messages)} mails")


def _account_menu(page, href):
    page.locator("#user-profile-dropdown-btn").click()
    page.locator(f"#user-profile-menu a[href$='{href}']").first.click()
    page.wait_for_load_state("networkidle")


def test_company_registers_joins_is_verified_and_applies(world, live_server_url, chromium,
                                                         smtp_sink):
    """Sign up → mailed link → log in → ask to join → admin verifies → apply."""
    from techdata.kernel.time import today

    email, password = JOINER
    me = Person(chromium, live_server_url, "anonymous")
    try:
        page = me.page
        page.locator("header a.signup").first.click()
        page.wait_for_url(re.compile(r"/signup"))
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        if page.locator("input[name=password_confirm]").count():
            page.fill("input[name=password_confirm]", password)
        page.fill("input[name='profile.username']", "joiner-journey")
        page.fill("input[name='profile.full_name']", "孙七")
        page.fill("input[name=phone]", "13912345678")
        page.locator("form[name=register_user_form] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert "/signup" not in page.url, page.locator(".red.label").all_inner_texts()
        link = _mail_link(smtp_sink, email)
        page.goto(link)  # the link in the mail: confirms and logs the account in
        page.wait_for_load_state("networkidle")
        page.locator("#user-profile-dropdown-btn").wait_for()
        _account_menu(page, "/account/entities")
        page.fill("#entity", "锦程数据")
        page.locator("#entity-results .entity-result").first.click()
        assert page.input_value("#entity") == CODE
        page.select_option("#role", "member")
        page.click("#join-submit")
        page.wait_for_load_state("networkidle")
        page.locator("#memberships tr[data-status='pending']").wait_for()
    except BaseException:
        me.failed("registration-join")
        raise
    me.done()

    admin = Person(chromium, live_server_url, "entity-admin")
    try:
        page = admin.page
        _account_menu(page, "/account/memberships")
        row = page.locator("#pending tr", has_text=email)
        assert "13912345678" in row.inner_text() and "孙七" in row.inner_text()
        row.locator("button[value=approve]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#pending tr", has_text=email).count() == 0
    except BaseException:
        admin.failed("registration-verify")
        raise
    admin.done()

    recid = world["conditional"]
    me = Person(chromium, live_server_url, "joiner")
    try:
        page = me.page
        box = page.locator("input[name='q']:visible").first
        box.fill("重金属")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search"))
        page.locator(f"a[href*='/records/{recid}']").first.click()
        page.locator("#apply-access").click()
        page.locator("#access-form[data-ready]").wait_for()
        page.fill("#applicant_name", "孙七")
        page.fill("#organisation", NAME)
        page.fill("#uscc", CODE)
        page.fill("#contact", "13912345678")
        page.fill("#purpose", "数据产品研发")
        page.fill("#intended_use", "内部研发，不对外提供")
        page.fill("#security_means", "专人管理，内网存储")
        page.fill("#term_start", today().isoformat())
        page.fill("#term_end", today().replace(year=today().year + 1).isoformat())
        page.check("#accept_agreement", force=True)
        page.click("#submit-application")
        page.wait_for_url("**/access/request/**")
        cell = page.locator("td[data-field=entity]")
        assert cell.get_attribute("data-verified") == "true" and NAME in cell.inner_text()
        me.shot("company-applied-verified-entity.png")
        _account_menu(page, "/account/entities")
        page.locator("#memberships tr[data-status='verified']").wait_for()
    except BaseException:
        me.failed("registration-apply")
        raise
    me.done()
