"""Pages of the directories (CD-TD Art. 7, 19, 24; CD-PD Art. 14, 31-33)."""

from techdata.directory import store
from tests.directory.conftest import not_opened
from tests.helpers import deposit


def test_open_directory_page_shows_only_opened_entries(running_app, client, workflow):
    """Anonymous visitors see the opened dataset, its facets, and never the closed one."""
    opened = workflow.publish(deposit(title="页面开放测试数据集", **{
        "providing_entity": {"id": "uestc"}, "update_cycle": {"id": "monthly"}}))
    closed = workflow.publish(not_opened(title="页面不开放测试数据集"))
    open_id = store.deposited_entry_id(opened["parent"]["id"])
    closed_id = store.deposited_entry_id(closed["parent"]["id"])

    res = client.get("/directory/", query_string={"q": "页面"})
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "页面开放测试数据集" in html and open_id in html
    assert "页面不开放测试数据集" not in html and closed_id not in html
    for facet in ("category", "department", "entity", "opening_type", "update_cycle"):
        assert f'data-facet="{facet}"' in html
    assert "电子科技大学" in html  # the entity facet, in Chinese
    res = client.get("/directory/", query_string={"q": "页面不开放测试数据集"})
    results = res.get_data(as_text=True).split('id="directory-results"')[1]
    assert "页面不开放测试数据集" not in results and closed_id not in results
    # Entry pages: the opened one for everyone, the closed one not.
    res = client.get(f"/directory/entries/{open_id}")
    assert res.status_code == 200 and "数据资源名称" in res.get_data(as_text=True)
    assert client.get(f"/directory/entries/{closed_id}").status_code == 404
    # Bad paging is shown, not a 500.
    res = client.get("/directory/", query_string={"page": "0"})
    assert res.status_code == 200 and 'id="directory-error"' in res.get_data(as_text=True)


def test_resource_directory_page_needs_a_government_role(
        running_app, app, client, workflow, bureau, company):
    """Anonymous: to the login page; a company: 403; the bureau: every entry."""
    closed = workflow.publish(not_opened(title="资源目录页面测试数据"))
    closed_id = store.deposited_entry_id(closed["parent"]["id"])
    res = client.get("/directory/resource")
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    for path in ("/directory/resource", "/directory/upkeep"):
        with app.test_client() as c:
            company.login(c)
            assert c.get(path).status_code == 403, path
    with app.test_client() as c:
        bureau.login(c)
        res = c.get("/directory/resource", query_string={"q": "资源目录页面测试数据"})
        assert res.status_code == 200
        assert closed_id in res.get_data(as_text=True)
        res = c.get(f"/directory/entries/{closed_id}")
        assert res.status_code == 200 and 'id="entry-state"' in res.get_data(as_text=True)
        res = c.get("/directory/upkeep")
        assert res.status_code == 200 and closed_id in res.get_data(as_text=True)
