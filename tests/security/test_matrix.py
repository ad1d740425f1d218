"""Role × dataset class × endpoint: no marker of a dataset reaches a role that may not see it
(issue 20; CD-TD Art. 11, 18, 24).

One module-scoped world: four datasets, each with a unique marker in its
title, description and file name — a not-opened (不予开放) published record,
a draft never submitted, a deposit the data centre declined, a deposit that
failed its confidentiality review — and seven callers: anonymous, a fresh
registered user, a company that filed an opening application about the
not-opened record, the owner, the centre's curator, the confidentiality
reviewer and the tech bureau. Issue 18 adds a fifth dataset, not-opened data of
one competent department shared on conditions, and the callers of the scopes: that
department's admin, another department's admin, an unrelated entity's data admin. Every caller GETs every endpoint (REST, HTML
pages, exports, OAI-PMH, the CSTR resolver, request pages and lists); the
marker of a class may appear only in the answers of the roles in
:data:`MAY_SEE`, and each of those roles sees it somewhere (so the check is
live: a marker the test cannot find would prove nothing).
"""

import io
import zipfile

import pytest
from flask import current_app, g
from invenio_requests.proxies import current_requests_service
from invenio_search import current_search_client

from invenio_access.permissions import system_identity

from techdata.access.opening import apply_for_opening
from techdata.entities.proxies import current_entities_service as entities
from techdata.kernel import roles
from tests.access.conditional import CONDITIONAL
from tests.access.filing import NOT_OPENED, who
from tests.helpers import deposit, make_workflow, token_headers, upload, user_with_role

MARKERS = {
    "not_opened": "MKNOTOPENQ7X",
    "department_data": "MKDEPTDATAQ7X",
    "draft": "MKDRAFTQ7X",
    "declined": "MKDECLINEDQ7X",
    "review_failed": "MKFAILEDQ7X",
}
"""Dataset class → the marker in its title, description and file name."""

ROLES = ("anonymous", "fresh", "company", "owner", "curator", "reviewer", "bureau",
         "department", "other_department", "entity_admin")
"""The callers; ``department`` is a competent department's admin (a government role with
its department scope), ``other_department`` the admin of another department,
``entity_admin`` the verified data admin of an unrelated entity (issue 18)."""

MAY_SEE = {
    # metadata of not-opened data: owner, its centre, and the government roles that
    # keep the resource directory (CD-TD Art. 7, 11, 18-19)
    # (it is shared unconditionally with every government unit: CD-PD Art. 22, 26)
    "not_opened": {"owner", "curator", "reviewer", "bureau", "department", "other_department"},
    # not-opened data of the department ``mx-dept``, shared on conditions: a competent
    # department's admins read their own department's only (issue 18; CD-TD Art. 8)
    "department_data": {"owner", "curator", "reviewer", "bureau", "department"},
    # a draft is its depositor's alone
    "draft": {"owner"},
    # a declined deposit: its depositor and the centre that reviewed it (CD-TD Art. 11)
    "declined": {"owner", "curator"},
    # a failed confidentiality review: depositor, centre, reviewer (CD-TD Art. 24)
    "review_failed": {"owner", "curator", "reviewer"},
}
"""Who may see each class's marker (anywhere)."""

SHARED_ON_CONDITIONS = {k: v for k, v in CONDITIONAL.items() if k.startswith("sharing")}
"""有条件共享: no file or metadata goes to government units without an application."""


