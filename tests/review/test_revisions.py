"""A new version or an edit of an opened dataset gets its own confidentiality review (CD-TD Art. 24)."""

from invenio_requests.proxies import current_requests_service

from tests.helpers import deposit, field_errors

OPENING_MSG = "CD-TD Art. 24"


def _new_version(client, headers, recid, title):
    """A new-version draft of ``recid`` with a changed title; returns its JSON."""
    res = client.post(f"/api/records/{recid}/versions", headers=headers)
    assert res.status_code == 201, res.get_json()
    new = res.get_json()
    new["metadata"]["title"] = title
    new["metadata"]["publication_date"] = "2026-01-01"
    res = client.put(f"/api/records/{new['id']}/draft", json=new, headers=headers)
    assert res.status_code == 200, res.get_json()
    return new


def test_new_version_is_reviewed_then_published(running_app, client, workflow, curator_token,
                                                researcher_token):
    """Refused without review; the owner asks for one; the reviewer passes; it is published."""
    rec = workflow.publish(deposit())
    new = _new_version(client, researcher_token, rec["id"], "成都平原土壤重金属监测数据集（第二版）")
    res = client.post(f"/api/records/{new['id']}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400 and OPENING_MSG in str(res.get_json())

    res = client.post(f"/api/techdata/reviews/revisions/{new['id']}", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    review = res.get_json()
    assert review["type"] == "confidentiality-review" and review["due_date"]
    assert review["status"] == "submitted"
    # asked twice: one review is enough
    again = client.post(f"/api/techdata/reviews/revisions/{new['id']}", headers=researcher_token)
    assert again.status_code == 400 and "record" in field_errors(again)

    # the curator who accepted the dataset may not review it (not a reviewer,
    # and the same-person rule of CD-TD Art. 24 besides)
    res = workflow.decide(review["id"], curator_token, decision="pass",
                          checklist={"no_state_secret": True, "no_personal_information": True,
                                     "no_commercial_secret": True, "desensitised": True})
    assert res.status_code in (400, 403), res.get_json()
    assert client.get(f"/api/records/{new['id']}").status_code == 404
    workflow.pass_review(review["id"])
    res = client.get(f"/api/records/{new['id']}")
    assert res.status_code == 200, res.get_json()
    assert "第二版" in res.get_json()["metadata"]["title"]
    assert res.get_json()["versions"]["index"] == 2


def test_revision_review_refusals(running_app, client, workflow, researcher_token,
                                  reviewer_token):
    """First versions, closed data, a changed opening type, strangers: refused, bilingual."""
    first = workflow.create(deposit(title="成都市科技资源共享平台数据"))
    res = client.post(f"/api/techdata/reviews/revisions/{first['id']}", headers=researcher_token)
    assert res.status_code == 400 and "数据中心" in str(res.get_json())

    closed = workflow.publish(deposit(
        title="成都市科技企业孵化器名录", opening_type={"id": "none"},
        opening_reason="含企业经营信息", opening_legal_basis="《数据安全法》第二十一条"))
    res = client.post(f"/api/records/{closed['id']}/draft", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    res = client.post(f"/api/techdata/reviews/revisions/{closed['id']}", headers=researcher_token)
    assert res.status_code == 400 and "不予开放" in str(res.get_json())
    draft = client.get(f"/api/records/{closed['id']}/draft", headers=researcher_token).get_json()
    draft["custom_fields"]["cdtd:opening_type"] = {"id": "unconditional"}
    res = client.put(f"/api/records/{closed['id']}/draft", json=draft, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/techdata/reviews/revisions/{closed['id']}", headers=researcher_token)
    assert res.status_code == 400 and "opening application" in str(res.get_json())

    rec = workflow.publish(deposit(title="成都市大型科学仪器共享数据"))
    new = _new_version(client, researcher_token, rec["id"], "成都市大型科学仪器共享数据（第二版）")
    # a reviewer is no owner of the draft
    res = client.post(f"/api/techdata/reviews/revisions/{new['id']}", headers=reviewer_token)
    assert res.status_code == 403, res.get_json()
    anonymous = running_app.test_client()
    assert anonymous.post(f"/api/techdata/reviews/revisions/{new['id']}").status_code in (401, 403)
    res = client.post("/api/techdata/reviews/revisions/nope-00000", headers=researcher_token)
    assert res.status_code == 400 and "record" in field_errors(res)
    current_requests_service.indexer.refresh()
