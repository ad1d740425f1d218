"""The indexes of the review path (issue 21): the queries of the open confidentiality
reviews and of a record's passed ones read their partial indexes, not the request table."""

from sqlalchemy import event

from techdata.review.generators import forget_open_reviews, under_review
from techdata.review.indexes import INDEXES, OPEN_REVIEWS_INDEX, ensure_indexes
from techdata.review.gate import reviews_of


def _plan_of_sent(db, fn, marker="confidentiality-review"):
    """The plan (sequential scans off) of the one statement ``fn`` sends with ``marker``."""
    sent = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if marker in str(parameters) or marker in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(sent) == 1, sent
    statement, parameters = sent[0]
    conn = db.session.connection()
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))


def test_review_queries_use_their_indexes(running_app, db):
    """Created once (a second call creates nothing); the very queries ``under_review`` and
    ``reviews_of`` send are index scans (the predicates match the queries as SQLAlchemy
    writes them)."""
    ensure_indexes()  # the test database may have them from an earlier module
    assert ensure_indexes() == []

    def open_reviews():
        forget_open_reviews()
        under_review("no-such-parent")

    assert OPEN_REVIEWS_INDEX in _plan_of_sent(db, open_reviews)
    plan = _plan_of_sent(db, lambda: list(reviews_of("no-such-parent", "accepted")))
    assert "ix_td_request_confidentiality_parent" in plan, plan
    assert set(INDEXES) >= {OPEN_REVIEWS_INDEX, "ix_td_request_confidentiality_parent"}
