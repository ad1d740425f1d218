"""The index behind the reviewers' preview check (issue 21): the query of the open
confidentiality reviews reads the partial index, not the whole request table."""

from sqlalchemy import event

from techdata.review.generators import forget_open_reviews, under_review
from techdata.review.indexes import OPEN_REVIEWS_INDEX, ensure_open_reviews_index


def test_open_reviews_query_uses_the_partial_index(running_app, db):
    """Created once (a second call creates nothing); the plan of the very query
    ``under_review`` sends, with sequential scans off, is an index scan of it (the
    index's predicate matches the query as SQLAlchemy writes it)."""
    ensure_open_reviews_index()  # the test database may have it from an earlier module
    assert ensure_open_reviews_index() is None
    sent = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "confidentiality-review" in str(parameters) or "confidentiality-review" in statement:
            sent.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        forget_open_reviews()
        under_review("no-such-parent")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(sent) == 1, sent
    statement, parameters = sent[0]
    conn = db.session.connection()
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert OPEN_REVIEWS_INDEX in plan, plan
