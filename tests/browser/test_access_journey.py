"""A company applies for a conditional dataset, accepts its agreement, is granted, downloads.

QY Art. 24; LZ Art. 25-26: the company finds the dataset, applies with
purpose, security means and term, accepts the data-use agreement; the data
centre's curator grants download access; the company sees the use
restrictions (CD-PD Art. 30; LZ Art. 27) and downloads the file.
"""

import pytest

from tests.access.conditional import FILE_BODY, FILE_KEY, USCC
from tests.browser.helpers import SHOTS, committed_user, logged_in_page

COMPANY = ("company-journey@test.example.org", "Company-Journey-2026")
"""The company user (a registered user with no role, like company@example.org)."""


@pytest.fixture(scope="module")
def company(running_app, database, UserFixture):
    """The company's account, committed so the live server sees it."""
    return committed_user(running_app, database, UserFixture, *COMPANY)


def test_company_applies_is_granted_and_downloads(datasets, company, live_server_url,  # noqa: F811
                                                  chromium):
    """Record page → form with agreement → provider grants → restrictions shown → download."""
    from techdata.review.deadlines import today

    recid = datasets["conditional"]
    with logged_in_page(chromium, live_server_url, *COMPANY, "access-failure.png") as page:
        page.goto(f"{live_server_url}/records/{recid}")
        page.locator("#apply-access").click()
        page.locator("#agreement-text").wait_for(state="visible")
        page.locator("#access-form[data-ready]").wait_for()  # its script is attached
        assert "第三方" in page.locator("#agreement-text").inner_text()
        page.fill("#applicant_name", "王芳")
        page.fill("#organisation", "成都某某科技有限公司")
        page.fill("#uscc", USCC)
        page.fill("#contact", "028-12345678")
        page.fill("#purpose", "土壤修复方案研究")
        page.fill("#intended_use", "内部模型训练，不对外发布")
        page.fill("#security_means", "内网隔离存储，专人管理")
        page.fill("#term_start", today().isoformat())
        page.fill("#term_end", today().replace(year=today().year + 1).isoformat())
        page.click("#submit-application")  # the agreement is not accepted yet
        errors = page.locator("#form-errors")
        errors.wait_for(state="visible")
        assert "数据利用协议" in errors.inner_text()
        page.check("#accept_agreement", force=True)
        page.click("#submit-application")
        page.wait_for_url("**/access/request/**")
        request_url = page.url
        assert "待答复" in page.locator("#request-status").inner_text()
        assert page.locator("#due-date").inner_text().startswith(str(today().year))
        page.screenshot(path=str(SHOTS / "access-applied.png"), full_page=True)

    # The data centre's curator grants download access from the inbox.
    with logged_in_page(chromium, live_server_url, "acc-curator@test.example.org",
                        "Workflow-Test-2026", "access-grant-failure.png") as page:
        page.goto(f"{live_server_url}/access/inbox")
        page.locator(f"a[href='{request_url[len(live_server_url):]}']").click()
        page.locator("#decision-form[data-ready]").wait_for(state="visible")
        page.click("#action-grant")
        page.locator("#grant").wait_for(state="visible")
        assert "已同意" in page.locator("#request-status").inner_text()

    # The company sees the restrictions on the record page and downloads the file.
    with logged_in_page(chromium, live_server_url, *COMPANY,
                        "access-download-failure.png") as page:
        page.goto(request_url)
        assert "第三方" in page.locator("#use-restrictions").inner_text()
        page.goto(f"{live_server_url}/records/{recid}")
        panel = page.locator("#techdata-access-panel")
        assert "第三方" in panel.inner_text()
        page.screenshot(path=str(SHOTS / "access-granted-record.png"), full_page=True)
        with page.expect_download() as download:
            page.locator(f"a[href*='/files/{FILE_KEY}?download=1']").first.click()
        with open(download.value.path(), "rb") as fp:
            assert fp.read() == FILE_BODY
