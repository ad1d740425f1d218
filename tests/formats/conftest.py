"""Output checked by tools no one here wrote (issue 14).

An OAI-PMH harvester (``sickle``) walks ``/oai2d`` through the Flask test
client (:class:`AppSickle`); DataCite output is checked against DataCite's
4.5 schemas; DCAT-AP with ``pyshacl`` against ``dcat_ap_shapes.ttl``.
"""

import pytest
import requests
from invenio_rdm_records.proxies import current_rdm_records_service
from invenio_requests.proxies import current_requests_service
from sickle import Sickle

from tests.directory.conftest import not_opened
from tests.helpers import (
    deposit,
    make_workflow,
    publish_with_files,
    registered_user,
    token_headers,
)

PAGE_SIZE = 2
"""OAI-PMH page size of the tests: every list needs resumption tokens."""

REASON = {"opening_reason": "涉及第三方权益。", "opening_legal_basis": "LZ 第二十五条"}

FILES = {"soil.csv": b"site,cd\nA,0.3\n", "readme.pdf": b"%PDF-1.4 readme"}
"""Files of the ``files`` record (name -> content)."""


@pytest.fixture(scope="module")
def app_config(app_config, datacite_config):
    """Small OAI-PMH pages; DataCite on, talking to the stand-in (``tests/conftest.py``)."""
    app_config.update(datacite_config, OAISERVER_PAGE_SIZE=PAGE_SIZE)
    return app_config


class AppSickle(Sickle):
    """Sickle, its HTTP requests answered by a Flask test client."""

    def __init__(self, client, **kwargs):
        """Harvest ``/oai2d`` of the app behind ``client``."""
        super().__init__("http://localhost/oai2d", **kwargs)
        self.client = client
        self.calls = []

    def _request(self, kwargs):
        """GET ``/oai2d`` with ``kwargs``; a ``requests.Response`` like Sickle's."""
        res = self.client.get("/oai2d", query_string=kwargs)
        self.calls.append((dict(kwargs), res.status_code))
        out = requests.Response()
        out.status_code = res.status_code
        out._content = res.data
        out.headers.update(dict(res.headers))
        out.url = self.endpoint
        out.encoding = "utf-8"
        return out


@pytest.fixture()
def sickle(client):
    """A harvester of the test app."""
    return AppSickle(client)


@pytest.fixture(scope="module")
def published(running_app, UserFixture, database):
    """Published deposits of each opening type, through the reviews.

    ``open``: 无条件开放 without files; ``conditional``: 有条件开放;
    ``closed``: 不予开放; ``open2``, ``open3``: more open records (pages);
    ``files``: 无条件开放 with :data:`FILES`.
    """
    from techdata.upgrade import upgrade

    owner = registered_user(UserFixture, running_app, database,
                            "formats-owner@test.example.org", "Owner-Test-2026")
    headers = token_headers(owner, database, name="formats")
    client = running_app.test_client()
    flow = make_workflow(running_app, database, client, headers, tag="fmt")
    list(upgrade())  # as set-up runs it, after the custom-field mappings
    out = {
        "open": flow.publish(deposit(opening_type={"id": "unconditional"}, grade={"id": "general"})),
        "conditional": flow.publish(deposit(title="有条件开放的土壤数据",
                                            opening_type={"id": "conditional"}, **REASON)),
        "closed": flow.publish(not_opened(title="不予开放的专利实验数据")),
        "open2": flow.publish(deposit(title="第二个开放数据集")),
        "open3": flow.publish(deposit(title="第三个开放数据集",
                                      abstract="只有中文摘要。")),
        "files": publish_with_files(flow, deposit(title="带文件的开放数据集", files=True), FILES),
    }
    current_requests_service.indexer.refresh()
    current_rdm_records_service.indexer.refresh()
    out["headers"] = headers
    return out