def _body(res):
    """The answer's text; spreadsheets (zip) unpacked, so a marker in a cell is found."""
    data = res.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def world(running_app, UserFixture, database):
    """The four datasets, the seven callers (logged-in clients) and the URLs to probe."""
    app = running_app
    people = {}
    for name in ("owner", "fresh", "company"):
        user = UserFixture(email=f"matrix-{name}@test.example.org", password="Matrix-Test-2026")
        user.create(app, database)
        people[name] = user
    people["bureau"] = user_with_role(UserFixture, app, database,
                                      "matrix-bureau@test.example.org", roles.BUREAU,
                                      password="Matrix-Test-2026")
    people["department"] = user_with_role(UserFixture, app, database,
                                          "matrix-department@test.example.org",
                                          roles.DEPARTMENT_ADMIN, password="Matrix-Test-2026")
    people["other_department"] = user_with_role(
        UserFixture, app, database, "matrix-other_department@test.example.org",
        roles.DEPARTMENT_ADMIN, password="Matrix-Test-2026")
    people["entity_admin"] = user_with_role(UserFixture, app, database,
                                            "matrix-entity@test.example.org", roles.ENTITY_ADMIN,
                                            password="Matrix-Test-2026")
    entities.create_department(system_identity, {"id": "mx-dept", "name_zh": "矩阵主管部门"})
    entities.add_department_admin(system_identity, "mx-dept", people["department"].user.id)
    entities.create_department(system_identity, {"id": "mx-dept2", "name_zh": "矩阵另一部门"})
    entities.add_department_admin(system_identity, "mx-dept2",
                                  people["other_department"].user.id)
    entities.create_entity(system_identity, {"id": "mx-entity", "name_zh": "矩阵无关单位",
                                             "kind": "enterprise", "department": "mx-dept"})
    membership = entities.request_membership(system_identity, "mx-entity", "data-admin",
                                             user_id=people["entity_admin"].user.id)
    entities.verify_membership(system_identity, membership["id"], True)
    database.session.commit()
    owner_h = token_headers(people["owner"], database, name="matrix")
    client = app.test_client()
    flow = make_workflow(app, database, client, owner_h, tag="matrix")

    def dataset(cls, **custom):
        marker = MARKERS[cls]
        draft = flow.create(deposit(title=f"矩阵测试 {marker} 数据集", files=True,
                                    abstract=f"说明 {marker} description", **custom))
        upload(client, draft["id"], owner_h, {f"{marker}-data.csv": b"a,b\n1,2\n"})
        return draft["id"]

    ids, requests = {}, {}
    ids["not_opened"] = dataset("not_opened", **NOT_OPENED)
    review = flow.submit(ids["not_opened"])
    flow.accept(review["id"])
    requests["not_opened"] = [review["id"]]
    ids["department_data"] = dataset("department_data", **NOT_OPENED,
                                     responsible_department={"id": "mx-dept"},
                                     **SHARED_ON_CONDITIONS)
    review = flow.submit(ids["department_data"])
    flow.accept(review["id"])
    requests["department_data"] = [review["id"]]
    ids["draft"] = dataset("draft")
    ids["declined"] = dataset("declined")
    review = flow.submit(ids["declined"])
    res = flow.decide(review["id"], flow.curator, decision="decline",
                      comment="数据不完整 / incomplete")
    assert res.status_code == 200, res.get_json()
    requests["declined"] = [review["id"]]
    ids["review_failed"] = dataset("review_failed")
    review = flow.submit(ids["review_failed"])
    flow.accept(review["id"])
    current_requests_service.indexer.refresh()
    conf = flow.confidentiality_request(ids["review_failed"])
    res = flow.decide(conf["id"], flow.reviewer, decision="fail",
                      reasons="含未脱敏个人信息 / personal data not desensitised")
    assert res.status_code == 200, res.get_json()
    requests["review_failed"] = [review["id"], conf["id"]]

    record = client.get(f"/api/records/{ids['not_opened']}", headers=owner_h).get_json()
    assert record.get("custom_fields", {}).get("cdtd:opening_type", {}).get("id") == "none"
    cstr = record["parent"]["pids"]["cstr"]["identifier"]
    opening = apply_for_opening(who(people["company"]), {
        "record": ids["not_opened"], "description": "样点 / sampling points",
        "purpose": "研究 / research"})
    requests["not_opened"].append(str(opening.id))
    current_search_client.indices.refresh(index=current_app.config["SEARCH_INDEX_PREFIX"] + "*")

    clients = {"anonymous": app.test_client()}
    logins = {name: (user.email, "Matrix-Test-2026") for name, user in people.items()}
    logins.update({name: (f"matrix-{name}@test.example.org", "Workflow-Test-2026")
                   for name in ("curator", "reviewer")})  # make_workflow's people
    for name, (email, password) in logins.items():
        c = app.test_client()
        g.pop("_login_user", None)
        res = c.post("/login", data={"email": email, "password": password},
                     follow_redirects=True)
        assert res.status_code == 200, name
        g.pop("_login_user", None)
        clients[name] = c
    return {"ids": ids, "requests": requests, "cstr": cstr, "clients": clients,
            "oai_prefix": current_app.config.get("OAISERVER_ID_PREFIX", "")}


