"""Acts of the services reach the one trail with who, what, before/after (LZ Art. 21, 40)."""

from datetime import date, timedelta

from invenio_access.permissions import system_identity

from techdata.access.grants import expire_grants
from techdata.kernel.audit_chain import verify
from tests.access.conditional import FILE_KEY, act, application, apply, content
from techdata.workdays.loader import load_schedule
from tests.audit.conftest import trail
from tests.directory.test_releases import put, release_through
from tests.workdays.test_calendar import SCHEDULE_2027
from tests.helpers import program_manager, token_headers
from tests.projects.test_projects import project


def _one(entries, action):
    """The only entry of ``action`` among ``entries``."""
    found = [e for e in entries if e["action"] == action]
    assert len(found) == 1, [e["action"] for e in entries]
    return found[0]


def test_review_decisions_are_recorded(audit_app, datasets):
    """The curator's deposit decision and the reviewer's confidentiality decision."""
    recid = datasets["conditional"]
    entries = trail(recid)
    review = _one(entries, "techdata.review.decide")
    assert review["user"]["email"] == "acc-curator@test.example.org"
    assert review["metadata"]["after"]["status"] == "accept"
    assert review["metadata"]["after"]["grading"]["basis"]
    assert review["metadata"]["before"] == {"status": "submitted"}
    assert review["metadata"]["ip_address"] == "127.0.0.1"
    assert "data-centre-curator" in review["metadata"]["roles"]
    conf = _one(entries, "techdata.confidentiality.decide")
    assert conf["user"]["email"] == "acc-reviewer@test.example.org"
    assert conf["metadata"]["after"]["decision"] == "pass"
    assert conf["metadata"]["details"]["signature"]
    # InvenioRDM's own actions are in the same trail
    assert {"draft.create", "record.publish"} <= {e["action"] for e in entries}
    assert verify()[1] is None


def test_download_of_conditional_data_is_recorded_per_user(audit_app, datasets):
    """Who took which data: the user, not anonymised (LZ Art. 21, 40)."""
    recid, client = datasets["conditional"], audit_app.test_client()
    with client.get(f"/api/records/{recid}/files/{FILE_KEY}/content",
                    headers=datasets["owner_headers"]) as res:  # closed as a server does
        assert res.status_code == 200
    entry = _one(trail(recid, "techdata.file.download"), "techdata.file.download")
    assert entry["user"]["email"] == "provider-owner@test.example.org"
    assert entry["metadata"]["details"]["file"] == FILE_KEY
    assert entry["metadata"]["details"]["opening_type"] == "conditional"
    assert "agreement" not in entry["metadata"]["details"]  # the owner's own: no grant, no agreement
    # an open dataset's download is statistics only (no file there: nothing to take)
    assert trail(datasets["open"], "techdata.file.download") == []


def test_trail_over_rest_for_auditor_only(audit_app, datasets, auditor_token, researcher_token):
    """The auditor searches the trail over REST; a researcher may not (LZ Art. 40)."""
    client = audit_app.test_client()
    recid = datasets["conditional"]
    trail(recid)
    res = client.get("/api/audit-logs/", query_string={"q": f'resource.id:"{recid}"'},
                     headers=auditor_token)
    assert res.status_code == 200, res.get_json()
    actions = {hit["action"] for hit in res.get_json()["hits"]["hits"]}
    assert "techdata.review.decide" in actions
    res = client.get("/api/audit-logs/", headers=researcher_token)
    assert res.status_code == 403
    assert system_identity  # the service's own writes are the system's


