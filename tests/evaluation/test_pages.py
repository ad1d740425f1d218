"""Evaluation pages (issue 19): the bureau reads every scope, a department admin his department,
an entity admin his entity; filters, charts with tables, the items behind a number."""

import json
import re

from tests.evaluation.pages_world import CO, ECO, LAB, LATE_ECO, LATE_SCI, PAGES_YEAR, SCI, UNI

KEY = "requests.on_time.conditional-access"


def _value(page, key):
    """The value cell printed for the indicator ``key``."""
    m = re.search(rf'<tr data-key="{re.escape(key)}" data-value="[^"]*">.*?'
                  r'<td class="evaluation-value">\s*([^<\s]+)', page, re.S)
    assert m, key
    return m.group(1)


def _scope(page):
    """``(kind, id)`` of the scope the page shows."""
    m = re.search(r'id="evaluation-scope" data-scope-kind="([^"]*)" data-scope-id="([^"]*)"', page)
    return m.groups()


def _get(client, path="/evaluation/", headers=None, **args):
    """GET ``path`` of the world's year with the query ``args``."""
    return client.get(path, query_string={"year": PAGES_YEAR, **args}, headers=headers or {})


def test_bureau_reads_the_city_and_filters_a_department(pages_world, bureau, client):
    """City-wide values by hand (3 of 5 on time = 60.0%); the science department 66.7%;
    every indicator with its formula and article; charts with their tables; ranking."""
    bureau.login(client)
    assert "/evaluation/" in _menu(client)  # reached by clicking
    res = _get(client)
    assert res.status_code == 200, res.data[:2000]
    page = res.get_data(as_text=True)
    assert _scope(page) == ("city", "")
    assert _value(page, KEY) == "60.0%"
    assert _value(page, "deposit.deposited") == "66.7%"
    assert _value(page, "deposit.planned") == "3"
    assert "CD-TD Art. 26" in page and "QY Art. 24" in page  # the articles shown
    assert page.count('<tr data-key="') >= 40  # every indicator listed
    assert "techdata-evaluation" in page  # the ECharts bundle
    charts = re.findall(r'class="td-chart" id="([^"]+)"[^>]*data-chart=\'([^\']+)\'', page)
    ids = [c[0] for c in charts]
    assert "trend-requests" in ids and "ranking-chart" in ids
    trend = json.loads(dict(charts)["trend-requests"].replace("&#34;", '"').replace("&#39;", "'"))
    assert trend["x"][-1] == str(PAGES_YEAR) and trend["unit"] == "%"
    line = next(s for s in trend["series"] if s["data"][-1] == 60.0)
    assert line["data"][:-1] == [None] * 4
    assert 'class="ui celled compact table evaluation-trend" data-group="requests"' in page
    # the ranking of departments (deposit rate by default): economy 100%, science 50%
    ranking = page[page.index('id="evaluation-ranking-table"'):]
    assert ranking.index(f'data-scope="{ECO}"') < ranking.index(f'data-scope="{SCI}"')

    page = _get(client, department=SCI).get_data(as_text=True)
    assert _scope(page) == ("department", SCI)
    assert _value(page, KEY) == "66.7%"
    assert _value(page, "deposit.deposited") == "50.0%"
    page = _get(client, department=SCI, entity=LAB).get_data(as_text=True)
    assert _scope(page) == ("entity", LAB)  # the more specific filter wins
    assert _value(page, KEY) == "0.0%"
    page = _get(client, department=ECO, period="H2").get_data(as_text=True)
    assert _value(page, KEY) == "50.0%"
    page = _get(client, department=ECO, period="Q3").get_data(as_text=True)
    assert _value(page, KEY) == "0.0%"


def test_bureau_drills_into_the_late_requests(pages_world, bureau, client):
    """The late conditional-access requests: both in the city, one in the science department;
    each links its request page; the Beijing date and the days late are shown."""
    bureau.login(client)
    page = _get(client).get_data(as_text=True)
    assert f'data-drill="{KEY}" data-subset="rest"' in page
    res = _get(client, "/evaluation/items", key=KEY, subset="rest")
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    items = re.findall(r'<tr data-item="([^"]+)" data-kind="request">', page)
    assert items == [LATE_SCI, LATE_ECO]
    assert f'href="/access/request/{LATE_SCI}"' in page
    assert 'data-days-late="5"' in page and 'data-days-late="10"' in page
    page = _get(client, "/evaluation/items", key=KEY, subset="rest",
                department=SCI).get_data(as_text=True)
    assert re.findall(r'<tr data-item="([^"]+)"', page) == [LATE_SCI]
    page = _get(client, "/evaluation/items", key=KEY, subset="numerator",
                department=SCI).get_data(as_text=True)
    assert len(re.findall(r'<tr data-item="', page)) == 2
    page = _get(client, "/evaluation/items", key="deposit.deposited",
                subset="rest").get_data(as_text=True)
    assert 'href="/projects/2025CDKJ0001"' in page