def _urls(world):
    """Every endpoint to probe, ``(label, url)``."""
    ids, reqs = world["ids"], world["requests"]
    urls = [
        ("records search", "/api/records?q=MK*&size=100"),
        ("records search all", "/api/records?size=100"),
        ("user records", "/api/user/records?size=100"),
        ("requests", "/api/requests?size=100"),
        ("user requests", "/api/user/requests?size=100"),
        ("search page", "/search?q=MK"),
        ("my requests page", "/me/requests"),
        ("my uploads page", "/me/uploads"),
        ("access mine", "/access/mine"),
        ("access inbox", "/access/inbox"),
        ("access bureau", "/access/bureau"),
        ("access list mine", "/api/techdata/access/lists/mine"),
        ("access list inbox", "/api/techdata/access/lists/inbox"),
        ("access list bureau", "/api/techdata/access/lists/bureau"),
        ("access list bureau xlsx", "/api/techdata/access/lists/bureau.xlsx"),
        ("review queue", "/api/techdata/reviews/queue"),
        ("review queue page", "/review/queue"),
        ("directory open", "/directory/"),
        ("directory resource", "/directory/resource"),
        ("directory plan", "/directory/plan"),
        ("directory open api", "/api/directories/open/entries?size=100"),
        ("directory resource api", "/api/directories/resource/entries?size=100"),
        ("OAI ListRecords", "/oai2d?verb=ListRecords&metadataPrefix=oai_dc"),
        ("OAI ListRecords datacite", "/oai2d?verb=ListRecords&metadataPrefix=oai_datacite"),
        ("OAI ListIdentifiers", "/oai2d?verb=ListIdentifiers&metadataPrefix=oai_dc"),
        ("CSTR resolver", f"/cstr/{world['cstr']}"),
    ]
    for fmt in ("csv", "xlsx", "json", "ttl", "jsonld"):
        for audience in ("open", "resource"):
            urls.append((f"directory {audience} {fmt}",
                         f"/api/directories/{audience}/entries/export?format={fmt}"))
    for cls, recid in ids.items():
        urls += [
            (f"{cls} record", f"/api/records/{recid}"),
            (f"{cls} record files", f"/api/records/{recid}/files"),
            (f"{cls} draft", f"/api/records/{recid}/draft"),
            (f"{cls} draft files", f"/api/records/{recid}/draft/files"),
            (f"{cls} versions", f"/api/records/{recid}/versions"),
            (f"{cls} landing", f"/records/{recid}"),
            (f"{cls} preview", f"/records/{recid}?preview=1"),
            (f"{cls} deposit form", f"/uploads/{recid}"),
            (f"{cls} apply page", f"/access/apply/{recid}"),
            (f"{cls} share page", f"/access/share/{recid}"),
            (f"{cls} OAI GetRecord",
             f"/oai2d?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:{world['oai_prefix']}:{recid}"),
        ]
        for fmt in current_app.config["APP_RDM_RECORD_EXPORTERS"]:
            urls.append((f"{cls} export {fmt}", f"/records/{recid}/export/{fmt}"))
    for cls, request_ids in reqs.items():
        for rid in request_ids:
            urls += [
                (f"{cls} request {rid}", f"/api/requests/{rid}"),
                (f"{cls} request timeline", f"/api/requests/{rid}/timeline"),
                (f"{cls} request page", f"/me/requests/{rid}"),
                (f"{cls} access request page", f"/access/request/{rid}"),
                (f"{cls} review page", f"/review/{rid}"),
            ]
    return urls


def _get(client, url):
    """GET ``url`` with ``client`` (anonymous or logged in), redirects followed."""
    g.pop("_login_user", None)
    res = client.get(url, follow_redirects=True)
    g.pop("_login_user", None)
    return res


@pytest.fixture(scope="module")
def answers(world):
    """``{role: {label: (status, text)}}``: every caller's answer from every endpoint."""
    urls = _urls(world)
    out = {}
    for role in ROLES:
        out[role] = {}
        for label, url in urls:
            res = _get(world["clients"][role], url)
            out[role][label] = (res.status_code, _body(res), url)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_no_marker_reaches_a_role_that_may_not_see_it(answers, role):
    """Each class's marker is absent from every answer to a role outside ``MAY_SEE``."""
    leaks = []
    for label, (status, text, url) in answers[role].items():
        assert status < 500, (role, url, status, text[:500])
        for cls, marker in MARKERS.items():
            if role not in MAY_SEE[cls] and marker.lower() in text.lower():
                leaks.append((cls, label, url, status))
    assert not leaks, f"{role} sees markers it may not see: {leaks}"


@pytest.mark.parametrize("cls,role", [(c, r) for c in MARKERS for r in sorted(MAY_SEE[c])])
def test_a_role_that_may_see_a_class_sees_its_marker(answers, cls, role):
    """The check is live: each allowed role finds the marker somewhere."""
    marker = MARKERS[cls].lower()
    assert any(marker in text.lower() for _, text, _ in answers[role].values()), (cls, role)


def test_the_cstr_resolver_answers_like_the_record_page(world, answers):
    """The CSTR of a not-opened record: 404 without the record id to whoever may not read the
    record (its API answer refuses too); the record itself to whoever may."""
    recid = world["ids"]["not_opened"]
    marker = MARKERS["not_opened"].lower()
    for role in ROLES:
        cstr_status, text, _ = answers[role]["CSTR resolver"]
        api_status = answers[role]["not_opened record"][0]
        if role in MAY_SEE["not_opened"]:
            assert cstr_status == api_status == 200 and marker in text.lower(), role
        else:
            assert api_status in (401, 403, 404), (role, api_status)
            assert cstr_status == 404, (role, cstr_status)
            assert recid not in text, role


def test_government_units_download_not_opened_data_shared_unconditionally(world):
    """The not-opened record is 无条件共享 (the default sharing type): its FILES go to the
    government units (CD-PD Art. 22, 26; QY Art. 16), to nobody else outside its owner and
    centre; an entity admin of an unrelated entity gets nothing (issue 18)."""
    recid = world["ids"]["not_opened"]
    url = f"/api/records/{recid}/files/{MARKERS['not_opened']}-data.csv/content"
    status = {role: _get(world["clients"][role], url).status_code for role in ROLES}
    assert status["bureau"] == status["department"] == status["owner"] == 200, status
    assert status["other_department"] == 200, status  # every government unit (no scope)
    for role in ("anonymous", "fresh", "company", "entity_admin"):
        assert status[role] in (401, 403, 404), (role, status)
