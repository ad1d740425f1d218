"""Conditional access (有条件开放): apply with the agreement, grant, refuse, return, expire.

Real services: the dataset goes through the deposit and confidentiality
reviews, its file is restricted (有条件开放), and who can download it is asked
of the real ``/api/records/<id>/files/<key>/content`` endpoint.
"""

from invenio_db import db
from invenio_requests.records.api import Request

from techdata.access import clock
from techdata.access.base import execute_clocked
from techdata.access.conditional_access import apply_for_access, uscc_is_valid
from techdata.access.grants import expire_grants
from techdata.review.workflow import acting_as
from techdata.workdays import working_days
from tests.access.conditional import USCC, act, application, apply, content, date, timedelta, today


def test_uscc_check_character():
    """GB 32100-2015: 18 characters of the 31-letter alphabet, the last a check."""
    assert uscc_is_valid(USCC)
    assert uscc_is_valid("911100001000044477")
    assert not uscc_is_valid("91350100M000100Y44")  # wrong check character
    assert not uscc_is_valid("91350100M000100Y4")   # 17 characters
    assert not uscc_is_valid("91350100I000100Y43")  # I is not in the alphabet


def test_happy_path_only_the_grantee_downloads(running_app, client, datasets, people, mailbox):
    """Apply → mail to the provider → grant (download + token) → only the company downloads."""
    recid = datasets["conditional"]
    assert content(client, recid, people["company_h"]) == 403  # not before a grant

    res = apply(client, people["company_h"], application(client, recid))
    assert res.status_code == 201, res.get_json()
    req = res.get_json()
    assert req["type"] == "conditional-access" and req["status"] == "submitted"
    assert req["payload"]["due_date"] == working_days().add_working_days(today(), 15).isoformat()
    assert req["payload"]["agreement"]["version"] == 0  # the default agreement
    assert req["payload"]["agreement"]["accepted_at"]
    assert req["payload"]["uscc"] == USCC
    assert any("acc-curator@test.example.org" in m.recipients for m in mailbox)

    # The standard API shows the due date too.
    body = client.get(f"/api/requests/{req['id']}", headers=people["company_h"]).get_json()
    assert body["payload"]["due_date"] == req["payload"]["due_date"]

    # A bare accept of the standard API is not an action of this type.
    res = client.post(f"/api/requests/{req['id']}/actions/accept", headers=people["curator_h"])
    assert res.status_code in (400, 404)
    # The applicant cannot grant their own request; nor can another company.
    assert act(client, people["company_h"], req["id"], "grant", modes=["download"]).status_code == 403
    assert act(client, people["other_h"], req["id"], "grant", modes=["download"]).status_code == 403
    # A grant without a mode is refused, nothing changes.
    res = act(client, people["curator_h"], req["id"], "grant", modes=[])
    assert res.status_code == 400 and "/" in str(res.get_json())

    # Nor can a grant outlast the term applied for.
    too_long = (date.fromisoformat(req["payload"]["term_end"]) + timedelta(days=1)).isoformat()
    res = act(client, people["curator_h"], req["id"], "grant", modes=["download"],
              term_end=too_long)
    assert res.status_code == 400 and "term" in str(res.get_json())

    res = act(client, people["curator_h"], req["id"], "grant", modes=["download", "api-token"],
              comment="同意 / granted")
    assert res.status_code == 200, res.get_json()
    granted = res.get_json()
    assert granted["status"] == "accepted"
    assert granted["payload"]["clock"] == clock.STOPPED
    grant = granted["payload"]["grant"]
    assert grant["modes"] == ["download", "api-token"]
    assert grant["term_end"] == application(client, recid)["term_end"]
    assert "access_token" not in str(granted)  # the token is not in the payload

    assert content(client, recid, people["company_h"]) == 200
    assert content(client, recid, people["other_h"]) == 403
    assert content(client, recid) == 403

    # The API token of the grant is the applicant's, and reads the file.
    from invenio_oauth2server.models import Token

    token = db.session.get(Token, grant["token_id"])
    assert token.user_id == people["company"].user.id
    assert content(client, recid, {"Authorization": f"Bearer {token.access_token}"}) == 200
    assert any(people["company"].email in m.recipients for m in mailbox)

    # Expiry: the day after the term, access is withdrawn and the token deleted.
    end = date.fromisoformat(grant["term_end"])
    assert expire_grants(on=end) == []  # the last day still counts
    assert req["id"] in expire_grants(on=end + timedelta(days=1))
    expired = client.get(f"/api/requests/{req['id']}", headers=people["company_h"]).get_json()
    assert expired["status"] == "expired"
    assert expired["payload"]["grant"]["withdrawn_at"]
    assert content(client, recid, people["company_h"]) == 403
    assert db.session.get(Token, grant["token_id"]) is None
    timeline = client.get(f"/api/requests/{req['id']}/timeline",
                          headers=people["company_h"]).get_json()
    assert "expired" in str(timeline["hits"]["hits"])
    # The full history stays listed for the applicant.
    mine = client.get("/api/techdata/access/lists/mine", headers=people["company_h"]).get_json()
    assert [h["status"] for h in mine["hits"]["hits"] if h["id"] == req["id"]] == ["expired"]


