"""Deposit review and confidentiality review over REST (CD-TD Art. 11, 24)."""

from invenio_requests.proxies import current_requests_service

from tests.helpers import CHECKLIST, GRADING, deposit, field_errors

OPENING_MSG = "CD-TD Art. 24"


def _refresh():
    """Make requests searchable right away."""
    current_requests_service.indexer.refresh()


def test_deposit_review_then_confidentiality_review_opens_the_record(
    running_app, client, workflow, researcher_token, curator_token, reviewer_token
):
    """The whole journey; the record opens only after the reviewer passes it."""
    draft = workflow.create(deposit())
    recid = draft["id"]
    review = workflow.submit(recid)
    assert review["type"] == "deposit-review"
    assert review["status"] == "submitted"
    assert review["payload"]["due_date"] > review["payload"]["received_on"]
    _refresh()
    listed = client.get("/api/requests", query_string={"q": "type:deposit-review"},
                        headers=curator_token, follow_redirects=True).get_json()
    assert "hits" in listed, listed
    assert review["id"] in [h["id"] for h in listed["hits"]["hits"]]

    # The curator grades: sensitivity "important", opening kept unconditional.
    accepted = workflow.accept(review["id"], grade="important")
    assert accepted["status"] == "accepted"
    assert client.get(f"/api/records/{recid}").status_code == 404  # not opened yet
    _refresh()
    conf = workflow.confidentiality_request(recid)
    assert conf["status"] == "submitted"
    assert conf["receiver"] == {"group": "confidentiality-reviewer"}
    assert conf["payload"]["due_date"]
    # The grading reached the draft, with its basis on the deposit review.
    got = client.get(f"/api/records/{recid}/draft", headers=researcher_token).get_json()
    assert got["custom_fields"]["cdtd:grade"]["id"] == "important"
    assert current_requests_service.read(
        _system(), review["id"]).to_dict()["payload"]["grading"]["basis"] == GRADING["basis"]

    passed = workflow.pass_review(conf["id"])
    assert passed["status"] == "accepted"
    assert passed["payload"]["checklist"] == CHECKLIST
    assert passed["payload"]["signature"].startswith("sha256:")
    rec = client.get(f"/api/records/{recid}")  # anonymous: open now
    assert rec.status_code == 200
    assert rec.get_json()["access"]["record"] == "public"


def _system():
    """The system identity."""
    from invenio_access.permissions import system_identity

    return system_identity


