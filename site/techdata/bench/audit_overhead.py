"""Benchmark of the audit trail's cost (issue 16): one decision with and without its entry.

Usage (``scripts/bench audit`` runs it)::

    python -m techdata.bench.audit_overhead [--rounds 200] [--out-dir .services/bench]

In the benchmark database (``TD_PG_DB``, ``techdata_bench``) it takes the
same decision ``rounds`` times with the trail on and ``rounds`` times with it
off, alternating (on, off, on, off...) so both see the same load: the bureau
registers a finding of the register of violations (validation, working-day
deadline, one row, commit) — with the trail on, the unit of work also writes
the audit entry, links it in the hash chain (advisory lock, SHA-256) and
indexes it after the commit. Reports p50/p95 of each and the overhead in
percent (goal: under 5 % of a deposit→publish; a single decision is the
worst case, the entry being its whole extra work). Prints a table and writes
JSON to ``<out-dir>/audit-overhead-<time>.json``.
"""

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from flask import current_app
from invenio_access.permissions import system_identity

from ..audit.violations import current_violation_service
from .measure import summary

ROOT = Path(__file__).resolve().parents[3]
"""The checkout."""

ENTITY = "BENCH-AUDIT-OVERHEAD"
"""Entity the benchmark's findings are registered against."""


def decision(i):
    """One decision: a finding registered by the system (the bureau's act)."""
    return current_violation_service.register(system_identity, {
        "entity": ENTITY, "kind": "other", "found_on": date.today().isoformat(),
        "description": f"audit overhead benchmark {i}", "rectify_days": 15})


def measure(rounds=200):
    """``{"on": summary, "off": summary, "overhead_pct": p50 %, "overhead_p95_pct"}``."""
    timings = {"on": [], "off": []}
    enabled = current_app.config["AUDIT_LOGS_ENABLED"]
    decision(-1)  # warm-up: caches, calendar, connections
    try:
        for i in range(rounds):
            for mode in ("on", "off") if i % 2 == 0 else ("off", "on"):
                current_app.config["AUDIT_LOGS_ENABLED"] = mode == "on"
                t0 = time.perf_counter()
                decision(i)
                timings[mode].append((time.perf_counter() - t0) * 1000)
    finally:
        current_app.config["AUDIT_LOGS_ENABLED"] = enabled
    on, off = summary(timings["on"]), summary(timings["off"])
    pct = (lambda a, b: round(100.0 * (a - b) / b, 1) if b else None)
    return {"decision": "violation.register", "rounds": rounds, "on": on, "off": off,
            "overhead_pct": pct(on["p50_ms"], off["p50_ms"]),
            "overhead_p95_pct": pct(on["p95_ms"], off["p95_ms"])}


def print_table(result, out=print):
    """The result as a small table."""
    out(f"audit trail overhead on one decision ({result['decision']}, "
        f"{result['rounds']} rounds each, alternating)")
    out(f"{'':10} {'p50 ms':>10} {'p95 ms':>10}")
    for mode in ("off", "on"):
        out(f"{'trail ' + mode:10} {result[mode]['p50_ms']:>10} {result[mode]['p95_ms']:>10}")
    out(f"overhead: {result['overhead_pct']} % (p50), {result['overhead_p95_pct']} % (p95)")


def main(argv=None):
    """Measure; print and save."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--out-dir", default=str(ROOT / ".services" / "bench"))
    args = ap.parse_args(argv)
    from invenio_app.factory import create_api  # noqa: PLC0415 (an app only when run)

    app = create_api()
    with app.app_context():
        from ..upgrade import create_missing_tables  # noqa: PLC0415 (tables of the bench db)

        create_missing_tables()
        result = measure(args.rounds)
    print_table(result)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"audit-overhead-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {path}", file=sys.stderr)
    return result


if __name__ == "__main__":
    main()