def test_grant_download_and_expiry_are_recorded(audit_app, datasets, UserFixture, db):
    """A granted company's download shows up with the grant; expiry withdraws it (QY Art. 24)."""
    client, recid = audit_app.test_client(), datasets["conditional"]
    company = UserFixture(email="audit-company@test.example.org", password="Company-Test-2026")
    company.create(audit_app, db)
    company_h = token_headers(company, db)
    res = apply(client, company_h, application(client, recid))
    assert res.status_code == 201, res.get_json()
    req = res.get_json()
    res = act(client, datasets["flow"].curator, req["id"], "grant", modes=["download"],
              comment="同意 / granted")
    assert res.status_code == 200, res.get_json()
    term_end = res.get_json()["payload"]["grant"]["term_end"]
    assert content(client, recid, company_h) == 200

    decided = _one(trail(req["id"]), "techdata.access.decide")
    assert decided["user"]["email"] == "acc-curator@test.example.org"
    assert decided["metadata"]["after"]["status"] == "accepted"
    assert decided["metadata"]["details"]["type"] == "conditional-access"
    granted = _one(trail(recid, "techdata.access.grant"), "techdata.access.grant")
    assert granted["metadata"]["details"]["user"] == str(company.id)
    downloads = [e for e in trail(recid, "techdata.file.download")
                 if e["user"]["email"] == company.email]
    assert len(downloads) == 1
    assert downloads[0]["metadata"]["details"]["grants"][0]["origin"] == f"request:{req['id']}"
    # ... under the data-use agreement the company accepted, named by id and version (QY Art. 24)
    accepted = req["payload"]["agreement"]
    agreement = downloads[0]["metadata"]["details"]["agreement"]
    parent = client.get(f"/api/records/{recid}").get_json()["parent"]["id"]
    assert agreement["version"] == accepted["version"] and agreement["sha256"] == accepted["sha256"]
    assert agreement["id"] == f"{parent}/v{accepted['version']}"
    assert agreement["request"] == req["id"]

    # "Who took my data" on the owner's record page (not on the company's)
    page = client.get(f"/records/{recid}").get_data(as_text=True)
    assert "techdata-downloads" not in page
    company.login(client)
    assert "techdata-downloads" not in client.get(f"/records/{recid}").get_data(as_text=True)
    owner = UserFixture(email="provider-owner@test.example.org", password="Owner-Test-2026")
    owner_client = audit_app.test_client()
    owner.login(owner_client)
    page = owner_client.get(f"/records/{recid}").get_data(as_text=True)
    panel = page[page.index('id="techdata-downloads"'):]
    assert company.email in panel[:panel.index("</section>")]
    company_row = panel[panel.index(company.email):panel.index("</tr>", panel.index(company.email))]
    assert "techdata-download-agreement" in company_row and accepted["sha256"] in company_row
    assert f"{parent}/v{accepted['version']}" in company_row

    assert req["id"] in expire_grants(on=date.fromisoformat(term_end) + timedelta(days=1))
    revoked = _one(trail(recid, "techdata.access.revoke"), "techdata.access.revoke")
    assert revoked["metadata"]["details"]["request"] == req["id"]
    closed = [e for e in trail(req["id"], "techdata.access.decide")
              if e["metadata"]["after"]["status"] == "expired"]
    assert len(closed) == 1
    assert verify()[1] is None


def test_acceptance_override_is_recorded(audit_app, running_app, researcher, UserFixture, db):
    """The acceptance decision with its override and second approver (CD-TD Art. 15)."""
    client = audit_app.test_client()
    manager = program_manager(UserFixture, audit_app, db, "pm-audit@test.example.org")
    program_manager(UserFixture, audit_app, db, "pm2-audit@test.example.org")
    headers = token_headers(manager, db)
    res = client.post("/api/projects", json=project(number="AUD-0001"), headers=headers)
    assert res.status_code == 201, res.get_json()
    res = client.post("/api/projects/AUD-0001/acceptance", headers=headers, json={
        "decision": "accepted", "comment": "特批", "override": {
            "reason": "项目数据已线下移交市数据中心", "approver": "pm2-audit@test.example.org"}})
    assert res.status_code == 200, res.get_json()
    entry = _one(trail("AUD-0001"), "techdata.acceptance.decide")
    assert entry["user"]["email"] == "pm-audit@test.example.org"
    assert entry["metadata"]["after"]["status"] == "accepted"
    assert entry["metadata"]["after"]["overridden"] is True
    assert entry["metadata"]["after"]["approver"] == "pm2-audit@test.example.org"
    assert entry["metadata"]["before"]["status"] != "accepted"


def test_calendar_year_loaded_is_recorded(audit_app, db):
    """Loading a year's holiday schedule is recorded (it moves every deadline)."""
    load_schedule(SCHEDULE_2027, "test")
    entry = _one(trail("2027", "techdata.calendar.load"), "techdata.calendar.load")
    assert entry["metadata"]["after"]["days"] > 0
    assert entry["metadata"]["after"]["source"]


def test_directory_release_steps_are_recorded(audit_app, running_app, db):
    """Compile, submit, confidentiality review and publication of a release (CD-TD Art. 7, 24)."""
    put(9001)
    release = release_through("open")
    entries = trail(f"open:{release.id}", "techdata.release.change")
    steps = sorted(e["metadata"]["after"]["step"] for e in entries)
    assert steps == ["compile", "publish", "review", "submit"]
    published = [e for e in entries if e["metadata"]["after"]["step"] == "publish"][0]
    assert published["metadata"]["after"]["status"] == "published"
    assert published["metadata"]["details"]["number"] == release.number
