"""A program manager walks from the program page to a project's gate and records acceptance."""

import pytest

from tests.browser.helpers import SHOTS, login


@pytest.fixture(scope="module")
def overdue_project(running_app, database):
    """A committed project due last year, with nothing deposited (the gate fails)."""
    from flask import current_app
    from invenio_access.permissions import system_identity

    from techdata.demo.loader import ensure_roles, ensure_users

    from techdata.entities.proxies import current_entities_service

    ensure_roles()
    users = ensure_users()
    # the demo manager runs 重点研发计划; this project's programme too (CD-TD Art. 8-9)
    if "软科学研究计划" not in current_entities_service.programs_of(
            users["manager@example.org"].id):
        current_entities_service.add_program_manager(
            system_identity, "软科学研究计划", users["manager@example.org"].id)
    service = current_app.extensions["techdata"].projects_service
    if not service.exists("2023CDKJ0042"):
        service.create(system_identity, {
            "number": "2023CDKJ0042", "title_zh": "成都市科技型企业创新能力调查",
            "program": "软科学研究计划", "funding_source": "government",
            "lead_entity": "成都市科学技术信息研究所", "pi": "researcher@example.org",
            "acceptance_due": "2025-12-31",
            "plan": [{"key": "survey", "title": "企业调查数据"}],
        })
        service.transition(system_identity, "2023CDKJ0042", {"status": "pending-acceptance"})
    service.indexer.refresh()
    return "2023CDKJ0042"


def test_program_manager_records_acceptance_by_override(overdue_project, live_server_url,
                                                        chromium):
    """List (overdue, gate fails) → project → gate reasons → accept by a recorded override."""
    context, page, console = login(chromium, live_server_url, "manager@example.org",
                                   "Manager-Demo-2026", locale="zh-CN")
    try:
        page.goto(live_server_url + "/projects/?overdue=1")
        row = page.locator(f"tr[data-project='{overdue_project}']")
        assert "逾期" in row.inner_text() or "Overdue" in row.inner_text()
        with page.expect_download() as download:
            page.locator("#export-xlsx").click()
        xlsx = download.value.path()
        from openpyxl import load_workbook

        with open(xlsx, "rb") as fp:
            cells = [c.value for c in next(load_workbook(fp).active.iter_rows(min_row=2))]
        assert cells[0] == overdue_project and "未通过" in cells

        row.get_by_role("link", name=overdue_project).click()
        page.locator("#gate-conditions").wait_for(state="visible")
        assert "尚未汇交" in page.locator("tr[data-condition='dataset:survey']").inner_text()
        page.screenshot(path=str(SHOTS / "project-gate.png"), full_page=True)

        page.click("#record-decision")  # without override: refused, reasons shown
        page.locator("#acceptance-errors").wait_for(state="visible")
        assert "CD-TD Art. 15" in page.locator("#acceptance-errors").inner_text()

        page.fill("#override-reason", "数据已按保密规定线下移交，经局务会研究同意")
        page.fill("#override-approver", "bureau@example.org")
        page.click("#record-decision")
        page.locator("#acceptance-done").wait_for(state="visible")
        assert page.locator("#project-status").get_attribute("data-status") == "accepted"
        assert page.locator("#project-status").inner_text() not in ("", "accepted")  # a label
        assert "accepted" not in page.locator("#acceptance-done").inner_text()
        page.screenshot(path=str(SHOTS / "project-accepted.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(SHOTS / "project-failure.png"), full_page=True)
        print("\n".join(console))
        raise
    finally:
        context.close()
