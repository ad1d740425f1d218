"""Stateless paging of ListRecords / ListIdentifiers (OAI-PMH 2.0 §3.5.1).

invenio-oaiserver pages through a search *scroll*: each resumption token
carries the scroll id, using the token advances the cursor, and the last
page deletes it. A token used twice (a harvester retrying after a timeout)
got the next page or an HTTP 500. invenio-oaiserver pages by ``from``/``size``
(the page number it puts in the token) when the search answer carries no
scroll id; :class:`OAIPagedSearch` (``OAISERVER_SEARCH_CLS``) opens no
scroll, and after the last page hands invenio-oaiserver a spare scroll over
no document to clear (it clears one unconditionally). A token then names a page, and the same token gives the
same page until it expires.
"""

from flask import current_app
from invenio_rdm_records.oai import OAIRecordSearch
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name



def has_next(start, size, total):
    """invenio-oaiserver's test for a next page (``page * per_page <= total``)."""
    page = start // size + 1 if size else 1
    return page * size <= total


def spare_scroll_id():
    """A scroll id over no document, for invenio-oaiserver to clear after the last page."""
    index = build_alias_name(str(current_app.config["OAISERVER_RECORD_INDEX"]), app=current_app)
    found = current_search_client.search(index=index, scroll="10s", size=1,
                                          body={"query": {"match_none": {}}})
    return found.get("_scroll_id")


class OAIPagedSearch(OAIRecordSearch):
    """InvenioRDM's OAI search (public, not deleted, with an OAI id), paged statelessly."""

    def params(self, **kwargs):
        """Search parameters, without a scroll cursor (``scroll=None`` sends none)."""
        if "scroll" in kwargs:
            kwargs["scroll"] = None
        return super().params(**kwargs)

    def execute(self, ignore_cache=False):
        """Run the search; after the last page a spare scroll id for invenio-oaiserver to clear."""
        response = super().execute(ignore_cache=ignore_cache)
        raw = response.to_dict()
        body = self.to_dict()
        total = raw.get("hits", {}).get("total", {})
        total = total.get("value", 0) if isinstance(total, dict) else total
        if total and not has_next(body.get("from", 0), body.get("size", 10), total):
            raw["_scroll_id"] = spare_scroll_id()
        return response
