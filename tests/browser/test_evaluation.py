"""The bureau evaluates by clicking (issue 19): from the front page to the evaluation, filters a
department, drills into its late requests, downloads the annual report as XLSX and as a PDF
in Chinese. In zh; no 4xx/5xx response and no console error on any page; ECharts draws."""

import io
import re
from uuid import uuid4

import pytest
from openpyxl import load_workbook

from techdata.kernel import roles
from tests.browser.helpers import SHOTS, header_link
from tests.evaluation.pages_world import (
    LATE_ECO, LATE_SCI, PAGES_FACTS, PAGES_YEAR, SCI, pdf_text, store_facts,
)

EMAIL, PASSWORD = "bureau-evaluation@test.example.org", "Bureau-Evaluation-2026"
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Safari/537.36 journey/evaluation-")
KEY = "requests.on_time.conditional-access"
KNOWN = ("favicon", "/logo", "/avatar.svg")
"""404s that are no fault (as in the role journeys): logos and avatars InvenioRDM asks for."""


@pytest.fixture(scope="module")
def evaluation_world(running_app, database, UserFixture):
    """The pages' facts of :data:`PAGES_YEAR` (committed) and a bureau account."""
    from invenio_accounts.proxies import current_datastore

    from techdata.kernel.roles import ensure_roles

    ensure_roles()
    store_facts(PAGES_FACTS, PAGES_YEAR)
    user = UserFixture(email=EMAIL, password=PASSWORD)
    user.create(running_app, database)
    current_datastore.add_role_to_user(user.user, roles.BUREAU)
    database.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    return user


def test_bureau_evaluates_a_department(evaluation_world, live_server_url, chromium):
    """Front page → log in → header "考核评估" → filter the science department → its late
    requests → back → XLSX and PDF downloads (the PDF's text is Chinese)."""
    context = chromium.new_context(locale="zh-CN", accept_downloads=True,
                                   viewport={"width": 1280, "height": 900},
                                   user_agent=USER_AGENT + uuid4().hex[:8])
    page = context.new_page()
    page.set_default_timeout(30000)
    problems = []
    page.on("console", lambda m: m.type == "error" and not any(
        k in (m.location or {}).get("url", "") for k in KNOWN) and problems.append(
        f"console on {page.url}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and not (
        r.status == 404 and any(k in r.url for k in KNOWN)) and problems.append(
        f"HTTP {r.status} {r.url}"))
    try:
        page.goto(live_server_url + "/")  # the only typed URL
        page.locator("header a.auth-button").first.click()
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url

        header_link(page, "/evaluation/")  # in the header's "My work" dropdown
        assert "考核评估" in page.locator("h1").inner_text()
        page.select_option("#year", str(PAGES_YEAR))
        page.select_option("#filter-department", SCI)
        page.locator("#evaluation-apply").click()
        page.wait_for_load_state("networkidle")
        scope = page.locator("#evaluation-scope")
        assert scope.get_attribute("data-scope-kind") == "department"
        assert scope.get_attribute("data-scope-id") == SCI
        row = page.locator(f"table.evaluation-indicators tr[data-key='{KEY}']")
        assert row.locator(".evaluation-value").inner_text().strip() == "66.7%"
        assert "有条件开放申请按时答复" in row.inner_text()
        # ECharts drew every chart (canvas) under the page's zh locale
        page.locator(".td-chart[data-chart-ready='true'] canvas").first.wait_for()
        charts = page.locator(".td-chart")
        assert charts.count() >= 2
        assert page.locator(".td-chart[data-chart-ready='true']").count() == charts.count()
        page.screenshot(path=str(SHOTS / "evaluation-department.png"), full_page=True)

        row.locator("a[data-subset='rest']").click()
        page.wait_for_load_state("networkidle")
        assert "逾期" in page.locator("h1").inner_text()
        items = page.locator("#evaluation-items-table tr[data-item]")
        assert [items.nth(i).get_attribute("data-item") for i in range(items.count())] \
            == [LATE_SCI]
        assert LATE_ECO not in page.content()
        assert "2025年5月20日" in items.first.inner_text()
        assert items.first.locator(f"a[href='/access/request/{LATE_SCI}']").count() == 1
        page.screenshot(path=str(SHOTS / "evaluation-late-requests.png"), full_page=True)
        page.locator("#evaluation-back").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#evaluation-scope").get_attribute("data-scope-id") == SCI

        with page.expect_download() as download:
            page.locator("#evaluation-xlsx").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        with open(download.value.path(), "rb") as fp:
            wb = load_workbook(io.BytesIO(fp.read()))
        assert wb.sheetnames[0] == "指标定义" and "外部申请" in wb.sheetnames
        values = {r[1]: r[2] for r in wb["外部申请"].iter_rows(values_only=True)}
        assert abs(values[KEY] - 2 / 3) < 1e-9

        with page.expect_download() as download:
            page.locator("#evaluation-pdf").click()
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as fp:
            text = pdf_text(fp.read())
        assert "考核评估报告" in text and "有条件开放申请按时答复" in text and SCI in text
        assert re.search(r"66\.7%", text)
        page.wait_for_load_state("networkidle")
    except BaseException:
        page.screenshot(path=str(SHOTS / "failure-evaluation.png"), full_page=True)
        print("\n".join(problems))
        raise
    finally:
        context.close()
    assert not problems, "\n".join(problems)
