"""SQL statements per read: bounds that fail when a per-hit or per-request query creeps in.

Counted with ``techdata.bench.queries.count_statements`` (deterministic,
unlike timings on a shared machine). The records come from the ``datasets``
fixture: a 有条件开放 record with a restricted file and an open one.
"""

from flask_principal import RoleNeed
from invenio_access.proxies import current_access
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_rdm_records.records.api import RDMDraft
from invenio_requests.proxies import current_requests_service

from techdata.bench.queries import count_statements
from techdata.kernel import roles
from techdata.review.generators import ConfidentialityReviewers
from tests.helpers import deposit

RECORD_GET = 26
"""Record GET (REST): token, resolve, parent, files, InvenioRDM's vocabulary terms,
versions, one review check (49 before issue 21: a review query per permission check,
two statements per cdtd term)."""

SEARCH = 10
"""Search (REST, ``size=20``, facets): token/identity, one review check, nothing per hit."""

LANDING = 70
"""Landing page (HTML), anonymous."""


def _count(client, url, headers=None):
    """(response, statement log) of one GET."""
    client.get(url, headers=headers or {})  # warm: first-use caches of the process
    with count_statements() as sql:
        res = client.get(url, headers=headers or {})
    assert res.status_code == 200, res.data[:500]
    return res, sql


def test_record_get_of_a_restricted_record(running_app, datasets, client):
    """The restricted-files record: the review check is one query, not one per permission."""
    for headers in ({}, datasets["owner_headers"]):
        _, sql = _count(client, f"/api/records/{datasets['conditional']}", headers)
        assert len(sql.matching("request_metadata")) <= 1, sql.report()
        # InvenioRDM's own terms (resource type, title type) only: the cdtd terms
        # come from the process-wide cache (deposit.fields.TermCF)
        assert len(sql.matching("FROM vocabularies_metadata")) <= 2, sql.report()
        assert sql.count <= RECORD_GET, sql.report()


def test_search_sends_nothing_per_hit(running_app, datasets, client):
    """A search page costs the statements of a one-hit page, plus at most the one review
    check that a restricted hit needs (16 for a single restricted hit before issue 21)."""
    records.indexer.refresh()
    _, one = _count(client, "/api/records?size=1&sort=newest")
    res, page = _count(client, "/api/records?size=20")
    assert res.json["hits"]["total"] >= 2 and len(res.json["hits"]["hits"]) >= 2
    assert "category" in res.json["aggregations"]
    assert len(page.matching("request_metadata")) <= 1, page.report()
    assert page.count <= SEARCH, page.report()
    assert page.count <= one.count + 1, page.report() + "\n" + one.report()


def test_landing_page(running_app, datasets, client):
    """The landing page of the restricted record, anonymous."""
    _, sql = _count(client, f"/records/{datasets['conditional']}")
    assert len(sql.matching("request_metadata")) <= 1, sql.report()
    assert sql.count <= LANDING, sql.report()


def test_reviewers_still_preview_the_draft_under_review(running_app, db, workflow, app):
    """The one-query check gives the reviewer role exactly while the review is open."""
    draft = workflow.create(deposit())
    review = workflow.submit(draft["id"])
    workflow.accept(review["id"])
    current_requests_service.indexer.refresh()
    record = RDMDraft.pid.resolve(draft["id"], registered_only=False)
    need = RoleNeed(roles.CONFIDENTIALITY_REVIEWER)
    with app.test_request_context("/", method="GET"):
        with count_statements() as sql:
            assert need in ConfidentialityReviewers().needs(record=record)
            assert need in ConfidentialityReviewers().needs(record=record)
        assert len(sql.matching("request_metadata")) == 1, sql.report()
    workflow.pass_review(workflow.confidentiality_request(draft["id"])["id"])
    with app.test_request_context("/", method="GET"):
        assert ConfidentialityReviewers().needs(record=record) == []
    with app.test_request_context("/", method="POST"):
        assert ConfidentialityReviewers().needs(record=record) == []


def test_landing_page_reads_each_access_action_once(running_app, datasets, client, monkeypatch):
    """The access actions' needs come from the shared cache once per request, not once per
    permission check (issue 21: 235 Redis reads a landing page, vanilla InvenioRDM 86)."""
    cache = current_access.cache
    reads = []
    backend = cache.backend

    class Counting:
        def get(self, key):
            reads.append(key)
            return backend.get(key)

        def __getattr__(self, name):
            return getattr(backend, name)

    client.get(f"/records/{datasets['conditional']}")
    monkeypatch.setattr(cache, "_backend", Counting())
    res = client.get(f"/records/{datasets['conditional']}")
    assert res.status_code == 200
    assert reads and len(reads) == len(set(reads)) <= 10, reads