def test_department_admin_sees_only_his_department(pages_world, dept_admin, client):
    """He starts on his department, may open its entities; any other scope is a 403."""
    dept_admin.login(client)
    assert "/evaluation/" in _menu(client)
    res = _get(client)
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert _scope(page) == ("department", SCI)
    assert _value(page, KEY) == "66.7%"
    options = re.search(r'<select id="filter-department".*?</select>', page, re.S).group(0)
    assert SCI in options and ECO not in options
    assert ">市科学技术局<" in options  # names, not ids, are shown
    assert "市科学技术局" in page[page.index('id="evaluation-scope"'):][:400]
    assert _get(client, entity=LAB).status_code == 200
    for args in ({"department": ECO}, {"entity": CO}, {"centre": "city-centre"},
                 {"program": "P-KEY"}):
        assert _get(client, **args).status_code == 403, args
        assert _get(client, "/evaluation/report.xlsx", **args).status_code == 403, args
        assert _get(client, "/evaluation/items", key=KEY, **args).status_code == 403, args
    ranking = page[page.index('id="evaluation-ranking-table"'):]
    assert f'data-scope="{CO}"' not in ranking  # entities of other departments are not ranked


def test_entity_admin_sees_only_his_entity(pages_world, entity_admin, client):
    """He starts on his entity; his department and the other entities are 403."""
    entity_admin.login(client)
    page = _get(client).get_data(as_text=True)
    assert _scope(page) == ("entity", UNI)
    assert _value(page, KEY) == "100.0%"
    for args in ({"department": SCI}, {"entity": LAB}, {"entity": CO}):
        assert _get(client, **args).status_code == 403, args


def _menu(client):
    """The hrefs of the header's main menu on the front page."""
    html = client.get("/").get_data(as_text=True)
    start = html.index('id="invenio-menu"')
    return set(re.findall(r'href="([^"]+)"', html[start:html.index("</header>", start)]))


def test_others_are_refused(pages_world, outsider, client):
    """Anonymous: log in; a user without scope: 403 and no menu entry."""
    assert _get(client).status_code in (302, 401)
    outsider.login(client)
    assert _get(client).status_code == 403
    assert _get(client, "/evaluation/report.pdf").status_code == 403
    assert "/evaluation/" not in _menu(client)


def test_bad_filters_name_the_field(pages_world, bureau, client):
    """A bad year, period, ranking or indicator: 400 naming the field, never a 500."""
    bureau.login(client)
    for args, field in (({"year": "abc"}, "year"), ({"year": "1999"}, "year"),
                        ({"period": "Q5"}, "period"), ({"by": "galaxy"}, "by"),
                        ({"rank": "nope"}, "key"), ({"department": "x" * 300}, "department")):
        res = client.get("/evaluation/", query_string=args)
        assert res.status_code == 400, (args, res.status_code)
        assert field in res.get_data(as_text=True), args
    res = _get(client, "/evaluation/items", key="nope")
    assert res.status_code == 400 and "key" in res.get_data(as_text=True)
    res = _get(client, "/evaluation/items", key=KEY, subset="late")
    assert res.status_code == 400 and "subset" in res.get_data(as_text=True)


def test_chinese_page(pages_world, bureau, client):
    """Under zh: Chinese labels, Beijing dates in the drill-down (2025年5月20日)."""
    bureau.login(client)
    page = _get(client, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "考核评估" in page and "按时答复" in page
    page = _get(client, "/evaluation/items", key=KEY, subset="rest",
                headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2025年5月20日" in page


def test_recompute_now(pages_world, bureau, dept_admin, client, app, monkeypatch):
    """The bureau recomputes a year from the platform's tables; a department admin may not."""
    bureau.login(client)
    page = _get(client).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    res = client.post(f"/evaluation/recompute?year={PAGES_YEAR}", data={"csrf_token": token})
    assert res.status_code == 302 and "recomputed=1" in res.headers["Location"]
    other = app.test_client()  # his own browser
    dept_admin.login(other)
    page = _get(other).get_data(as_text=True)
    assert _scope(page) == ("department", SCI)
    assert 'id="evaluation-recompute"' not in page
    assert other.post(f"/evaluation/recompute?year={PAGES_YEAR}",
                      data={"csrf_token": token}).status_code in (400, 403)  # not his form
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the permission alone
    assert other.post(f"/evaluation/recompute?year={PAGES_YEAR}").status_code == 403
