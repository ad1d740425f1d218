"""Test data builders and user helpers shared by the test modules."""

import copy

from invenio_access.permissions import system_identity
from invenio_accounts.proxies import current_datastore
from invenio_communities.proxies import current_communities
from invenio_oauth2server.models import Token
from pytest_invenio.user import UserFixtureBase

from techdata.kernel import roles
from techdata.kernel.roles import ensure_roles
from techdata.review.centres import ensure_city_centre


def deposit(title="成都平原土壤重金属监测数据集", abstract="三年土壤重金属含量观测数据。",
            title_en="Heavy-metal monitoring data of Chengdu Plain soils", files=False,
            **custom):
    """A complete, valid deposit (RDM draft data with its ``cdtd:`` fields).

    Keyword arguments override custom fields by short name, e.g.
    ``deposit(opening_type={"id": "none"})``; a value of None removes the field.
    """
    cf = {
        "cdtd:category": {"id": "rd"},
        "cdtd:secrecy": {"id": "non-classified"},
        "cdtd:title_zh": title,
        "cdtd:title_en": title_en,
        "cdtd:abstract_zh": abstract,
    }
    for name, value in custom.items():
        if value is None:
            cf.pop(f"cdtd:{name}", None)
        else:
            cf[f"cdtd:{name}"] = value
    return copy.deepcopy({
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": files},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": title,
            "additional_titles": [{"title": title_en, "type": {"id": "translated-title"}}],
            "description": abstract,
            "creators": [
                {"person_or_org": {"type": "personal", "family_name": "李", "given_name": "明"}}
            ],
            "publication_date": "2024-03-15",
            "publisher": "成都科技数据汇交平台",
        },
        "custom_fields": cf,
    })


def publish(client, headers, data):
    """Create and publish a deposit over REST; return the published record JSON."""
    res = client.post("/api/records", json=data, headers=headers)
    assert res.status_code == 201, res.get_json()
    res = client.post(f"/api/records/{res.json['id']}/draft/actions/publish", headers=headers)
    assert res.status_code == 202, res.get_json()
    return res.get_json()


def field_errors(response):
    """``{field: messages}`` of a 400 response."""
    body = response.get_json()
    return {e["field"]: e["messages"] for e in body.get("errors", [])}


def registered_user(UserFixture, app, db, email, password):
    """A registered, active user without a role (e.g. a company)."""
    user = UserFixture(email=email, password=password)
    user.create(app, db)
    return user


def user_with_role(UserFixture, app, db, email, role, password="Reviewer-Test-2026"):
    """A registered user holding the domain role ``role`` (roles created on demand)."""
    ensure_roles()
    user = registered_user(UserFixture, app, db, email, password)
    current_datastore.add_role_to_user(user.user, role)
    db.session.commit()
    return user


PROGRAM = "重点研发计划"
"""The programme of the test projects (``tests.projects.test_projects.project``)."""


def program_manager(UserFixture, app, db, email, *programs, password="Reviewer-Test-2026"):
    """A program manager running ``programs`` (default: :data:`PROGRAM`; CD-TD Art. 8-9)."""
    from techdata.entities.proxies import current_entities_service  # the app's service, set up late

    user = user_with_role(UserFixture, app, db, email, roles.PROGRAM_MANAGER, password)
    for program in programs or (PROGRAM,):
        current_entities_service.add_program_manager(system_identity, program, user.user.id)
    db.session.commit()
    return user


def token_headers(user, db, name="test"):
    """Authorization headers with a new personal API token of ``user``."""
    token = Token.create_personal(name, user.id, scopes=[], is_internal=False)
    db.session.commit()
    return {"Authorization": f"Bearer {token.access_token}"}


GRADING = {"grade": "general", "basis": "按《成都市科技数据管理实施办法》第十一条分级 / graded per CD-TD Art. 11"}
"""A curator's grading confirmation."""

CHECKLIST = {"no_state_secret": True, "no_personal_information": True,
             "no_commercial_secret": True, "desensitised": True}
"""A complete confidentiality checklist."""


