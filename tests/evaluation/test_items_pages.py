"""The drill-down in pages (issue 19): a year's late requests can be thousands; each page
lists ``TECHDATA_EVALUATION_ITEMS_PAGE`` of them, the count names them all."""

import re

from tests.evaluation.pages_world import PAGES_YEAR


def _items(page):
    return re.findall(r'<tr data-item="([^"]+)"', page)


def test_items_in_pages(pages_world, bureau, client, app, monkeypatch):
    """Three planned datasets, two a page: 2 then 1, oldest first; links between the pages;
    a page past the last shows the last; a bad page is a 400 naming ``page``."""
    monkeypatch.setitem(app.config, "TECHDATA_EVALUATION_ITEMS_PAGE", 2)
    bureau.login(client)
    args = {"year": PAGES_YEAR, "key": "deposit.deposited"}
    page = client.get("/evaluation/items", query_string=args).get_data(as_text=True)
    assert _items(page) == ["2025CDKJ0001/a", "2025CDKJ0001/b"]
    assert 'data-total="3"' in page and 'data-page="1" data-pages="2"' in page
    assert 'rel="prev"' not in page
    following = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "page=2" in following
    page = client.get(following).get_data(as_text=True)
    assert _items(page) == ["2025CDKJ0002/a"]
    assert 'rel="next"' not in page and 'rel="prev"' in page
    page = client.get("/evaluation/items", query_string={**args, "page": 99}).get_data(
        as_text=True)
    assert _items(page) == ["2025CDKJ0002/a"]
    for bad in ("abc", "0", "-1"):
        res = client.get("/evaluation/items", query_string={**args, "page": bad})
        assert res.status_code == 400 and "page" in res.get_data(as_text=True), bad