def test_refusal_needs_a_reason(running_app, client, datasets, people):
    """Refusing without a reason is a 400; with one, declined and no access."""
    recid = datasets["conditional"]
    req = apply(client, people["company_h"], application(client, recid)).get_json()
    res = act(client, people["curator_h"], req["id"], "refuse")
    assert res.status_code == 400
    assert client.get(f"/api/requests/{req['id']}",
                      headers=people["company_h"]).get_json()["status"] == "submitted"
    res = act(client, people["curator_h"], req["id"], "refuse",
              reason="用途超出开放范围 / purpose outside the opening scope")
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["status"] == "declined"
    assert body["payload"]["refusal_reason"].startswith("用途超出")
    assert body["payload"]["clock"] == clock.STOPPED
    assert content(client, recid, people["company_h"]) == 403
    inbox = client.get("/api/techdata/access/lists/inbox", headers=people["curator_h"]).get_json()
    assert req["id"] in [h["id"] for h in inbox["hits"]["hits"]]


def test_return_and_resubmit_across_national_day(running_app, client, datasets, people):
    """Received 30 Sep 2026: due 27 Oct; returned 12 Oct (4 days used); answered: 11 left."""
    recid = datasets["conditional"]
    body = application(client, recid)
    body.pop("record")
    identity = acting_as(people["company"].identity)
    item = apply_for_access(identity, recid, body, on=date(2026, 9, 30))
    rid = item.id
    assert item.data["payload"]["due_date"] == "2026-10-27"

    res = act(client, people["curator_h"], rid, "return")  # no comment
    assert res.status_code == 400
    curator_identity = acting_as(_identity_of(people["curator"]))
    execute_clocked(curator_identity, rid, "return", comment="请说明数据安全负责人 / name the "
                    "security officer", on=date(2026, 10, 12))
    req = Request.get_record(rid)
    assert req.status == "returned" and req["payload"]["days_used"] == 4

    # The provider changes the agreement meanwhile: a bare resubmission is refused.
    res = client.post(f"/api/techdata/access/agreements/{recid}", headers=datasets["owner_headers"],
                      json={"text_zh": "新版协议：不得转让第三方，注明来源。",
                            "text_en": "New version: no third parties, cite the source."})
    assert res.status_code == 201
    res = client.post(f"/api/requests/{rid}/actions/submit", headers=people["company_h"])
    assert res.status_code == 400 and "agreement" in str(res.get_json())
    assert Request.get_record(rid).status == "returned"

    # The company answers on the same request (the agreement accepted again).
    agreement = client.get(f"/api/techdata/access/agreements/{recid}").get_json()["current"]
    res = act(client, people["company_h"], rid, "submit",
              security_means="专人张三负责，内网隔离 / officer Zhang San, isolated network",
              agreement_version=agreement["version"], agreement_sha256=agreement["sha256"],
              accept_agreement=True, comment="已补充 / added")
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["id"] == str(rid) and body["status"] == "submitted"
    assert body["payload"]["clock"] == clock.RUNNING
    assert body["payload"]["security_means"].startswith("专人张三")
    assert body["payload"]["due_date"] == working_days().add_working_days(today(), 11).isoformat()
    assert body["payload"]["pauses"][0][0] == "2026-10-12"


