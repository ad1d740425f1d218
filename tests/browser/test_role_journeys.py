"""Every role does its whole job by clicking, from the front page (issue 13).

One browser for the module, one browser context (cookies) per person. The only
typed URL is the front page; everything else is a click (or a file chosen, a
form filled). On every page: no 4xx/5xx response and no console error.

1. The researcher opens his project from the header, clicks "deposit this
   dataset" on the open plan item (project and plan key filled in), fills the
   form, uploads the file and submits it to the city data centre.
2. The curator finds it in the header inbox (``/me/requests``), opens it, goes
   to the request in the data centre's request list and to our decision form,
   and accepts it with a grade (CD-TD Art. 11).
3. The confidentiality reviewer opens it from the review queue and passes it
   (CD-TD Art. 24).
4. The researcher issues the deposit certificate on the project page and
   downloads the PDF (CD-TD Art. 15).
5. The program manager records the acceptance: the gate passes.
6. A company finds the conditional dataset by a Chinese word, applies; the
   providing centre's curator grants it from the header; the company downloads.
7. The bureau compiles the open-directory release, the reviewer passes it, the
   bureau publishes it and downloads it as XLSX.
8. An anonymous visitor searches, filters, exports a record, switches language.

The screenshots go to ``docs/screenshots`` (the README shows them).
"""

import re
from pathlib import Path
from uuid import uuid4

import pytest

from tests.access.conditional import FILE_BODY, FILE_KEY, USCC
from tests.browser.helpers import SHOTS, committed_user, header_link

USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Safari/537.36")
"""A desktop Chromium's user agent; each person's browser adds its own mark."""

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
"""Screenshots shown in the README."""

CENTRE = "chengdu-city-data-centre"
PROJECT = "2026CDKJ0913"
PLAN_KEY = "water"
TITLE_ZH = "锦江水质在线监测数据"
TITLE = "锦江水质在线监测数据 Jinjiang water-quality monitoring data"
COMPANY = ("company-roles@test.example.org", "Company-Roles-2026")
DEMO = {
    "researcher": ("researcher@example.org", "Researcher-Demo-2026"),
    "curator": ("curator@example.org", "Curator-Demo-2026"),
    "reviewer": ("reviewer@example.org", "Reviewer-Demo-2026"),
    "manager": ("manager@example.org", "Manager-Demo-2026"),
    "bureau": ("bureau@example.org", "Bureau-Demo-2026"),
    "provider": ("acc-curator@test.example.org", "Workflow-Test-2026"),
    "company": COMPANY,
    "admin": ("admin@example.org", "Admin-Demo-2026"),
    "entity": ("entity@example.org", "Entity-Demo-2026"),
    "expert": ("expert@example.org", "Expert-Demo-2026"),
}
"""Who logs in with what (demo accounts; the conditional dataset's centre curator; a company)."""


@pytest.fixture(scope="module")
def world(running_app, database, UserFixture, datasets):
    """Demo roles and users, the city centre, a project with an open plan item, a company."""
    from flask import current_app
    from invenio_access.permissions import system_identity
    from invenio_communities.proxies import current_identities_cache

    from techdata.demo.loader import ensure_users
    from techdata.kernel.roles import ensure_roles
    from techdata.review.centres import ensure_city_centre

    ensure_roles()
    ensure_users()
    ensure_city_centre()
    committed_user(running_app, database, UserFixture, *COMPANY)
    service = current_app.extensions["techdata"].projects_service
    if not service.exists(PROJECT):
        service.create(system_identity, {
            "number": PROJECT, "title_zh": "锦江流域水环境智能监测关键技术研究",
            "title_en": "Smart monitoring of the Jinjiang river basin",
            "program": "重点研发计划", "funding_source": "government",
            "lead_entity": "四川大学", "pi": "researcher@example.org",
            "acceptance_due": "2027-06-30",
            "plan": [{"key": PLAN_KEY, "title": "锦江水质在线监测数据"}],
        })
    service.indexer.refresh()
    database.session.commit()
    # Community memberships are cached per user id; ids start again in each test
    # database, so a cached entry may name another run's data centre.
    current_identities_cache.flush()
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return {"conditional": datasets["conditional"]}


