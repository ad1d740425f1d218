"""Government sharing of not-opened data (CD-PD Art. 22, 26; QY Art. 16; LZ Art. 17).

A 不予开放 dataset shared unconditionally (无条件共享) gives its files, not only its
metadata, to the government units its sharing scope allows; a 不予开放 dataset shared
on conditions gives them only its metadata. A refusal of conditional sharing names its
legal basis from a vocabulary.
"""

import pytest
from flask import g
from invenio_access.permissions import authenticated_user, system_identity
from invenio_access.utils import get_identity
from invenio_accounts.models import User
from invenio_rdm_records.proxies import current_rdm_records_service as records_service

from techdata.access.generators import sharing_scope_ids
from techdata.kernel import roles
from techdata.kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, MEMBER, scope_need
from tests.access.conditional import act, content, timedelta, today
from tests.access.filing import NOT_OPENED
from tests.helpers import (
    deposit, make_workflow, publish_with_files, registered_user, token_headers, user_with_role,
)

FILE = "gov-share.csv"


def _download(client, recid, headers=None):
    """Status of downloading the dataset's file."""
    return client.get(f"/api/records/{recid}/files/{FILE}/content",
                      headers=headers or {}).status_code


@pytest.fixture(scope="module")
def shared(running_app, UserFixture, database):
    """Three not-opened datasets: shared unconditionally with every unit, with the
    department ``sthjj`` only, and shared on conditions; plus the callers."""
    owner = registered_user(UserFixture, running_app, database, "gov-owner@test.example.org",
                            "Gov-Test-2026")
    owner_h = token_headers(owner, database, name="gov")
    client = running_app.test_client()
    flow = make_workflow(running_app, database, client, owner_h, tag="gov")

    def dataset(title, **custom):
        data = deposit(title=title, files=True, **NOT_OPENED, **custom)
        return publish_with_files(flow, data, {FILE: b"a,b\n1,2\n"})["id"]

    ids = {
        "everyone": dataset("政务共享甲", sharing_type={"id": "unconditional"},
                            sharing_scope="成都市政务部门"),
        "scoped": dataset("政务共享乙", sharing_type={"id": "unconditional"},
                          sharing_scope="sthjj、scu"),
        "conditional": dataset(
            "政务共享丙", sharing_type={"id": "conditional"}, providing_entity={"id": "scu"},
            sharing_reason="含企业经营数据 / contains business data",
            sharing_legal_basis="《成都市公共数据管理应用暂行规定》第二十六条 / CD-PD Art. 26"),
    }
    people = {
        "department": user_with_role(UserFixture, running_app, database,
                                     "gov-dept@test.example.org", roles.DEPARTMENT_ADMIN),
        "manager": user_with_role(UserFixture, running_app, database,
                                  "gov-pm@test.example.org", roles.PROGRAM_MANAGER),
        "company": registered_user(UserFixture, running_app, database,
                                   "gov-company@test.example.org", "Gov-Test-2026"),
    }
    headers = {name: token_headers(user, database, name="gov") for name, user in people.items()}
    return {"ids": ids, "people": people, "headers": headers, "client": client,
            "curator_h": flow.curator}


def _identity(user, *needs):
    """The logged-in identity of ``user`` with extra (scope) needs."""
    identity = get_identity(User.query.filter_by(email=user.email).one())
    identity.provides.add(authenticated_user)
    for need in needs:
        identity.provides.add(need)
    return identity


def _may_read_files(identity, recid):
    record = records_service.read(system_identity, recid)._record
    return records_service.check_permission(identity, "read_files", record=record)


def test_scope_ids_are_ids_not_words():
    """A sharing scope names entities/departments by id; words name every unit."""
    assert sharing_scope_ids("sthjj、scu, kjj") == ["kjj", "scu", "sthjj"]
    assert sharing_scope_ids("成都市政务部门及科研单位") == []
    assert sharing_scope_ids("") == [] and sharing_scope_ids(None) == []


def test_government_roles_download_unconditionally_shared_files(shared):
    """无条件共享 with every unit: government roles download; companies and the public do not."""
    client, h, recid = shared["client"], shared["headers"], shared["ids"]["everyone"]
    assert _download(client, recid, h["department"]) == 200
    assert _download(client, recid, h["manager"]) == 200
    assert client.get(f"/api/records/{recid}/files", headers=h["department"]).status_code == 200
    assert _download(client, recid, h["company"]) == 403
    assert client.get(f"/api/records/{recid}", headers=h["company"]).status_code == 403
    assert _download(client, recid) == 403


def test_conditionally_shared_not_opened_gives_metadata_only(shared):
    """有条件共享: government roles read the metadata (directory duties), never the files;
    a competent department's admins only their own department's (issue 18; CD-TD Art. 8)."""
    client, h, recid = shared["client"], shared["headers"], shared["ids"]["conditional"]
    assert client.get(f"/api/records/{recid}", headers=h["manager"]).status_code == 200
    assert _download(client, recid, h["manager"]) == 403
    # the department role without this dataset's department (scu's) reads nothing
    assert client.get(f"/api/records/{recid}", headers=h["department"]).status_code == 403
    assert _download(client, recid, h["department"]) == 403


