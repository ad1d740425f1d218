"""The lists: provider inbox, "my requests", the bureau's filtered list and XLSX export."""

import io

from openpyxl import load_workbook

from tests.access.conditional import act, application, apply
from tests.helpers import token_headers, user_with_role


def test_inbox_mine_and_bureau_list(running_app, client, datasets, people, UserFixture, db):
    """Each list shows due date, days left, overdue and clock; finished requests stay."""
    recid = datasets["conditional"]
    first = apply(client, people["company_h"], application(client, recid)).get_json()
    second = apply(client, people["other_h"], application(client, recid)).get_json()
    assert act(client, people["curator_h"], second["id"], "refuse",
               reason="不符合开放条件 / conditions not met").status_code == 200

    inbox = client.get("/api/techdata/access/lists/inbox", headers=people["curator_h"]).get_json()
    rows = {h["id"]: h for h in inbox["hits"]["hits"]}
    assert set(rows) >= {first["id"], second["id"]}
    assert rows[first["id"]]["due_date"] == first["payload"]["due_date"]
    assert rows[first["id"]]["days_left"] == 15
    assert rows[first["id"]]["overdue"] is False
    assert rows[first["id"]]["clock"] == "running"
    assert rows[second["id"]]["status"] == "declined"  # refused ones stay listed

    mine = client.get("/api/techdata/access/lists/mine", headers=people["company_h"]).get_json()
    assert [h["id"] for h in mine["hits"]["hits"]] == [first["id"]]
    # A company's inbox has nothing of others'.
    other_inbox = client.get("/api/techdata/access/lists/inbox",
                             headers=people["company_h"]).get_json()
    assert other_inbox["hits"]["total"] == 0

    # The bureau list: bureau administrators only, with filters.
    assert client.get("/api/techdata/access/lists/bureau",
                      headers=people["company_h"]).status_code == 403
    bureau = user_with_role(UserFixture, running_app, db, "bureau-c@test.example.org",
                             "bureau-admin")
    bh = token_headers(bureau, db)
    every = client.get("/api/techdata/access/lists/bureau", headers=bh).get_json()["hits"]
    assert {first["id"], second["id"]} <= {h["id"] for h in every["hits"]}
    refused = client.get("/api/techdata/access/lists/bureau?status=declined",
                         headers=bh).get_json()["hits"]["hits"]
    assert [h["id"] for h in refused] == [second["id"]]
    assert client.get("/api/techdata/access/lists/bureau?overdue=true",
                      headers=bh).get_json()["hits"]["total"] == 0
    by_type = client.get("/api/techdata/access/lists/bureau?type=conditional-sharing",
                         headers=bh).get_json()["hits"]["total"]
    assert by_type == 0
    entity = every["hits"][0]["receiver"]["community"]
    assert client.get(f"/api/techdata/access/lists/bureau?entity={entity}",
                      headers=bh).get_json()["hits"]["total"] == 2
    # The bureau reads each request's history through the standard API too.
    assert client.get(f"/api/requests/{second['id']}", headers=bh).status_code == 200

    # Overdue: move the open request's due date into the past.
    from invenio_requests.records.api import Request

    req = Request.get_record(first["id"])
    req["payload"] = {**req["payload"], "due_date": "2026-01-05"}
    req.commit()
    db.session.commit()
    late = client.get("/api/techdata/access/lists/bureau?overdue=true",
                      headers=bh).get_json()["hits"]["hits"]
    assert [h["id"] for h in late] == [first["id"]] and late[0]["days_left"] < 0

    res = client.get("/api/techdata/access/lists/bureau.xlsx", headers=bh)
    assert res.status_code == 200
    sheet = load_workbook(io.BytesIO(res.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    ids = [row[0] for row in values[1:]]
    assert set(ids) == {first["id"], second["id"]}
    assert any("是 yes" in row for row in values[1:])


def test_list_pages_render(running_app, client, datasets, people, UserFixture, db):
    """The inbox page lists the request with its due date; the request page shows the form."""
    recid = datasets["conditional"]
    req = apply(client, people["company_h"], application(client, recid)).get_json()
    # Any holder of the curator role acts for the city centre (its group member).
    curator = user_with_role(UserFixture, running_app, db, "page-curator@test.example.org",
                              "data-centre-curator")
    curator.login(client)
    page = client.get("/access/inbox")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert req["id"] in text and req["payload"]["due_date"] in text
    page = client.get(f"/access/request/{req['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="decision-form"' in text and "access-forms.js" in text
    # InvenioRDM's own request page (dashboard, notification links) leads there.
    page = client.get(f"/me/requests/{req['id']}")
    assert page.status_code == 200
    assert f"/access/request/{req['id']}" in page.get_data(as_text=True)
