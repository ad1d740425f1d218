"""``scripts/bench``'s measure runs the real path to the end (small n)."""

import pytest

from techdata.bench.measure import (STAGES, Journey, measure_reads, percentile, print_table, run,
                                    summary)
from tests.bench.conftest import refresh_indices


def test_percentile_and_summary():
    """Nearest-rank percentiles; an empty list has no summary."""
    values = list(range(1, 101))
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95
    s = summary([3.0, 1.0, 2.0])
    assert (s["n"], s["p50_ms"], s["min_ms"], s["max_ms"]) == (3, 2.0, 1.0, 3.0)
    assert summary([]) is None


def test_the_whole_path_stage_by_stage(running_app, db, bench_http, bench_actors, city_centre,
                                       tmp_path):
    """Every stage is timed, the record ends published and searchable, reads and a
    file download are measured, and the table prints every figure."""
    report = run(bench_http, bench_actors, str(city_centre.id), deposits=2, rounds=1,
                 file_sizes=(0.25,), refresh=refresh_indices, workdir=str(tmp_path), start=1)
    for stage in (*STAGES, "whole"):
        assert report["deposit_stages"][stage]["n"] == 2, stage
    for read in ("search_zh", "search_en", "search_facets_size20", "landing_page",
                 "record_get"):
        assert report["reads"][read]["n"] >= 1, read
    assert "category" in report["aggregations"]
    (row,) = report["files"]
    assert row["size_mb"] == 0.25 and row["download_mb_s"] > 0 and row["disk_write_mb_s"] > 0
    assert report["records_in_index"] >= 3 and report["read_errors"] == {}, report["read_errors"]
    lines = []
    print_table(report, out=lines.append)
    text = "\n".join(lines)
    for name in (*STAGES, "search_facets_size20", "landing_page", "record_get", "raw disk"):
        assert name in text, name


def test_a_refused_step_stops_the_bench(running_app, db, bench_http, bench_actors, city_centre):
    """A stage the server refuses ends the run with the HTTP answer, not a wrong figure."""
    journey = Journey(bench_http, {**bench_actors, "curator": bench_actors["depositor"]},
                      str(city_centre.id), refresh=refresh_indices)
    rid = journey.draft_file(99)
    request_id = journey.submit(rid)
    with pytest.raises(RuntimeError, match="curator decision: HTTP 403"):
        journey.curator_decision(request_id)


class _HalfBroken:
    """A server whose landing pages answer 500 and everything else 200."""

    def call(self, method, path, headers=None, json=None, data=None, params=None):
        """The bench's ``Http.call`` contract."""
        if path.startswith("/records/"):
            return 500, None, b"Internal Server Error"
        return 200, {"hits": {"hits": [], "total": 0}, "aggregations": {"category": {}}}, b"{}"


def test_a_broken_read_is_counted_not_timed():
    """A read answering 500 is reported with its answer; the other reads are still timed."""
    out, aggs, errors = measure_reads(_HalfBroken(), ["abcd-1234"], rounds=2)
    assert errors["landing_page"]["count"] == 2 and "HTTP 500" in errors["landing_page"]["first"]
    assert out["landing_page"] == [] and len(out["record_get"]) == 2 and aggs == ["category"]
    assert set(errors) == {"landing_page"}
