"""Value-added data services (增值服务, CD-TD Art. 20, 22): voucher, quote, delivery with files."""

import pytest
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError

from techdata.access.appeal import file_appeal
from techdata.access.service_request import ask_for_service
from techdata.workdays import working_days
from tests.access.filing import act, date, deposit, reload, who
from tests.helpers import token_headers
from tests.helpers import field_errors

ASK = "/api/techdata/access/apply/data-service"
REPORT = "土壤重金属空间分布分析报告\n".encode("utf-8") * 50


def _ask(*datasets, **extra):
    """A request for an analysis of ``datasets``."""
    return {"organisation": "成都某科技有限公司", "contact": "王经理 028-12345678",
            "kind": "analysis", "description": "按区县统计土壤镉含量并出具分析报告",
            "datasets": list(datasets), **extra}


def test_voucher_quote_delivery_with_files(
    running_app, client, workflow, company, other_company, company_token, curator, city_centre
):
    """Asked with a voucher → quoted → files attached → delivered; only the company downloads."""
    rec = workflow.publish(deposit())
    voucher = {"number": "KJCXQ-2026-000123", "amount": "5000", "issuer": "成都市科学技术局"}
    res = client.post(ASK, json=_ask(rec["id"], voucher=voucher), headers=company_token)
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert body["receiver"] == {"community": str(city_centre.id)}
    assert body["payload"]["voucher"] == {**voucher, "amount": "5000.00"}
    assert body["payload"]["datasets"] == [rec["id"]]
    received = date.fromisoformat(body["payload"]["received_on"])
    assert body["payload"]["due_date"] == working_days().add_working_days(received, 20).isoformat()
    sid = body["id"]

    act(curator, sid, "quote", data={"price": "5000", "deliver_by": "2026-12-31",
                                     "terms": "创新券全额支付 / paid by the voucher"})
    quoted = reload(sid)
    assert quoted.status == "quoted" and quoted["payload"]["clock"] == "stopped"
    assert quoted["payload"]["decision"]["price"] == "5000.00"
    with pytest.raises(ValidationError, match="Upload the deliverables"):
        act(curator, sid, "deliver", data={"note": "见附件 / see the attachment"})

    curator_headers = token_headers(curator, __import__("invenio_db").db)
    res = client.put(f"/api/requests/{sid}/files/upload/report.txt", data=REPORT,
                     headers={**curator_headers, "Content-Type": "application/octet-stream"})
    assert res.status_code in (200, 201), res.get_json()
    key = res.get_json()["key"]
    act(curator, sid, "deliver", data={"note": "分析报告已交付 / the analysis report"})
    delivered = reload(sid)
    assert delivered.status == "delivered"
    (item,) = delivered["payload"]["delivery"]["files"]
    assert item["key"] == key and item["name"] == "report.txt" and item["size"] == len(REPORT)
    assert item["checksum"].startswith("md5:")
    assert delivered["payload"]["decision"]["action"] == "quote"  # the answer stays on record

    res = client.get(f"/api/requests/{sid}/files/{key}/content", headers=company_token)
    assert res.status_code == 200 and res.get_data() == REPORT
    other = token_headers(other_company, __import__("invenio_db").db)
    res = client.get(f"/api/requests/{sid}/files/{key}/content", headers=other)
    assert res.status_code == 403


