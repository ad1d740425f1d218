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


def test_search_hits_reuse_the_custom_fields_schema(running_app, datasets, client, monkeypatch):
    """A search page builds no custom-fields schema per hit (``RDM_RECORD_SCHEMA``), and
    dumps the ``cdtd:`` fields exactly as InvenioRDM's own record schema does."""
    from invenio_rdm_records.services.schemas import RDMRecordSchema
    from marshmallow import Schema

    records.indexer.refresh()
    url = "/api/records?size=20&sort=newest"
    ours = client.get(url).json
    built = []
    from_dict = Schema.from_dict.__func__

    def counting(cls, fields, *args, **kwargs):
        if "cdtd:title_zh" in fields:  # the record's (a centre has cdtd: fields too)
            built.append(1)
        return from_dict(cls, fields, *args, **kwargs)

    monkeypatch.setattr(Schema, "from_dict", classmethod(counting))
    assert client.get(url).json["hits"]["hits"] == ours["hits"]["hits"]
    assert len(ours["hits"]["hits"]) >= 2 and built == []
    mounted = running_app.wsgi_app.mounts["/api"]  # the REST app has a config of its own
    api = getattr(mounted, "__self__", mounted)
    assert api.config["RDM_RECORD_SCHEMA"] is not RDMRecordSchema
    monkeypatch.setitem(api.config, "RDM_RECORD_SCHEMA", RDMRecordSchema)
    theirs = client.get(url).json
    assert len(built) >= len(theirs["hits"]["hits"])  # InvenioRDM's: one per hit (or more)
    assert [h["custom_fields"] for h in theirs["hits"]["hits"]] == \
        [h["custom_fields"] for h in ours["hits"]["hits"]]
    assert any(h["custom_fields"].get("cdtd:category") for h in ours["hits"]["hits"])


def test_landing_page_lists_no_vocabulary(running_app, datasets, client, monkeypatch):
    """A record page does not list and serialise the ten ``cdtd:`` vocabularies for the
    options of their fields each time (issue 21: half of a landing page's function calls)."""
    from invenio_vocabularies.services.service import VocabulariesService

    url = f"/records/{datasets['conditional']}"
    first = client.get(url)
    listed = []
    read_all = VocabulariesService.read_all

    def counting(self, *args, **kwargs):
        listed.append(str(kwargs.get("type", args[2:3])))
        return read_all(self, *args, **kwargs)

    monkeypatch.setattr(VocabulariesService, "read_all", counting)
    res = client.get(url)
    assert res.status_code == 200
    assert not [t for t in listed if "td-" in t], listed
    assert res.data == first.data