class Person:
    """One person's browser context: logged in by clicking, every page watched."""

    KNOWN = ("favicon", "/logo", "/avatar.svg")
    """404s that are no fault: InvenioRDM asks for a community's logo and shows a
    placeholder when there is none; it asks for the avatar of the other party of a
    request, whose profile is not public (restricted by default), and shows none."""

    def __init__(self, chromium, url, who, locale="zh-CN"):
        """A new context on the front page, logged in as ``who`` (a key of ``DEMO``)."""
        self.url, self.who = url, who
        # each person browses with a browser of their own: the rate limiter keys on
        # user agent + address, and on one machine every journey shares the address
        self.context = chromium.new_context(locale=locale, accept_downloads=True,
                                            viewport={"width": 1280, "height": 900},
                                            user_agent=f"{USER_AGENT} journey/{who}-{uuid4().hex[:8]}")
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.problems = []
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.goto(url + "/")  # the only typed URL
        if who != "anonymous":
            email, password = DEMO[who]
            self.page.locator("header a.auth-button").first.click()
            self.page.fill("input[name=email]", email)
            self.page.fill("input[name=password]", password)
            self.page.locator("form button[type=submit]").first.click()
            self.page.wait_for_load_state("networkidle")
            assert "/login" not in self.page.url, f"log-in of {email} failed"
            _no_sideways_scroll(self.page)  # every role's header fits the window

    def _known(self, text):
        return any(n in text for n in self.KNOWN)

    def _console(self, message):
        where = (message.location or {}).get("url", "")
        if message.type == "error" and not ("404" in message.text and self._known(where)):
            self.problems.append(f"console on {self.page.url}: {message.text}")

    def _response(self, response):
        if response.status >= 400 and not (response.status == 404 and self._known(response.url)):
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def menu(self, href):
        """Click the header menu item leading to ``href`` (opening "My work" first if it is there)."""
        header_link(self.page, href)

    def shot(self, name, docs=False):
        """A full-page screenshot (also into docs/screenshots for the README)."""
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(SHOTS / name), full_page=True)
        if docs:
            self.page.screenshot(path=str(DOCS_SHOTS / name), full_page=False)

    def done(self):
        """Close the context; fail on any problem seen."""
        self.page.wait_for_load_state("networkidle")
        problems = list(self.problems)
        self.context.close()
        assert not problems, f"{self.who}: " + "\n".join(problems)

    def failed(self, name):
        """Leave a screenshot and the problems of a failed step."""
        try:
            self.page.screenshot(path=str(SHOTS / f"failure-roles-{name}.png"), full_page=True)
        finally:
            print("\n".join(self.problems))
            self.context.close()


def journey(chromium, url, who, name, locale="zh-CN"):
    """Run the decorated steps as ``who``; a screenshot on failure."""
    def run(steps):
        person = Person(chromium, url, who, locale=locale)
        try:
            result = steps(person)
        except BaseException:
            person.failed(name)
            raise
        person.done()
        return result
    return run


WIDEST = """() => {
  const w = document.documentElement.clientWidth;
  return [document.documentElement.scrollWidth, [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' +
                    Math.round(e.getBoundingClientRect().right))];
}"""
"""The page's scroll width and the elements that stick out on the right."""


HEADER_ROWS = """() => {
  const nav = document.querySelector('#invenio-nav');
  const menu = document.querySelector('#invenio-menu');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const items = [...menu.children].filter(e => shown(e) && e.tagName !== 'SCRIPT' &&
                                              e.tagName !== 'STYLE' && e.tagName !== 'BUTTON');
  const labels = [...menu.querySelectorAll(':scope > .item > a, .techdata-dropdown-toggle')]
    .filter(shown).map(a => {
      const cs = getComputedStyle(a);
      const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.3;
      const range = document.createRange();
      range.selectNodeContents(a);
      const boxes = [...range.getClientRects()].filter(r => r.width > 0);
      const top = Math.min(...boxes.map(r => r.top)), bottom = Math.max(...boxes.map(r => r.bottom));
      return [a.innerText.trim(), Math.round(bottom - top), line];
    });
  const overflowing = items.filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => [e.className, e.scrollWidth, e.clientWidth]);
  const overlapping = items.slice(1).filter((e, i) =>
    e.getBoundingClientRect().left + 1 < items[i].getBoundingClientRect().right)
    .map(e => e.className);
  const width = document.documentElement.clientWidth;
  const clipped = [...menu.querySelectorAll('.item, .button, a, input')].filter(shown)
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => [e.id || e.className || e.tagName, Math.round(e.getBoundingClientRect().right)]);
  return {height: nav.getBoundingClientRect().height, overflowing, overlapping, clipped,
          tops: items.map(e => [e.className, Math.round(e.getBoundingClientRect().top)]),
          labels};
}"""
"""The header bar's height, the top of each of its items, the height of each label's text
(from its first line box to its last) and what reaches past the window's right edge."""