def test_publishing_open_data_without_review_is_refused(running_app, client, researcher_token):
    """REST publish of an open deposit: 400 naming the opening type (CD-TD Art. 24)."""
    res = client.post("/api/records", json=deposit(), headers=researcher_token)
    recid = res.get_json()["id"]
    res = client.post(f"/api/records/{recid}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400
    messages = field_errors(res)["custom_fields.cdtd:opening_type"]
    assert OPENING_MSG in messages[0] and "保密审查" in messages[0]
    assert client.get(f"/api/records/{recid}").status_code == 404
    # Conditional opening is opening too.
    res = client.post("/api/records", json=deposit(
        opening_type={"id": "conditional"}, opening_reason="涉及合作方权益",
        opening_legal_basis="《成都市公共数据管理应用规定》第二十五条"), headers=researcher_token)
    recid = res.get_json()["id"]
    res = client.post(f"/api/records/{recid}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400


def test_not_opened_deposit_publishes_without_confidentiality_review(
    running_app, client, workflow, researcher_token, UserFixture, db
):
    """不予开放: accepted → published metadata-restricted, no review opened.

    The government roles of the resource directory read its metadata, other
    logged-in users do not (CD-TD Art. 7, 11, 19).
    """
    data = deposit(opening_type={"id": "none"}, opening_reason="涉及未公开专利",
                   opening_legal_basis="《专利法》第二十一条",
                   sharing_type={"id": "none"}, sharing_reason="涉及未公开专利",
                   sharing_legal_basis="《专利法》第二十一条")
    rec = workflow.publish(data)
    assert rec["access"]["record"] == "restricted"
    _refresh()
    assert workflow.confidentiality_request(rec["id"]) is None
    assert client.get(f"/api/records/{rec['id']}").status_code == 403  # anonymous
    from invenio_accounts.proxies import current_datastore
    from invenio_oauth2server.models import Token

    tokens = {}
    for email, role in (("bureau-x@test.example.org", "bureau-admin"),
                        ("company-x@test.example.org", None)):
        u = UserFixture(email=email, password="Someone-Test-2026")
        u.create(running_app, db)
        if role:
            current_datastore.add_role_to_user(u.user, role)
        token = Token.create_personal("t", u.id, scopes=[], is_internal=False)
        db.session.commit()
        tokens[email] = {"Authorization": f"Bearer {token.access_token}"}
    bureau, company = tokens.values()
    assert client.get(f"/api/records/{rec['id']}", headers=bureau).status_code == 200
    assert client.get(f"/api/records/{rec['id']}", headers=company).status_code == 403
    from invenio_rdm_records.proxies import current_rdm_records_service

    current_rdm_records_service.indexer.refresh()

    def found(headers):
        res = client.get("/api/records", query_string={"size": 100}, headers=headers)
        return rec["id"] in [h["id"] for h in res.get_json()["hits"]["hits"]]

    assert found(bureau) and not found(company)


def test_bare_accept_without_grading_is_refused(running_app, client, workflow, curator_token):
    """The generic accept action cannot skip the grading (400, not 500)."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    res = client.post(f"/api/requests/{review['id']}/actions/accept", headers=curator_token)
    assert res.status_code == 400, res.get_json()
    assert "CD-TD Art. 11" in str(res.get_json())


def test_decision_input_errors_are_field_level(running_app, workflow, curator_token):
    """Missing grading basis, unknown decision, missing reason: 400 per field."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    res = workflow.decide(review["id"], curator_token, decision="accept", grading={"grade": "general"})
    assert res.status_code == 400 and "grading.basis" in field_errors(res)
    res = workflow.decide(review["id"], curator_token, decision="maybe")
    assert res.status_code == 400 and "decision" in field_errors(res)
    res = workflow.decide(review["id"], curator_token, decision="decline")
    assert res.status_code == 400 and "comment" in field_errors(res)
    res = workflow.decide(review["id"], curator_token, decision="accept",
                          grading={**GRADING, "grade": "secret-level"})
    assert res.status_code == 400 and "custom_fields.cdtd:grade.id" in field_errors(res)


def test_return_and_resubmit_keep_one_request(running_app, client, workflow, curator_token,
                                             researcher_token):
    """Returned for changes, then resubmitted: same request, new clock, full history."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    res = workflow.decide(review["id"], curator_token, decision="return",
                          comment="请补充英文摘要 / add an English abstract")
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["status"] == "returned"
    res = client.post(f"/api/records/{recid}/draft/actions/submit-review",
                      json={}, headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    assert res.get_json()["id"] == review["id"]
    assert res.get_json()["status"] == "submitted"
    events = client.get(f"/api/requests/{review['id']}/timeline", headers=researcher_token)
    assert "add an English abstract" in str(events.get_json())


def test_declined_deposit_stays_unpublished(running_app, client, workflow, curator_token):
    """Decline with a reason; nothing is published."""
    recid = workflow.create(deposit())["id"]
    review = workflow.submit(recid)
    res = workflow.decide(review["id"], curator_token, decision="decline", comment="数据不完整")
    assert res.status_code == 200 and res.get_json()["status"] == "declined"
    assert client.get(f"/api/records/{recid}").status_code == 404


def test_failed_confidentiality_review_keeps_record_unopened(
    running_app, client, workflow, reviewer_token, researcher_token
):
    """A failed review: not published, and publishing directly is still refused."""
    recid = workflow.create(deposit())["id"]
    workflow.accept(workflow.submit(recid)["id"])
    _refresh()
    conf = workflow.confidentiality_request(recid)
    res = workflow.decide(conf["id"], reviewer_token, decision="pass",
                          checklist={**CHECKLIST, "no_commercial_secret": False})
    assert res.status_code == 400 and "checklist" in field_errors(res)
    res = workflow.decide(conf["id"], reviewer_token, decision="fail")
    assert res.status_code == 400 and "reasons" in field_errors(res)
    res = workflow.decide(conf["id"], reviewer_token, decision="fail",
                          reasons="含未脱敏个人信息 / personal data not desensitised")
    assert res.status_code == 200 and res.get_json()["status"] == "declined"
    assert client.get(f"/api/records/{recid}").status_code == 404
    res = client.post(f"/api/records/{recid}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400


def test_same_person_cannot_do_both_reviews(running_app, client, workflow, curator, curator_token,
                                            db):
    """A curator who also holds the reviewer role cannot review their own acceptance."""
    from invenio_accounts.proxies import current_datastore

    current_datastore.add_role_to_user(curator.user, "confidentiality-reviewer")
    db.session.commit()
    recid = workflow.create(deposit())["id"]
    workflow.accept(workflow.submit(recid)["id"])
    _refresh()
    conf = workflow.confidentiality_request(recid)
    res = workflow.decide(conf["id"], curator_token, decision="pass", checklist=CHECKLIST)
    assert res.status_code == 400
    assert "同一人" in str(res.get_json())
    assert client.get(f"/api/records/{recid}").status_code == 404


def test_a_change_after_the_review_needs_a_new_review(running_app, client, workflow,
                                                      researcher_token):
    """New version with changed metadata, and an edit that opens a closed record: refused."""
    rec = workflow.publish(deposit())
    res = client.post(f"/api/records/{rec['id']}/versions", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    new = res.get_json()
    new["metadata"]["title"] = "成都平原土壤重金属监测数据集（第二版）"
    new["metadata"]["publication_date"] = "2025-01-01"
    res = client.put(f"/api/records/{new['id']}/draft", json=new, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{new['id']}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400
    assert OPENING_MSG in str(res.get_json())

    closed = workflow.publish(deposit(
        title="成都市科技企业孵化器名录", opening_type={"id": "none"},
        opening_reason="含企业经营信息", opening_legal_basis="《数据安全法》第二十一条"))
    res = client.post(f"/api/records/{closed['id']}/draft", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    draft = res.get_json()
    draft["custom_fields"]["cdtd:opening_type"] = {"id": "unconditional"}
    res = client.put(f"/api/records/{closed['id']}/draft", json=draft, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{closed['id']}/draft/actions/publish",
                      headers=researcher_token)
    assert res.status_code == 400
    assert client.get(f"/api/records/{closed['id']}").status_code == 403


def test_plain_community_submission_cannot_open_data(running_app, client, workflow,
                                                     researcher_token):
    """A submission to a community that is not a data centre: its accept is gated too."""
    import pytest
    from invenio_access.permissions import system_identity
    from invenio_communities.proxies import current_communities
    from marshmallow import ValidationError

    community = current_communities.service.create(system_identity, {
        "slug": "soil-science-interest-group", "metadata": {"title": "土壤科学兴趣组"},
        "access": {"visibility": "public", "record_submission_policy": "open"}})
    current_communities.service.indexer.refresh()
    recid = workflow.create(deposit())["id"]
    res = client.put(f"/api/records/{recid}/draft/review", headers=researcher_token,
                     json={"receiver": {"community": community.id}, "type": "community-submission"})
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{recid}/draft/actions/submit-review", json={},
                      headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    request = res.get_json()
    assert request["type"] == "community-submission"  # not a data centre: no deposit review
    with pytest.raises(ValidationError) as err:
        current_requests_service.execute_action(system_identity, request["id"], "accept")
    assert OPENING_MSG in str(err.value)
    assert client.get(f"/api/records/{recid}").status_code == 404
