"""Trend lines (issue 19): every line of a page read with one query, values as by hand."""

from invenio_access.permissions import system_identity
from sqlalchemy import event

from techdata.evaluation.proxies import current_evaluation_service as service
from tests.evaluation.pages_world import PAGES_YEAR

KEY = "requests.on_time.conditional-access"


def test_trends_of_several_indicators_by_hand(pages_world):
    """Conditional access on time 3 of 5 (60%) and planned datasets deposited 2 of 3 in the
    world's year; the year before has nothing counted (a ratio: no value, 0 of 0)."""
    years = [PAGES_YEAR - 1, PAGES_YEAR]
    got = service.trends(system_identity, [KEY, "deposit.deposited", "deposit.planned"], years)
    assert got[KEY] == [
        {"year": PAGES_YEAR - 1, "value": None, "numerator": 0, "denominator": 0},
        {"year": PAGES_YEAR, "value": 0.6, "numerator": 3, "denominator": 5}]
    assert [p["value"] for p in got["deposit.deposited"]] == [None, 2 / 3]
    assert [p["value"] for p in got["deposit.planned"]] == [0, 3]  # a count: 0 when none
    assert service.series(system_identity, KEY, years) == got[KEY]


def test_page_reads_its_trends_with_one_query(pages_world, bureau, client, db):
    """The overview's trend lines (some 40 indicators x 5 years) are one query on the
    summaries, not one per indicator and year."""
    bureau.login(client)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "techdata_evaluation_summary.year IN" in statement \
                and "techdata_evaluation_summary.key IN" in statement:  # a trend read
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        res = client.get("/evaluation/", query_string={"year": PAGES_YEAR})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert res.status_code == 200
    assert len(statements) == 1, statements
