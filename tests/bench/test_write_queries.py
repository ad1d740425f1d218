"""SQL statements and index writes per step of the deposit path: bounds that fail when a
per-permission query, a second commit or a second indexing of the same record creeps in.

The steps are the bench's (``techdata.bench.measure.Journey``), over Flask's test
client, after one warm-up deposit (first-use caches of the process). Celery tasks
run eagerly here, so the counts include the work a server's worker does after the
answer (notifications, PID registration, the trail's index copy).
"""

from collections import Counter

import pytest
from invenio_indexer.api import RecordIndexer
from invenio_rdm_records.records.api import RDMDraft
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request

from techdata.bench.measure import Journey
from techdata.bench.queries import count_statements
from techdata.review.generators import under_review
from tests.bench.conftest import refresh_indices
from tests.helpers import deposit

SUBMIT = 180
"""Submit for deposit review (2 requests): 173 now, 196 before issue 21's write-path
work (a review query per permission check, three statements per identity load)."""

CURATOR_DECISION = 170
"""The curator's acceptance with grading: 162-164 now, 208 before (the grading committed
and the draft indexed apart, a review query per permission check)."""

CONFIDENTIALITY_DECISION = 305
"""The reviewer's pass, which publishes: 296-298 now, 319-323 before."""


@pytest.fixture()
def indexed(monkeypatch):
    """``Counter`` of ``(index, id)`` written through an indexer while the test runs."""
    seen = Counter()
    original = RecordIndexer.index

    def index(self, record, arguments=None, **kwargs):
        seen[(self.record_to_index(record), str(record.id))] += 1
        return original(self, record, arguments=arguments, **kwargs)

    monkeypatch.setattr(RecordIndexer, "index", index)
    return seen


def _step(fn, indexed):
    """(result, statement log, indexings) of one step."""
    indexed.clear()
    with count_statements() as sql:
        result = fn()
    return result, sql, Counter(indexed)


def test_review_steps_stay_within_their_statements(running_app, db, bench_http, bench_actors,
                                                   city_centre, indexed):
    """Each review step within its bound; no record is indexed twice in one step."""
    journey = Journey(bench_http, bench_actors, str(city_centre.id), refresh=refresh_indices)
    warm = journey.draft_file(0)
    journey.curator_decision(journey.submit(warm))
    journey.confidentiality_decision(warm)

    rid = journey.draft_file(1)
    request_id, sql, twice = _step(lambda: journey.submit(rid), indexed)
    assert sql.count <= SUBMIT, sql.report()

    _, sql, twice = _step(lambda: journey.curator_decision(request_id), indexed)
    assert sql.count <= CURATOR_DECISION, sql.report()
    assert twice and max(twice.values()) == 1, twice  # draft, deposit review, new review

    review = journey.find_confidentiality_review(rid)
    _, sql, twice = _step(lambda: journey.pass_confidentiality(review), indexed)
    assert sql.count <= CONFIDENTIALITY_DECISION, sql.report()
    assert twice and max(twice.values()) == 1, twice
    journey.published_searchable(rid)


def test_a_review_written_in_the_same_request_is_seen(running_app, db, workflow, app):
    """The open reviews are asked once a request, and asked again once a review request
    is written in it: a decision is never judged on the state before it (CD-TD Art. 24)."""
    draft = workflow.create(deposit())
    workflow.accept(workflow.submit(draft["id"])["id"])
    current_requests_service.indexer.refresh()
    review = workflow.confidentiality_request(draft["id"])
    parent = RDMDraft.pid.resolve(draft["id"], registered_only=False).parent.pid.pid_value
    with app.test_request_context("/", method="POST"):
        with count_statements() as sql:
            assert under_review(parent) and under_review(parent)
        assert len(sql.matching("request_metadata")) == 1, sql.report()
        request = Request.get_record(review["id"])
        request.status = "accepted"
        request.commit()  # flushed: the set is forgotten
        assert not under_review(parent)
    db.session.rollback()