def _identity_of(user):
    """An identity for a ``User`` (not a fixture), as when logged in."""
    from flask_principal import Identity
    from invenio_access.utils import get_identity

    identity = get_identity(user)
    assert isinstance(identity, Identity)
    return identity


def test_the_agreement_must_be_accepted_and_current(running_app, client, datasets, people):
    """No acceptance → 400; the provider's new version makes the old acceptance outdated."""
    recid = datasets["conditional"]
    old = application(client, recid)
    res = apply(client, people["other_h"], {**old, "accept_agreement": False})
    assert res.status_code == 400
    assert "数据利用协议" in str(res.get_json()) and "agreement" in str(res.get_json())

    # Only the dataset's managers set a new version.
    new_text = {"text_zh": "第二版协议：不得向第三方提供；注明来源。", "text_en":
                "Version two: no third parties; cite the source."}
    res = client.post(f"/api/techdata/access/agreements/{recid}", json=new_text,
                      headers=people["other_h"])
    assert res.status_code == 403
    res = client.post(f"/api/techdata/access/agreements/{recid}", json=new_text,
                      headers=datasets["owner_headers"])
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["version"] >= 1

    res = apply(client, people["other_h"], old)  # accepted the outdated text
    assert res.status_code == 400 and "version" in str(res.get_json())
    res = apply(client, people["other_h"], application(client, recid))
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["payload"]["agreement"]["sha256"] != old["agreement_sha256"]


def test_bad_applications_are_refused_clearly(running_app, client, datasets, people):
    """Bad credit code, missing fields, an open dataset: bilingual 400s, nothing created."""
    recid = datasets["conditional"]
    res = apply(client, people["company_h"], application(client, recid, uscc="91350100M000100Y44"))
    assert res.status_code == 400 and "GB 32100" in str(res.get_json())
    res = apply(client, people["company_h"], {"record": recid})
    assert res.status_code == 400
    fields = {e["field"] for e in res.get_json()["errors"]}
    assert {"purpose", "uscc", "term_end"} <= fields
    res = apply(client, people["company_h"], application(client, datasets["open"]))
    assert res.status_code == 400 and "有条件开放" in str(res.get_json())
    res = apply(client, {}, application(client, recid))
    assert res.status_code in (400, 401)  # anonymous: CSRF check or login required
    mine = client.get("/api/techdata/access/lists/mine", headers=people["company_h"]).get_json()
    assert mine["hits"]["total"] == 0


def test_overdue_application_is_escalated_once(running_app, client, datasets, people, mailbox,
                                              UserFixture, db):
    """Due tomorrow: the provider is reminded; overdue: the bureau and provider, once each."""
    from techdata.access.tasks import check_access_deadlines
    from tests.helpers import user_with_role

    bureau = user_with_role(UserFixture, running_app, db, "bureau-acc@test.example.org",
                             "bureau-admin")
    req = apply(client, people["company_h"], application(client, datasets["conditional"]))
    rid = req.get_json()["id"]

    def move_due(day):
        stored = Request.get_record(rid)
        stored["payload"] = {**stored["payload"], "due_date": day.isoformat()}
        stored.commit()
        db.session.commit()

    move_due(working_days().add_working_days(today(), 1))
    check_access_deadlines()
    # invenio-notifications sends one mail per recipient: each recipient once
    reminders = [r for m in mailbox if "Request due soon" in m.subject for r in m.recipients]
    assert "acc-curator@test.example.org" in reminders
    assert len(reminders) == len(set(reminders))

    move_due(today() - timedelta(days=3))
    check_access_deadlines()
    check_access_deadlines()  # nothing new to say
    escalations = [r for m in mailbox if "Request overdue" in m.subject for r in m.recipients]
    assert len(escalations) == len(set(escalations))
    assert bureau.email in escalations
    assert "acc-curator@test.example.org" in escalations
    rows = client.get("/api/techdata/access/lists/inbox", headers=people["curator_h"]).get_json()
    assert [h["overdue"] for h in rows["hits"]["hits"] if h["id"] == rid] == [True]