def test_a_scope_naming_units_gives_files_to_those_units_only(shared):
    """Scope ``sthjj、scu``: that department's admins and that entity's verified members;
    a government role without the scope gets nothing more than the metadata."""
    client, h, recid = shared["client"], shared["headers"], shared["ids"]["scoped"]
    people = shared["people"]
    assert _download(client, recid, h["department"]) == 403
    assert client.get(f"/api/records/{recid}", headers=h["manager"]).status_code == 200
    assert _may_read_files(_identity(people["department"],
                                     scope_need(DEPARTMENT, "sthjj")), recid)
    assert not _may_read_files(_identity(people["department"],
                                         scope_need(DEPARTMENT, "kjj")), recid)
    assert _may_read_files(_identity(people["company"],
                                     scope_need(ENTITY, "scu", MEMBER)), recid)
    assert not _may_read_files(_identity(people["company"]), recid)
    # and the scope gives nothing on data shared with every unit to someone without a role
    assert not _may_read_files(_identity(people["company"], scope_need(ENTITY, "scu", MEMBER)),
                               shared["ids"]["everyone"])


def test_the_providing_entitys_data_admins_read_its_not_opened_records(shared):
    """A verified data admin of the providing entity reads the metadata (issue 18; CD-TD
    Art. 9), not a mere member, nor another entity's admin; files stay closed."""
    recid, company = shared["ids"]["conditional"], shared["people"]["company"]
    record = records_service.read(system_identity, recid)._record
    check = records_service.check_permission
    assert check(_identity(company, scope_need(ENTITY, "scu", DATA_ADMIN)), "read", record=record)
    assert not check(_identity(company, scope_need(ENTITY, "scu", MEMBER)), "read", record=record)
    assert not check(_identity(company, scope_need(ENTITY, "uestc", DATA_ADMIN)), "read",
                     record=record)
    assert not _may_read_files(_identity(company, scope_need(ENTITY, "scu", DATA_ADMIN)), recid)


def test_refusing_conditional_sharing_names_a_legal_basis(running_app, client, datasets, people,
                                                          UserFixture, db):
    """CD-PD Art. 22; LZ Art. 17: no refusal without a legal basis from the vocabulary."""
    dept = user_with_role(UserFixture, running_app, db, "gov-refused@test.example.org",
                          roles.DEPARTMENT_ADMIN)
    dept_h = token_headers(dept, db)
    res = client.post("/api/techdata/access/apply/conditional-sharing", headers=dept_h, json={
        "record": datasets["conditional"], "applicant_name": "李强",
        "organisation": "成都市生态环境局", "contact": "028-87654321",
        "purpose": "土壤污染防治监管 / soil pollution oversight",
        "legal_basis": "《土壤污染防治法》第七条 / Soil Pollution Law Art. 7",
        "scope": "全部样点 / all sites", "term_start": today().isoformat(),
        "term_end": (today() + timedelta(days=30)).isoformat()})
    assert res.status_code == 201, res.get_json()
    rid = res.get_json()["id"]
    reason = "涉及商业秘密 / trade secrets"
    # the provider's decision form offers the vocabulary of bases
    provider = running_app.test_client()
    g.pop("_login_user", None)
    assert provider.post("/login/", data={"email": "acc-curator@test.example.org",
                                          "password": "Workflow-Test-2026"}).status_code == 302
    g.pop("_login_user", None)
    html = provider.get(f"/access/request/{rid}").get_data(as_text=True)
    g.pop("_login_user", None)
    assert 'name="refusal_basis"' in html and 'value="central-provision"' in html

    res = act(client, people["curator_h"], rid, "refuse", reason=reason)
    assert res.status_code == 400
    assert "refusal_basis" in str(res.get_json()) and "必填" in str(res.get_json())
    res = act(client, people["curator_h"], rid, "refuse", reason=reason,
              refusal_basis="because", refusal_basis_citation="《反不正当竞争法》第九条")
    assert res.status_code == 400 and "CD-PD Art. 22" in str(res.get_json())
    res = act(client, people["curator_h"], rid, "refuse", reason=reason, refusal_basis="law")
    assert res.status_code == 400 and "refusal_basis_citation" in str(res.get_json())

    res = act(client, people["curator_h"], rid, "refuse", reason=reason, refusal_basis="law",
              refusal_basis_citation="《反不正当竞争法》第九条 / Anti-Unfair Competition Law Art. 9")
    assert res.status_code == 200, res.get_json()
    payload = res.get_json()["payload"]
    assert res.get_json()["status"] == "declined"
    assert payload["refusal_basis"] == "law"
    assert payload["refusal_basis_citation"].startswith("《反不正当竞争法》")
    assert content(client, datasets["conditional"], dept_h) == 403
    # the applicant's page shows the basis
    browser = running_app.test_client()
    g.pop("_login_user", None)
    assert browser.post("/login/", data={"email": dept.email, "password": "Reviewer-Test-2026"}
                        ).status_code == 302
    g.pop("_login_user", None)
    page = browser.get(f"/access/request/{rid}")
    g.pop("_login_user", None)
    assert page.status_code == 200 and "《反不正当竞争法》第九条" in page.get_data(as_text=True)