def _header_rows(page):
    """The header bar as :data:`HEADER_ROWS` measures it."""
    page.wait_for_load_state("networkidle")
    return page.evaluate(HEADER_ROWS)


def _no_sideways_scroll(page):
    """The page is no wider than the window (issue 13: 23 px at 375 px)."""
    page.wait_for_load_state("networkidle")
    width, wide = page.evaluate(WIDEST)
    assert width <= page.viewport_size["width"], (page.url, width, wide)


def _open_project(person):
    """Header → projects → the journey's project."""
    person.menu("/projects/")
    person.page.locator(f"tr[data-project='{PROJECT}']").get_by_role("link", name=PROJECT).click()
    person.page.locator("#gate-conditions").wait_for(state="visible")


def test_1_researcher_deposits_the_planned_dataset(world, live_server_url, chromium):
    """Project page → "deposit this dataset" → form pre-filled → submit to the centre."""
    @journey(chromium, live_server_url, "researcher", "deposit")
    def steps(me):
        page = me.page
        _open_project(me)
        me.shot("project-open-plan.png", docs=True)
        page.locator(f"a.deposit-planned[data-plan-key='{PLAN_KEY}']").click()
        page.locator("#metadata\\.title").wait_for(state="visible")
        assert page.locator("[name='custom_fields.cdtd:project']").input_value() == PROJECT
        assert page.locator("[name='custom_fields.cdtd:project_dataset']").input_value() == PLAN_KEY
        page.fill("#metadata\\.title", TITLE)
        page.get_by_role("button", name=re.compile(r"Add (author|creator)|添加(作者|创建者)")).first.click()
        modal = page.locator(".ui.modal")
        modal.locator("input[name='person_or_org.family_name']").fill("李")
        modal.locator("input[name='person_or_org.given_name']").fill("明")
        modal.get_by_role("button", name=re.compile(r"^(Save|保存)$")).click()
        page.fill("[name='custom_fields.cdtd:title_zh']", TITLE_ZH)
        page.fill("[name='custom_fields.cdtd:abstract_zh']", "锦江干流12个断面的水质在线监测数据。")
        for field, label in (("category", "研发数据|R&D data"), ("secrecy", "非涉密|Not classified")):
            dropdown = page.locator(f"[name='custom_fields.cdtd:{field}']")
            dropdown.click()
            dropdown.locator(".item", has_text=re.compile(label)).first.click()
        page.locator("input[type=file]").first.set_input_files(
            files=[{"name": "water.csv", "mimeType": "text/csv",
                    "buffer": b"section,date,cod_mg_l\nJJ-01,2026-10-01,12.5\n"}])
        page.get_by_text("water.csv").first.wait_for(state="visible")
        page.get_by_role("button", name=re.compile(r"Submit for review|提交")).first.click()
        modal = page.locator(".ui.modal")
        modal.locator("#accept-access-checkbox label").click()
        modal.locator("#accept-after-publish-checkbox label").click()
        modal.locator("button[name=submitReview]").click()
        page.wait_for_url(re.compile(r"/requests/"))
        page.locator("#review-banner").wait_for(state="visible")
        me.shot("deposit-submitted.png", docs=True)


