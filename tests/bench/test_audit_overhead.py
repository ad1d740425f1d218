"""The audit-overhead stage of the bench (issue 16): the same decision with and without its entry."""

import os

import pytest
from invenio_audit_logs.records.models import AuditLog

from techdata.audit.models import Violation
from techdata.bench.audit_overhead import (ENTITY, ROOT, apps_of, measure, measure_paths,
                                           print_paths_table, print_table, save)
from tests.bench.conftest import refresh_indices


def test_overhead_measures_both_modes_side_by_side(running_app, db):
    """Each mode decides ``rounds`` times; only the 'on' decisions leave an entry."""
    before = AuditLog.query.filter_by(action="techdata.violation.register").count()
    result = measure(rounds=4)
    assert result["on"]["n"] == 4 and result["off"]["n"] == 4
    assert result["on"]["p50_ms"] > 0 and result["off"]["p50_ms"] > 0
    assert isinstance(result["overhead_pct"], float)
    assert Violation.query.filter_by(entity=ENTITY).count() == 9  # warm-up + 4 + 4
    after = AuditLog.query.filter_by(action="techdata.violation.register").count()
    assert after - before == 5  # the warm-up and the four decisions with the trail on
    assert running_app.config["AUDIT_LOGS_ENABLED"] is True  # put back
    lines = []
    print_table(result, out=lines.append)
    assert "overhead" in lines[-1]


def test_paths_side_by_side_and_the_switch_removes_the_entries(running_app, db, bench_http,
                                                               bench_actors, city_centre):
    """Deposit → publish and a protected download, trail on and off, alternating: the
    figures are numbers, the 'on' rounds write entries and links, the 'off' rounds none."""
    result = measure_paths(bench_http, bench_actors, str(city_centre.id), rounds=2,
                           refresh=refresh_indices, start=7100)
    for path in ("deposit_publish", "download"):
        r = result[path]
        assert r["on"]["n"] == 2 and r["off"]["n"] == 2, path
        assert r["on"]["p50_ms"] > 0 and r["off"]["p95_ms"] > 0, path
        assert isinstance(r["overhead_pct"], float) and isinstance(r["overhead_p95_pct"], float)
        assert r["rows"]["off"] == {"entries": 0, "links": 0}, (path, r["rows"])
        assert r["rows"]["on"]["entries"] >= 2 and r["rows"]["on"]["links"] == \
            r["rows"]["on"]["entries"], (path, r["rows"])
    # a download of the conditional dataset is one entry; a deposit several (draft, decisions...)
    assert result["download"]["rows"]["on"]["entries"] == 2
    assert result["deposit_publish"]["rows"]["on"]["entries"] >= 2 * 4
    assert all(a.config["AUDIT_LOGS_ENABLED"] is True for a in apps_of(running_app))
    assert len(apps_of(running_app)) == 2  # the UI app and the REST app under /api
    lines = []
    print_paths_table(result, out=lines.append)
    assert lines[-3].startswith("deposit_publish") and lines[-2].startswith("download")
    # the download's entries are written by the worker, after the response, timed apart
    assert result["download"]["worker"]["n"] == 2 and "worker" in lines[-1]


@pytest.mark.skipif(not os.environ.get("TD_BENCH_AUDIT_ROUNDS"),
                    reason="a measurement: TD_BENCH_AUDIT_ROUNDS=N (scripts/bench audit)")
def test_paths_measured(running_app, db, bench_http, bench_actors, city_centre):
    """The figures of the README: N rounds each, a table printed, JSON in .bench/."""
    rounds = int(os.environ["TD_BENCH_AUDIT_ROUNDS"])
    result = measure_paths(bench_http, bench_actors, str(city_centre.id), rounds=rounds,
                           refresh=refresh_indices)
    print()
    print_paths_table(result)
    out = os.environ.get("TD_BENCH_AUDIT_OUT") or str(ROOT / ".bench")
    print(f"written {save(result, out, 'audit-paths')}")
    assert result["download"]["rows"]["off"]["entries"] == 0
