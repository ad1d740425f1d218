"""A company reports an error in a dataset; the data centre answers (校核).

CD-PD Art. 27, LZ Art. 31: the company fills in the correction form (what,
where, evidence, the day found), sees its request with the working-day due
date; the centre's curator opens the answer page and answers "resolved by
discussion" with a summary; the request is answered.
"""

import pytest

from tests.browser.helpers import SHOTS, committed_user, logged_in_page

COMPANY = ("company-correction@test.example.org", "Company-Correction-2026")
"""The reporting company (a registered user with no role)."""
CURATOR = ("acc-curator@test.example.org", "Workflow-Test-2026")
"""The data centre's curator (made by the ``datasets`` fixture)."""


@pytest.fixture(scope="module")
def company(running_app, database, UserFixture):
    """The company's account, committed so the live server sees it."""
    return committed_user(running_app, database, UserFixture, *COMPANY)


def test_company_reports_an_error_and_the_centre_answers(datasets, company,  # noqa: F811
                                                         live_server_url, chromium):
    """Form → request page with due date → curator's answer form → answered."""
    from techdata.review.deadlines import today

    recid = datasets["open"]
    with logged_in_page(chromium, live_server_url, *COMPANY, "correction-failure.png") as page:
        page.goto(f"{live_server_url}/access/new/correction?record={recid}")
        page.locator("#new-request-form[data-ready]").wait_for()  # its script is attached
        assert page.locator("#record").input_value() == recid
        page.fill("#what", "样点 S-12 镉含量单位错误")
        page.fill("#where", "soil.csv 第 118 行")
        page.fill("#evidence", "与原始检测报告 CD-2023-118 对照")
        page.fill("#found_on", today().isoformat())
        page.click("#submit-request")
        page.wait_for_url("**/access/request/**")
        request_path = page.url[len(live_server_url):]
        assert "待答复" in page.locator("#request-status").inner_text()
        assert page.locator("#due-date").inner_text().startswith(str(today().year))
        page.screenshot(path=str(SHOTS / "correction-reported.png"), full_page=True)

    with logged_in_page(chromium, live_server_url, *CURATOR,
                        "correction-answer-failure.png") as page:
        page.goto(f"{live_server_url}{request_path}")
        page.click("#answer-link-answer")  # the request page leads to the answer form
        page.wait_for_url("**/access/answer/**")
        page.locator("#form-answer[data-ready]").wait_for(state="visible")
        page.select_option("#answer-outcome", "resolved-by-discussion")
        page.click("#action-answer")  # the summary is missing
        errors = page.locator("#form-answer .negative.message")
        errors.wait_for(state="visible")
        assert "summary" in errors.inner_text()
        page.fill("#answer-summary", "电话沟通，下一版本补充单位说明")
        page.click("#action-answer")
        page.locator("#nothing-to-answer").wait_for(state="visible")
        page.goto(f"{live_server_url}{request_path}")
        assert "已同意" in page.locator("#request-status").inner_text()
        page.screenshot(path=str(SHOTS / "correction-answered.png"), full_page=True)