def test_2_curator_accepts_from_inbox_and_centre(world, live_server_url, chromium):
    """Header inbox → the request; data centre → requests → the request → decision form."""
    @journey(chromium, live_server_url, "curator", "curator")
    def steps(me):
        page = me.page
        page.locator("header .item.inbox a").first.click()
        page.get_by_role("link", name=re.compile(re.escape(TITLE_ZH))).first.click()
        page.locator("#review-banner").wait_for(state="visible")
        me.shot("curator-inbox-request.png")
        page.locator("#review-banner a[href*='/review/']").first.click()
        page.locator("#decision-form").wait_for(state="visible")
        # The request in the data centre (its page), then the centre's request list.
        page.locator("#review-community-request").click()
        page.locator("#review-banner").wait_for(state="visible")
        page.locator("footer a[href='/communities']").click()
        page.locator(f"a[href*='/communities/{CENTRE}']").first.click()
        page.locator(f"a[href$='/communities/{CENTRE}/requests']").first.click()
        page.wait_for_url(re.compile(r"/communities/.+/requests"))
        item = page.get_by_role("link", name=re.compile(re.escape(TITLE_ZH))).first
        item.wait_for(state="visible")
        me.shot("centre-requests.png", docs=True)
        row = page.locator(".item", has=item).first
        # InvenioRDM's Accept of the list answers with the server's message: the rule and
        # where the decision is taken (our form), in both languages; nothing is decided.
        seen = len(me.problems)
        row.get_by_role("button", name=re.compile(r"^(Accept|接受|同意)$")).first.click()
        modal = page.locator(".ui.modal").last
        modal.wait_for(state="visible")
        modal.locator(".actions button").last.click()
        modal.get_by_text(re.compile(r"CD-TD Art\. 11.*/review/")).first.wait_for()
        me.shot("centre-requests-accept-refused.png")
        page.keyboard.press("Escape")
        cancel = page.locator(".ui.modal .actions button").first
        if cancel.is_visible():
            cancel.click()
        page.wait_for_load_state("networkidle")
        me.problems[seen:] = [p for p in me.problems[seen:] if "400" not in p]  # that refusal
        item.click()
        page.locator("#review-banner a[href*='/review/']").first.click()
        page.locator("#decision-form").wait_for(state="visible")
        page.select_option("#grade", "general")
        page.fill("#basis", "水质监测数据，不含敏感信息，定为一般级")
        page.locator("[data-decision='accept']").click()
        page.locator("#decision-done").wait_for(state="visible")
        me.shot("curator-accepted.png", docs=True)


def test_3_reviewer_passes_the_confidentiality_review(world, live_server_url, chromium):
    """Header review queue → the review → checklist → pass."""
    @journey(chromium, live_server_url, "reviewer", "reviewer")
    def steps(me):
        page = me.page
        me.menu("/review/queue")
        page.get_by_role("link", name=re.compile(re.escape(TITLE_ZH))).first.click()
        page.locator("#decision-form").wait_for(state="visible")
        for item in ("no_state_secret", "no_personal_information", "no_commercial_secret",
                     "desensitised"):
            page.locator(f"#{item}").check(force=True)
        page.fill("#reasons", "已逐条核查，无涉密内容")
        page.locator("[data-decision='pass']").click()
        page.locator("#decision-done").wait_for(state="visible")


def test_4_researcher_issues_and_downloads_the_certificate(world, live_server_url, chromium):
    """Project page: the plan item is deposited; issue the certificate; download the PDF."""
    @journey(chromium, live_server_url, "researcher", "certificate")
    def steps(me):
        page = me.page
        _open_project(me)
        assert page.locator(f"tr[data-condition='dataset:{PLAN_KEY}'].positive").count() == 1
        page.locator("#issue-certificate").click()
        page.locator("#certificate-list").wait_for(state="visible")
        me.shot("project-certificate.png", docs=True)
        with page.expect_download() as download:
            page.locator("a.certificate-pdf").first.click()
        with open(download.value.path(), "rb") as fp:
            assert fp.read(5) == b"%PDF-"
        # The dataset's record page offers it too.
        page.locator(f"tr[data-condition='dataset:{PLAN_KEY}'] a.gate-record").first.click()
        panel = page.locator("#techdata-certificate-panel")
        panel.wait_for(state="visible")
        with page.expect_download() as download:
            panel.locator("a.certificate-pdf").first.click()
        with open(download.value.path(), "rb") as fp:
            assert fp.read(5) == b"%PDF-"
        me.shot("record-certificate.png")


def test_5_manager_records_acceptance(world, live_server_url, chromium):
    """Header projects → the project (gate passes) → accepted."""
    @journey(chromium, live_server_url, "manager", "manager")
    def steps(me):
        page = me.page
        _open_project(me)
        assert page.locator("#gate-result").get_attribute("class").count("green") == 1
        page.locator("#record-decision").click()
        page.locator("#acceptance-done").wait_for(state="visible")
        me.shot("project-accepted-by-manager.png")


