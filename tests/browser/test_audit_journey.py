"""An auditor finds a dataset's full history in the audit trail and exports it (issue 16)."""

import csv

import pytest

from techdata.kernel import roles
from tests.audit.conftest import refresh_trail
from tests.browser.helpers import SHOTS, logged_in_page

PASSWORD = "Auditor-Journey-2026"


@pytest.fixture(scope="module")
def auditor_user(running_app, database, UserFixture):
    """An auditor, committed so the live server sees it (LZ Art. 40)."""
    from invenio_accounts.proxies import current_datastore

    from techdata.kernel.roles import ensure_roles

    ensure_roles()
    user = UserFixture(email="auditor-journey@test.example.org", password=PASSWORD)
    user.create(running_app, database)
    current_datastore.add_role_to_user(user.user, roles.AUDITOR)
    database.session.commit()
    return user


def test_auditor_finds_a_datasets_history_and_exports_it(datasets, auditor_user,
                                                          live_server_url, chromium):
    """Audit page → filter by the dataset → its decisions listed → CSV export holds them."""
    recid = datasets["conditional"]
    refresh_trail()
    wanted = {"techdata.review.decide", "techdata.confidentiality.decide", "draft.create"}
    with logged_in_page(chromium, live_server_url, auditor_user.email, PASSWORD,
                        "audit-journey.png") as page:
        page.goto(live_server_url + "/audit/")
        assert "审计日志" in page.locator("h1").inner_text()
        page.fill("#object", recid)
        page.locator("#audit-filters button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        rows = page.locator("#audit-entries tr[data-action]")
        actions = {rows.nth(i).get_attribute("data-action") for i in range(rows.count())}
        assert wanted <= actions, actions
        page.screenshot(path=str(SHOTS / "audit-trail.png"), full_page=True)
        with page.expect_download() as download:
            page.locator("#audit-export").click()
        with open(download.value.path(), encoding="utf-8-sig") as fp:
            exported = list(csv.reader(fp))
        assert wanted <= {r[1] for r in exported[1:]}
        assert all(r[4] == recid for r in exported[1:])