def test_bad_requests_are_refused_clearly(running_app, client, workflow, company_token):
    """Voucher amount, kind, centre and datasets are checked (bilingual 400s)."""
    rec = workflow.publish(deposit())
    for amount in ("0", "-5", "abc"):
        voucher = {"number": "KJ-1", "amount": amount, "issuer": "市科技局"}
        res = client.post(ASK, json=_ask(rec["id"], voucher=voucher), headers=company_token)
        assert res.status_code == 400, amount
        assert "voucher.amount" in field_errors(res), field_errors(res)
    res = client.post(ASK, json=_ask(rec["id"], voucher={"amount": "10"}), headers=company_token)
    assert {"voucher.number", "voucher.issuer"} <= set(field_errors(res))
    res = client.post(ASK, json=_ask(rec["id"], kind="mining"), headers=company_token)
    assert res.status_code == 400 and "custom-extraction" in str(field_errors(res)["kind"])
    res = client.post(ASK, json=_ask("nosuch-00000"), headers=company_token)
    assert res.status_code == 400 and "datasets" in field_errors(res)
    res = client.post(ASK, json=_ask(rec["id"], community="no-such-centre"), headers=company_token)
    assert res.status_code == 400 and "data centre" in str(field_errors(res)["community"])


def test_refusal_with_reason_can_be_appealed(running_app, workflow, company, curator):
    """Declined with the reason; the company may appeal the refusal."""
    sid = str(ask_for_service(who(company), _ask()).id)
    with pytest.raises(ValidationError):
        act(curator, sid, "refuse")
    act(curator, sid, "refuse", comment="本中心不提供该类分析 / not offered here")
    assert reload(sid).status == "declined"
    appeal = file_appeal(who(company), {"request": sid, "grounds": "属于第二十条范围 / Art. 20"})
    assert appeal["payload"]["request_type"] == "data-service"


def test_only_the_centre_answers(running_app, workflow, company, other_company, curator):
    """The company and strangers cannot quote or deliver; strangers cannot read."""
    sid = str(ask_for_service(who(company), _ask()).id)
    for user in (company, other_company):
        with pytest.raises(PermissionDeniedError):
            act(user, sid, "quote", data={"price": "1", "deliver_by": "2026-12-31"})
    with pytest.raises(PermissionDeniedError):
        current_requests_service.read(who(other_company), sid)
    act(curator, sid, "quote", data={"price": "0", "deliver_by": "2026-12-31"})
    assert current_requests_service.read(who(company), sid)["status"] == "quoted"


def test_return_and_resubmit_across_national_day(running_app, workflow, company, curator):
    """Asked Wed 30 Sep 2026: 20 working days → Tue 3 Nov; paused while returned."""
    item = ask_for_service(who(company), _ask(), on=date(2026, 9, 30))
    assert item["payload"]["due_date"] == "2026-11-03"
    sid = str(item.id)
    act(curator, sid, "return", comment="请说明区县范围 / which districts?", on=date(2026, 10, 9))
    act(company, sid, "submit", comment="全部区县 / all", on=date(2026, 10, 12))
    # 2 days used (8, 9 Oct); 18 left from Mon 12 Oct
    assert reload(sid)["payload"]["due_date"] == working_days().add_working_days(
        date(2026, 10, 12), 18).isoformat()


def test_due_in_2027(running_app, company, curator):
    """Asked 14 Dec 2026: 20 working days run into 2027 (weekday fallback)."""
    item = ask_for_service(who(company), _ask(), on=date(2026, 12, 14))
    due = date.fromisoformat(item["payload"]["due_date"])
    assert due.year == 2027 and due.weekday() < 5


def test_quoted_and_delivered_in_the_lists(running_app, workflow, company, curator):
    """A quoted service is still open (listed before finished ones); both statuses have labels."""
    from techdata.access import lists

    rec = workflow.publish(deposit())
    quoted = str(ask_for_service(who(company), _ask(rec["id"])).id)
    act(curator, quoted, "quote", data={"price": "100", "deliver_by": "2026-12-31"})
    refused = str(ask_for_service(who(company), _ask(rec["id"])).id)  # newer, finished
    act(curator, refused, "refuse", comment="无法提供 / cannot be provided")
    rows = lists.my_requests(who(company))
    assert [r["id"] for r in rows] == [quoted, refused]
    assert rows[0]["status_label"] == "已报价待交付 Quoted, awaiting delivery"
    assert lists.STATUS_LABELS["delivered"] == "已交付 Delivered"
