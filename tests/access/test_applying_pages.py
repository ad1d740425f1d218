"""Pages to file and answer opening applications, appeals, corrections and services."""

from flask import g

from techdata.access.appeal import file_appeal
from techdata.access.opening import apply_for_opening
from tests.access.filing import NOT_OPENED, act, deposit, who


def _login(app, user):
    """A browser of its own for ``user``, logged in.

    The test app context keeps the last request's user in ``g``, so each
    request below clears it (``_get``).
    """
    client = app.test_client()
    g.pop("_login_user", None)
    user.login(client)
    g.pop("_login_user", None)
    return client


def _get(client, url):
    """GET ``url`` as the session's user."""
    g.pop("_login_user", None)
    return client.get(url)


def test_application_forms_render_in_chinese(running_app, client, company):
    """Each of the four forms posts to its REST endpoint; anonymous visitors log in first."""
    assert client.get("/access/new/correction").status_code in (302, 401)
    client = _login(running_app, company)
    for type_id, heading in (("opening-application", "申请开放数据"), ("appeal", "申请复核"),
                             ("correction", "报告数据错误"), ("data-service", "科技创新券编号")):
        res = client.get(f"/access/new/{type_id}?record=abcde-12345")
        html = res.get_data(as_text=True)
        assert res.status_code == 200 and heading in html, type_id
        assert f'data-endpoint="/api/techdata/access/apply/{type_id}"' in html
        assert "access-forms.js" in html and "<script>" not in html  # CSP: no inline JS
    assert 'value="abcde-12345"' in client.get("/access/new/correction?record=abcde-12345").get_data(as_text=True)


def test_the_service_form_fields_reach_the_service(running_app, client, workflow, company_token):
    """Flat voucher fields and a line of dataset ids, as the web form sends them."""
    rec = workflow.publish(deposit())
    res = client.post("/api/techdata/access/apply/data-service", headers=company_token, json={
        "organisation": "成都某科技有限公司", "contact": "王经理 028-12345678",
        "kind": "custom-extraction", "description": "按区县提取 2023 年镉含量",
        "datasets": f"{rec['id']}, ", "voucher_number": "KJCXQ-1", "voucher_amount": "800.5",
        "voucher_issuer": "成都市科学技术局"})
    assert res.status_code == 201, res.get_json()
    payload = res.get_json()["payload"]
    assert payload["datasets"] == [rec["id"]]
    assert payload["voucher"] == {"number": "KJCXQ-1", "amount": "800.50",
                                  "issuer": "成都市科学技术局"}


def test_answer_page_shows_only_what_the_caller_may_do(
    running_app, client, workflow, company, other_company, curator, expert
):
    """The provider sees grant / refuse / return; the applicant and strangers get 403."""
    record = workflow.publish(deposit(**NOT_OPENED))
    rid = str(apply_for_opening(who(company), {"record": record["id"], "description": "数据",
                                               "purpose": "研究 / research"}).id)
    client = _login(running_app, curator)
    html = _get(client, f"/access/answer/{rid}").get_data(as_text=True)
    for action in ("grant", "refuse", "return"):
        assert f'id="action-{action}"' in html
    assert f"/api/techdata/access/requests/{rid}/actions" in html and "同意：开放数据" in html
    for user in (company, other_company):
        client = _login(running_app, user)
        res = _get(client, f"/access/answer/{rid}")
        assert res.status_code == 403, user.email

    act(curator, rid, "refuse", comment="不予开放 / refused")
    appeal = str(file_appeal(who(company), {"request": rid, "grounds": "理由不成立 / no"}).id)
    client = _login(running_app, expert)
    html = _get(client, f"/access/answer/{appeal}").get_data(as_text=True)
    assert 'id="action-overturn"' in html and 'id="action-uphold"' in html
    assert 'id="action-grant"' not in html
    assert _get(client, "/access/answer/00000000-0000-0000-0000-000000000000").status_code == 404


def test_request_page_links_to_the_answer_forms(
    running_app, client, workflow, company, curator, expert
):
    """The request page of the four types leads whoever may answer to /access/answer forms."""
    record = workflow.publish(deposit(**NOT_OPENED))
    rid = str(apply_for_opening(who(company), {"record": record["id"], "description": "数据",
                                               "purpose": "研究 / research"}).id)
    client = _login(running_app, curator)
    html = _get(client, f"/access/request/{rid}").get_data(as_text=True)
    assert f'href="/access/answer/{rid}"' in html
    for action in ("grant", "refuse", "return"):
        assert f'id="answer-link-{action}"' in html, action
    assert 'id="decision-form"' not in html  # C's grant/refuse form is for its own two types
    client = _login(running_app, company)
    html = _get(client, f"/access/request/{rid}").get_data(as_text=True)
    assert 'id="answer-links"' not in html and 'id="action-cancel"' in html

    act(curator, rid, "refuse", comment="不予开放 / refused")
    client = _login(running_app, curator)
    html = _get(client, f"/access/request/{rid}").get_data(as_text=True)
    assert 'id="answer-links"' not in html  # nothing left to answer
    appeal = str(file_appeal(who(company), {"request": rid, "grounds": "理由不成立 / no"}).id)
    client = _login(running_app, expert)
    html = _get(client, f"/access/request/{appeal}").get_data(as_text=True)
    assert f'href="/access/answer/{appeal}"' in html
    assert 'id="answer-link-overturn"' in html and 'id="answer-link-uphold"' in html
    assert 'id="answer-link-grant"' not in html


def test_invenio_dashboard_page_of_a_service_leads_to_our_page(
    running_app, client, company, curator
):
    """A data service has no record topic: InvenioRDM renders the type's user_dashboard.html."""
    from techdata.access.service_request import ask_for_service

    sid = str(ask_for_service(who(company), {
        "organisation": "成都某科技有限公司", "contact": "王经理 028-12345678",
        "kind": "analysis", "description": "按区县统计土壤镉含量"}).id)
    client = _login(running_app, company)
    res = _get(client, f"/me/requests/{sid}")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'id="techdata-access-banner"' in html and f"/access/request/{sid}" in html