def test_6_company_finds_applies_is_granted_downloads(world, live_server_url, chromium):
    """Search by a Chinese word → record → apply; the centre grants; the company downloads."""
    from techdata.kernel.time import today

    recid = world["conditional"]

    @journey(chromium, live_server_url, "company", "company-apply")
    def apply(me):
        page = me.page
        box = page.locator("input[name='q']:visible").first
        box.fill("重金属")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search"))
        page.locator(f"a[href*='/records/{recid}']").first.click()
        page.locator("#apply-access").click()
        page.locator("#access-form[data-ready]").wait_for()
        page.fill("#applicant_name", "王芳")
        page.fill("#organisation", "成都某某科技有限公司")
        page.fill("#uscc", USCC)
        page.fill("#contact", "028-12345678")
        page.fill("#purpose", "土壤修复方案研究")
        page.fill("#intended_use", "内部模型训练，不对外发布")
        page.fill("#security_means", "内网隔离存储，专人管理")
        page.fill("#term_start", today().isoformat())
        page.fill("#term_end", today().replace(year=today().year + 1).isoformat())
        page.check("#accept_agreement", force=True)
        page.click("#submit-application")
        page.wait_for_url("**/access/request/**")
        me.shot("company-applied.png", docs=True)
        # Back on the record: no second application offered, the open one linked.
        page.locator(f"a[href*='/records/{recid}']").first.click()
        assert page.locator("#apply-access").count() == 0
        page.locator("#open-application").wait_for(state="visible")

    @journey(chromium, live_server_url, "provider", "company-grant")
    def grant(me):
        page = me.page
        me.menu("/access/inbox")
        page.locator("a[href*='/access/request/']").first.click()
        page.locator("#decision-form[data-ready]").wait_for(state="visible")
        page.click("#action-grant")
        page.locator("#grant").wait_for(state="visible")

    @journey(chromium, live_server_url, "company", "company-download")
    def download(me):
        page = me.page
        me.menu("/access/mine")
        page.locator("a[href*='/access/request/']").first.click()
        page.locator(f"a[href*='/records/{recid}']").first.click()
        page.locator("#techdata-access-panel").wait_for(state="visible")
        with page.expect_download() as dl:
            page.locator(f"a[href*='/files/{FILE_KEY}?download=1']").first.click()
        with open(dl.value.path(), "rb") as fp:
            assert fp.read() == FILE_BODY


def test_7_bureau_publishes_a_directory_release(world, live_server_url, chromium):
    """Bureau compiles and submits; the reviewer passes; the bureau publishes; XLSX download."""
    @journey(chromium, live_server_url, "bureau", "release-compile")
    def compile_(me):
        page = me.page
        me.menu("/directory/releases/manage")
        page.click("#release-compile")
        page.locator("#diff-table").wait_for(state="visible")
        me.shot("release-draft.png", docs=True)
        page.click("#release-submit")
        page.locator("#release-draft[data-status='in_review']").wait_for()

    @journey(chromium, live_server_url, "reviewer", "release-review")
    def review(me):
        page = me.page
        me.menu("/directory/releases/manage")
        for item in ("no_state_secret", "no_personal_information", "no_commercial_secret",
                     "desensitised"):
            page.check(f"#check-{item}")
        page.fill("#reasons", "已逐条核查，无涉密、个人信息和商业秘密")
        page.click("#review-pass")
        page.locator("#release-draft[data-status='approved']").wait_for()

    @journey(chromium, live_server_url, "bureau", "release-publish")
    def publish(me):
        page = me.page
        me.menu("/directory/releases/manage")
        page.click("#release-publish")
        page.locator("#no-draft").wait_for(state="visible")
        page.locator("footer a[href='/directory/releases']").click()
        row = page.locator("tr[data-release]").first
        with page.expect_download() as dl:
            row.locator("a[data-format='xlsx']").click()
        from openpyxl import load_workbook

        with open(dl.value.path(), "rb") as fp:
            header = [c.value for c in next(load_workbook(fp).active.iter_rows(max_row=1))]
        assert "目录编号" in header
        me.shot("directory-releases.png", docs=True)


