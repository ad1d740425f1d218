"""The annual open plan and its progress (CD-PD Art. 33)."""

from invenio_db import db

from techdata.directory import store


def _entry(entry_id, in_open):
    store.upsert_entry({"title_zh": f"计划条目 {entry_id}", "category": {"id": "rd"},
                        "providing_entity": {"id": "swjtu"},
                        "opening_type": {"id": "unconditional"}},
                       "catalogued", entry_id=entry_id, in_open=in_open, review_passed=in_open)
    db.session.commit()


def test_plan_progress(running_app, client, bureau_token, company_token):
    """Planned vs now in the open directory, per entity; high-value counted apart."""
    _entry("c-plan-open", True)
    _entry("c-plan-closed", False)
    items = [
        {"year": 2031, "entity": "swjtu", "entry_id": "c-plan-open",
         "planned_date": "2031-03-31", "high_value": True},
        {"year": 2031, "entity": "swjtu", "entry_id": "c-plan-closed",
         "planned_date": "2031-06-30"},
        {"year": 2031, "entity": "swjtu", "title": "轨道交通客流数据",
         "planned_date": "2031-09-30", "high_value": True},
        {"year": 2031, "entity": "scu", "title": "高校科研仪器共享数据",
         "planned_date": "2031-12-31"},
    ]
    assert client.post("/api/directories/plan", json=items[0],
                       headers=company_token).status_code == 403
    created = []
    for item in items:
        res = client.post("/api/directories/plan", json=item, headers=bureau_token)
        assert res.status_code == 201, res.get_json()
        created.append(res.get_json())
    assert created[0]["title"] == "计划条目 c-plan-open"  # taken from the entry

    res = client.get("/api/directories/plan", query_string={"year": 2031})  # public
    assert res.status_code == 200
    body = res.get_json()
    by_entity = {e["entity"]["id"]: e for e in body["entities"]}
    assert by_entity["swjtu"]["planned"] == 3 and by_entity["swjtu"]["opened"] == 1
    assert by_entity["swjtu"]["high_value_planned"] == 2
    assert by_entity["swjtu"]["high_value_opened"] == 1
    assert by_entity["scu"]["planned"] == 1 and by_entity["scu"]["opened"] == 0
    assert body["totals"]["planned"] == 4 and body["totals"]["opened"] == 1
    assert by_entity["swjtu"]["entity"]["zh"] == "西南交通大学"

    # Opening the planned entry shows as progress; the item is edited and deleted.
    _entry("c-plan-closed", True)
    body = client.get("/api/directories/plan", query_string={"year": 2031}).get_json()
    assert body["totals"]["opened"] == 2
    res = client.put(f"/api/directories/plan/{created[3]['id']}",
                     json={**items[3], "high_value": True}, headers=bureau_token)
    assert res.status_code == 200 and res.get_json()["high_value"] is True
    assert client.delete(f"/api/directories/plan/{created[3]['id']}",
                         headers=bureau_token).status_code == 204
    body = client.get("/api/directories/plan", query_string={"year": 2031}).get_json()
    assert body["totals"]["planned"] == 3

    # The page shows the same numbers.
    html = client.get("/directory/plan", query_string={"year": 2031}).get_data(as_text=True)
    assert 'data-entity="swjtu"' in html and "西南交通大学" in html
    row = html.split('data-entity="swjtu"')[1].split("</tr>")[0]
    assert '<td class="planned">3</td>' in row and '<td class="opened">2</td>' in row


def test_plan_bad_input(running_app, client, bureau_token):
    """Field errors in Chinese and English; nothing stored."""
    from techdata.directory.models import OpenPlanItem

    before = OpenPlanItem.query.count()
    for body, field in (
        ({"year": 2031, "entity": "swjtu", "title": "x"}, "planned_date"),
        ({"year": 2031, "entity": "nowhere", "title": "x", "planned_date": "2031-01-01"},
         "entity"),
        ({"year": 2031, "entity": "swjtu", "title": "x", "planned_date": "2032-01-01"},
         "planned_date"),
        ({"year": 2031, "entity": "swjtu", "entry_id": "c-none", "planned_date": "2031-01-01"},
         "entry_id"),
        ({"year": 2031, "entity": "swjtu", "planned_date": "2031-01-01"}, "title"),
        ({"year": "soon", "entity": "swjtu", "title": "x", "planned_date": "2031-01-01"},
         "year"),
        ({"year": 2031, "entity": "swjtu", "title": "x", "planned_date": "2031-01-01",
          "in_open": True}, "in_open"),
    ):
        res = client.post("/api/directories/plan", json=body, headers=bureau_token)
        assert res.status_code == 400, body
        fields = {e["field"]: e["messages"] for e in res.get_json()["errors"]}
        assert field in fields, (body, fields)
        assert all(" / " in m for m in fields[field])
    assert client.get("/api/directories/plan", query_string={"year": "x"}).status_code == 400
    assert client.put("/api/directories/plan/999999", json={}, headers=bureau_token
                      ).status_code == 404
    assert OpenPlanItem.query.count() == before


def test_plan_page_form(running_app, app, client, bureau):
    """The bureau adds an item on the page; errors are shown, not a 500."""
    with app.test_client() as c:
        bureau.login(c)
        res = c.post("/directory/plan?year=2032", data={"year": "2032", "entity": "scu",
                                                        "title": "", "planned_date": ""})
        assert res.status_code == 200 and 'id="plan-errors"' in res.get_data(as_text=True)
        res = c.post("/directory/plan?year=2032", data={
            "year": "2032", "entity": "scu", "title": "实验动物资源数据",
            "planned_date": "2032-05-01", "high_value": "1"})
        assert res.status_code == 302
        html = c.get("/directory/plan?year=2032").get_data(as_text=True)
        assert "实验动物资源数据" in html
    # Anonymous visitors see the plan, not the form; they cannot post.
    html = client.get("/directory/plan?year=2032").get_data(as_text=True)
    assert "实验动物资源数据" in html and 'id="plan-form"' not in html
    res = client.post("/directory/plan?year=2032", data={"entity": "scu"})
    assert res.status_code in (302, 400)
