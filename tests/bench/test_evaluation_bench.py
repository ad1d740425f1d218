"""The evaluation bench (issue 19) seeds, computes and times the reads (small N)."""

from invenio_access.permissions import system_identity
from invenio_requests.records.models import RequestMetadata

from techdata.bench.evaluation import (
    ACCESS_TYPES,
    PAGES,
    PREFIX,
    measure,
    measure_pages,
    print_table,
    seed,
)
from techdata.evaluation.proxies import current_evaluation_service as service


def test_bench_computes_and_times_the_reads(running_app, db):
    """40 records, 400 requests: every access request received is counted; reads timed."""
    added = seed(40, 400, 2026)
    assert added == {"records": 40, "requests": 400, "entries": 40}
    assert seed(40, 400, 2026) == {"records": 0, "requests": 0, "entries": 0}  # resumable
    result = measure(2026, rounds=2)
    assert result["facts"] > 400 and result["compute_seconds"] > 0
    assert set(result["reads"]) == {"indicators_city", "indicators_department",
                                    "indicators_entity", "ranking_entities", "series_5_years",
                                    "items_late_requests"}
    assert all(r["n"] == 2 and r["p95_ms"] > 0 for r in result["reads"].values())
    # Every request from outside of the seed was received in 2026 (none was "created" only).
    rows = [r.json for r in RequestMetadata.query.all()
            if (r.json.get("title") or "").startswith(PREFIX)]
    expected = {t: sum(1 for r in rows if r["type"] == t) for t in ACCESS_TYPES}
    hits = {h["key"]: h["value"] for h in service.indicators(system_identity, 2026)}
    assert {t: hits[f"requests.received.{t}"] for t in ACCESS_TYPES} == expected
    assert sum(expected.values()) > 200  # 60 % of the 400
    # Planned datasets: 10 projects x 4 keys, those due in 2026 (all of them).
    assert hits["deposit.planned"] == 40


def test_bench_times_every_evaluation_page(running_app, db, app, capsys):
    """Each evaluation page (overview of the city, a department, an entity, ranking,
    drill-down, XLSX, PDF, REST) answers 200 to the bench's bureau user and is timed."""
    seed(40, 400, 2026)
    result = measure(2026, rounds=1)
    result["pages"] = measure_pages(app, 2026, rounds=2)
    assert set(result["pages"]) == set(PAGES) >= {"page_city", "page_department",
                                                  "page_items_late_requests", "report_xlsx",
                                                  "report_pdf"}
    assert all(r["n"] == 2 and r["p95_ms"] > 0 for r in result["pages"].values())
    print_table(result)
    table = capsys.readouterr().out
    assert "report_pdf" in table and "indicators_city" in table