class Workflow:
    """The deposit journey over REST: deposit, submit to a centre, reviews."""

    def __init__(self, client, depositor, curator, reviewer, centre_id):
        """Headers of the three actors and the data centre's id."""
        self.client = client
        self.depositor = depositor
        self.curator = curator
        self.reviewer = reviewer
        self.centre_id = centre_id

    def create(self, data):
        """Create a draft; returns its JSON."""
        res = self.client.post("/api/records", json=data, headers=self.depositor)
        assert res.status_code == 201, res.get_json()
        return res.get_json()

    def submit(self, recid):
        """Submit the draft to the data centre as the deposit form does; returns the request."""
        res = self.client.put(
            f"/api/records/{recid}/draft/review",
            json={"receiver": {"community": self.centre_id}, "type": "community-submission"},
            headers=self.depositor,
        )
        assert res.status_code == 200, res.get_json()
        res = self.client.post(
            f"/api/records/{recid}/draft/actions/submit-review",
            json={"payload": {"content": "请审核 please review", "format": "html"}},
            headers=self.depositor,
        )
        assert res.status_code == 202, res.get_json()
        return res.get_json()

    def decide(self, request_id, headers, **body):
        """POST a review decision; returns the response."""
        return self.client.post(
            f"/api/techdata/reviews/{request_id}/decision", json=body, headers=headers
        )

    def confidentiality_request(self, recid):
        """The confidentiality-review request of ``recid`` (via /api/requests)."""
        res = self.client.get(
            "/api/requests",
            query_string={"q": f"type:confidentiality-review AND topic.record:{recid}"},
            headers=self.reviewer,
            follow_redirects=True,
        )
        assert res.status_code == 200, res.get_json()
        hits = res.get_json()["hits"]["hits"]
        return hits[0] if hits else None

    def accept(self, request_id, **grading):
        """The curator accepts with grading; returns the response JSON."""
        res = self.decide(request_id, self.curator, decision="accept",
                          grading={**GRADING, **grading})
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    def pass_review(self, request_id):
        """The reviewer passes the confidentiality review."""
        res = self.decide(request_id, self.reviewer, decision="pass", checklist=CHECKLIST,
                          reasons="无涉密内容 / nothing classified")
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    def publish(self, data, **grading):
        """The whole journey; returns the published record JSON."""
        from invenio_requests.proxies import current_requests_service

        draft = self.create(data)
        recid = draft["id"]
        review = self.submit(recid)
        deposited = (data.get("custom_fields") or {}).get("cdtd:grade")
        if deposited and "grade" not in grading:
            grading["grade"] = deposited["id"]  # the curator confirms the grade
        self.accept(review["id"], **grading)
        current_requests_service.indexer.refresh()
        opening = (data.get("custom_fields") or {}).get("cdtd:opening_type", {}).get("id")
        if grading.get("opening_type", opening) != "none":
            conf = self.confidentiality_request(recid)
            assert conf is not None, "no confidentiality review was opened"
            self.pass_review(conf["id"])
        res = self.client.get(f"/api/records/{recid}", headers=self.depositor)
        assert res.status_code == 200, res.get_json()
        return res.get_json()


def make_workflow(app, db, client, depositor_headers, tag="wf"):
    """A ``Workflow`` with its own curator and reviewer (for module-scoped data)."""
    headers = []
    for who, role in (("curator", roles.CURATOR), ("reviewer", roles.CONFIDENTIALITY_REVIEWER)):
        user = user_with_role(UserFixtureBase, app, db, f"{tag}-{who}@test.example.org", role,
                              password="Workflow-Test-2026")
        headers.append(token_headers(user, db, name=tag))
    centre = current_communities.service.read(system_identity, ensure_city_centre())
    current_communities.service.indexer.refresh()
    return Workflow(client, depositor_headers, headers[0], headers[1], centre.id)


def upload(client, recid, headers, files):
    """Upload ``files`` (name -> bytes) to the draft ``recid`` over REST."""
    base = f"/api/records/{recid}/draft/files"
    res = client.post(base, json=[{"key": k} for k in files], headers=headers)
    assert res.status_code == 201, res.get_json()
    for key, content in files.items():
        res = client.put(f"{base}/{key}/content", data=content,
                         headers={**headers, "Content-Type": "application/octet-stream"})
        assert res.status_code == 200, res.get_json()
        res = client.post(f"{base}/{key}/commit", headers=headers)
        assert res.status_code == 200, res.get_json()


def publish_with_files(flow, data, files):
    """``flow.publish(data)`` (a :class:`Workflow`), ``files`` uploaded before submission."""
    create = flow.create

    def create_with_files(draft_data):
        draft = create(draft_data)
        upload(flow.client, draft["id"], flow.depositor, files)
        return draft

    flow.create = create_with_files
    try:
        return flow.publish(data)
    finally:
        flow.create = create