def test_8_visitor_searches_filters_exports_switches_language(world, live_server_url, chromium):
    """Anonymous: search, a facet, a record's export, the live directory's CSV, English."""
    @journey(chromium, live_server_url, "anonymous", "visitor")
    def steps(me):
        page = me.page
        me.shot("front.png", docs=True)
        page.set_viewport_size({"width": 375, "height": 800})  # a phone: no sideways scroll
        _no_sideways_scroll(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        box = page.locator("input[name='q']:visible").first
        box.fill("水质")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search"))
        result = page.get_by_role("link", name=re.compile(re.escape(TITLE_ZH))).first
        result.wait_for()
        me.shot("search.png", docs=True)
        page.locator(".facet-wrapper .ui.checkbox >> visible=true").first.click()
        page.wait_for_url(re.compile(r"[?&]f="))
        page.get_by_role("link", name=re.compile(re.escape(TITLE_ZH))).first.click()
        page.wait_for_url(re.compile(r"/records/"))
        me.shot("record.png", docs=True)
        export = page.locator("#recordExportDownload")
        export.locator(".ui.dropdown").first.click()
        export.locator("[role=option]", has_text=re.compile("^JSON$")).first.click()
        with page.expect_response(lambda r: "/export/json" in r.url) as res:
            export.locator("a[role=button]").first.click()
        assert res.value.status == 200
        page.wait_for_load_state("networkidle")
        if "/export/" in page.url:
            page.go_back()
        me.menu("/directory/")
        with page.expect_download() as dl:
            page.locator("#directory-downloads a[data-format='csv']").click()
        with open(dl.value.path(), encoding="utf-8-sig") as fp:
            assert fp.readline().startswith("目录编号")
        with page.expect_navigation():  # InvenioRDM turns the <select> into a dropdown
            page.locator("#language-code-form .ui.dropdown").click()
            page.locator("#language-code-form .item[data-value='en']").click()
        assert page.locator("html").get_attribute("lang").startswith("en")
        me.shot("directory-en.png", docs=True)


@pytest.fixture(scope="module")
def administrator(world, database):
    """The demo administrator's access, as the instance's set-up grants it to the admin role."""
    from invenio_access.models import ActionRoles
    from invenio_access.permissions import superuser_access
    from invenio_accounts.models import Role
    from invenio_administration.permissions import administration_access_action

    admin_role = Role.query.filter_by(name="admin").one()
    for action in (superuser_access, administration_access_action):
        if not ActionRoles.query.filter_by(action=action.value, role_id=admin_role.id).first():
            database.session.add(ActionRoles.allow(action, role=admin_role))
    database.session.commit()


@pytest.mark.parametrize("who", ["bureau", "admin"])
def test_header_stays_on_one_line_at_1280(world, administrator, live_server_url, chromium, who):
    """At 1280x800 the header bar of the roles with the most duties is one line high (issue 13).

    Eleven items wrapped onto two lines; the role items are now in the "My work" dropdown
    (keyboard: Arrow Down opens it on the first item, Escape closes it). The bar is as high
    as the visitor's (one line), every item starts on the same row and no label breaks.
    """
    visitor = Person(chromium, live_server_url, "anonymous")
    visitor.page.set_viewport_size({"width": 1280, "height": 800})
    one_line = {"front": _header_rows(visitor.page)["height"]}
    header_link(visitor.page, "/directory/")  # a page with the header's search box
    one_line["directory"] = _header_rows(visitor.page)["height"]
    visitor.done()

    def assert_one_line(page, where):
        rows = _header_rows(page)
        assert abs(rows["height"] - one_line[where]) <= 1, (where, rows, one_line)
        assert not rows["overflowing"] and not rows["overlapping"], (where, rows)
        assert not rows["clipped"], (where, rows["clipped"])  # the account menu was cut off
        tops = {top for _cls, top in rows["tops"]}
        assert max(tops) - min(tops) <= 4, (where, rows["tops"])
        for text, height, line in rows["labels"]:
            assert height < 1.8 * line, (where, text, height, line)  # one line (and a badge)

    @journey(chromium, live_server_url, who, f"header-{who}")
    def steps(me):
        page = me.page
        page.set_viewport_size({"width": 1280, "height": 800})
        assert_one_line(page, "front")
        me.shot(f"header-{who}-1280.png")
        header_link(page, "/directory/")
        assert_one_line(page, "directory")
        me.shot(f"header-{who}-directory-1280.png")
        # the role items, behind one toggle, reached with the keyboard too
        toggle = page.locator("#invenio-menu .techdata-dropdown-toggle")
        assert toggle.count() == 1
        menu = page.locator("#invenio-menu .techdata-dropdown > .menu")
        assert not menu.is_visible()
        toggle.focus()
        page.keyboard.press("ArrowDown")
        menu.wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"
        first = menu.locator("a.item").first
        assert first.evaluate("a => a === document.activeElement")
        assert menu.locator("a[href^='/directory/releases/manage']").count() == 1
        me.shot(f"header-{who}-menu.png")
        page.keyboard.press("Escape")
        menu.wait_for(state="hidden")
        assert toggle.evaluate("b => b === document.activeElement")
        header_link(page, "/directory/upkeep")
        assert "/directory/upkeep" in page.url
