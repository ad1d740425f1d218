"""Conditional sharing (有条件共享) between government units: 10 working days (CD-PD Art. 26)."""

from invenio_requests.records.api import Request

from techdata.access import clock
from techdata.access.grants import expire_grants
from techdata.access.sharing import apply_for_sharing
from techdata.review.workflow import acting_as
from techdata.workdays import working_days
from tests.access.conditional import act, content, date, timedelta, today
from tests.helpers import token_headers, user_with_role


def sharing_form(recid, **extra):
    """A complete sharing application of a government unit."""
    return {
        "record": recid,
        "applicant_name": "李强",
        "organisation": "成都市生态环境局",
        "contact": "028-87654321",
        "purpose": "土壤污染防治监管 / soil pollution oversight",
        "legal_basis": "《土壤污染防治法》第七条 / Soil Pollution Law Art. 7",
        "scope": "2021-2023 年全部样点镉含量 / cadmium at all sites 2021-2023",
        "term_start": today().isoformat(),
        "term_end": (today() + timedelta(days=30)).isoformat(),
        **extra,
    }


def share(client, headers, body):
    """POST a sharing application."""
    return client.post("/api/techdata/access/apply/conditional-sharing", json=body,
                       headers=headers)


def test_government_unit_is_granted_the_files(running_app, client, datasets, people, UserFixture, db):
    """A department applies, due in 10 working days; the grant opens the files to it alone."""
    recid = datasets["conditional"]
    dept = user_with_role(UserFixture, running_app, db, "dept@test.example.org", "department-admin")
    dept_h = token_headers(dept, db)

    # Companies and the public apply for conditional access instead.
    res = share(client, people["company_h"], sharing_form(recid))
    assert res.status_code == 400 and "conditional access" in str(res.get_json())
    # Missing legal basis of the duty: a clear 400.
    res = share(client, dept_h, sharing_form(recid, legal_basis=""))
    assert res.status_code == 400 and "legal_basis" in str(res.get_json())
    # An unconditionally shared dataset needs no application.
    res = share(client, dept_h, sharing_form(datasets["open"]))
    assert res.status_code == 400

    res = share(client, dept_h, sharing_form(recid))
    assert res.status_code == 201, res.get_json()
    req = res.get_json()
    assert req["type"] == "conditional-sharing"
    assert req["payload"]["due_date"] == working_days().add_working_days(today(), 10).isoformat()
    assert req["payload"]["legal_basis"].startswith("《土壤污染防治法》")
    assert content(client, recid, dept_h) == 403

    res = act(client, people["curator_h"], req["id"], "grant", modes=["download"])
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["payload"]["grant"]["term_end"] == sharing_form(recid)["term_end"]
    assert content(client, recid, dept_h) == 200
    assert content(client, recid, people["company_h"]) == 403
    assert content(client, recid) == 403

    # At the end of the term the shared access is withdrawn like any grant.
    end = date.fromisoformat(sharing_form(recid)["term_end"])
    assert req["id"] in expire_grants(on=end + timedelta(days=1))
    assert content(client, recid, dept_h) == 403


def test_sharing_deadline_across_national_day_and_return(running_app, client, datasets, people,
                                                          UserFixture, db):
    """Received 30 Sep 2026: due 20 Oct; returned and answered, the same request resumes."""
    recid = datasets["conditional"]
    dept = user_with_role(UserFixture, running_app, db, "dept2@test.example.org", "program-manager")
    form = sharing_form(recid)
    form.pop("record")
    item = apply_for_sharing(acting_as(dept.identity), recid, form, on=date(2026, 9, 30))
    assert item.data["payload"]["due_date"] == "2026-10-20"

    res = act(client, people["curator_h"], item.id, "return",
              comment="请提供履职依据的具体条款 / cite the exact article")
    assert res.status_code == 200, res.get_json()
    assert Request.get_record(item.id)["payload"]["clock"] == clock.PAUSED

    res = act(client, token_headers(dept, db), item.id, "submit",
              legal_basis="《土壤污染防治法》第七条第二款 / Art. 7(2)", comment="已补充")
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["id"] == str(item.id) and body["status"] == "submitted"
    assert body["payload"]["legal_basis"].endswith("Art. 7(2)")
    assert body["payload"]["clock"] == clock.RUNNING

    res = act(client, people["curator_h"], item.id, "refuse",
              reason="所需范围超出履职需要 / scope beyond the duty", refusal_basis="rules",
              refusal_basis_citation="《成都市公共数据管理应用暂行规定》第二十六条 / CD-PD Art. 26")
    assert res.status_code == 200 and res.get_json()["status"] == "declined"
