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

The paths (:func:`measure_paths`): the whole deposit → publish of
:class:`techdata.bench.measure.Journey` (draft and file, submit, curator's
decision, confidentiality decision, published and searchable) and the
download of a file of a 有条件开放 dataset by its owner, each ``rounds``
times with the trail on and off, alternating, in the same process and app
(the switch :func:`trail_switch` sets ``AUDIT_LOGS_ENABLED`` of the app and of
the REST app mounted under ``/api``, for the bench only; the production
default is on). The trail's rows (entries and chain links) written in each
mode are counted, so a switch that does not switch shows. A download's
entry is sent to the worker once the response has gone (its close) and
written by it (``kernel.audit.write_entry``): a download is timed to its last
byte, what the person waits for; the bench writes the entry itself after
the timing, as the worker would, and reports that time apart. They run over
Flask's test client (``tests/bench/test_audit_overhead.py``; ``scripts/bench
audit`` runs it with ``TD_BENCH_AUDIT_ROUNDS``), which is the harsher
measure: no HTTP server, proxy or network time in the denominator.
"""

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from celery import current_app as celery_current_app
from celery.signals import before_task_publish
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_audit_logs.records.models import AuditLog
from invenio_db import db

from ..audit.violations import current_violation_service
from ..kernel.audit import write_entry
from ..kernel.audit_chain import AuditChainLink
from .measure import Journey, bench_draft, download, summary

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
    decision(-1)  # warm-up: caches, calendar, connections
    with trail_switch() as set_trail:
        for i in range(rounds):
            for mode in ("on", "off") if i % 2 == 0 else ("off", "on"):
                set_trail(mode == "on")
                t0 = time.perf_counter()
                decision(i)
                timings[mode].append((time.perf_counter() - t0) * 1000)
    on, off = summary(timings["on"]), summary(timings["off"])
    return {"decision": "violation.register", "rounds": rounds, "on": on, "off": off,
            "overhead_pct": _pct(on["p50_ms"], off["p50_ms"]),
            "overhead_p95_pct": _pct(on["p95_ms"], off["p95_ms"])}


def _pct(a, b):
    """``a`` over ``b`` in percent above 100 (None without ``b``)."""
    return round(100.0 * (a - b) / b, 1) if b else None


def apps_of(app):
    """``app`` and the apps mounted in its WSGI stack (the REST app under ``/api``)."""
    found, todo = [app], [app.wsgi_app]
    while todo:
        obj = todo.pop()
        for mounted in (getattr(obj, "mounts", None) or {}).values():
            if hasattr(mounted, "config") and mounted not in found:
                found.append(mounted)
                todo.append(mounted.wsgi_app)
        inner = getattr(obj, "app", None)
        if inner is not None:
            todo.append(inner)
    return found


@contextmanager
def trail_switch(app=None):
    """``set(on)``: the trail on or off in ``app`` and its mounted apps (bench only).

    The writers of the trail (ours, :func:`techdata.kernel.audit.log`, and
    InvenioRDM's own actions) all ask ``AUDIT_LOGS_ENABLED``; each app reads
    its own config, so both are switched. Put back on leaving.
    """
    apps = apps_of(app or current_app._get_current_object())
    saved = [a.config["AUDIT_LOGS_ENABLED"] for a in apps]

    def set_(on):
        for a in apps:
            a.config["AUDIT_LOGS_ENABLED"] = bool(on)
    try:
        yield set_
    finally:
        for a, value in zip(apps, saved):
            a.config["AUDIT_LOGS_ENABLED"] = value


def trail_rows():
    """``(entries, chain links)`` in the database now."""
    rows = (db.session.query(db.func.count(AuditLog.id)).scalar(),
            db.session.query(db.func.count(AuditChainLink.position)).scalar())
    db.session.commit()  # no snapshot kept between the requests
    return rows


def conditional_draft(i):
    """Bench record ``i`` as a dataset opened on conditions (its downloads are recorded)."""
    data = bench_draft(i)
    data["custom_fields"].update({
        "cdtd:opening_type": {"id": "conditional"},
        "cdtd:opening_reason": "基准测试 / bench",
        "cdtd:opening_legal_basis": "《泸州市公共数据管理办法》第二十五条 / LZ Art. 25",
    })
    return data


class ConditionalJourney(Journey):
    """The deposit path of a dataset opened on conditions."""

    draft = staticmethod(conditional_draft)


@contextmanager
def tasks_queued(queued=True, app=None):
    """Celery tasks sent to the broker instead of run inline, as served (the workers run
    them; here nobody does and the queues are purged after), in ``app`` and its mounted
    apps. Put back on leaving."""
    celeries = {id(c): c for c in [celery_current_app] + [
        a.extensions["invenio-celery"].celery for a in apps_of(
            app or current_app._get_current_object()) if "invenio-celery" in a.extensions]}
    saved = {k: c.conf.task_always_eager for k, c in celeries.items()}
    if queued:
        for c in celeries.values():
            c.conf.task_always_eager = False
    try:
        yield
    finally:
        for k, c in celeries.items():
            c.conf.task_always_eager = saved[k]
        if queued:
            celery_current_app.control.purge()


@contextmanager
def entries_sent():
    """The entries sent to the worker (task :func:`techdata.kernel.audit.write_entry`,
    a download's) while inside: a list of their data, as the worker receives them."""
    sent = []

    def note(sender=None, body=None, **kwargs):
        if sender == write_entry.name:  # protocol 2: (args, kwargs, embed)
            sent.append(body[0][0] if isinstance(body, (list, tuple)) else body["args"][0])
    before_task_publish.connect(note, weak=False)
    try:
        yield sent
    finally:
        before_task_publish.disconnect(note)


def measure_paths(http, actors, centre, rounds=5, refresh=None, start=None, app=None,
                  queued=True):
    """Deposit → publish and a protected download, ``rounds`` times each, trail on and off.

    With ``queued`` (the default), Celery tasks go to the broker, as they do when
    served (:func:`tasks_queued`), in both modes alike. The entries a path sends
    to the worker (a download's, :func:`entries_sent`) are then written by the
    bench itself, as the worker would, after the path's timing: their time is
    reported apart (``worker``, p50/p95 per entry), their rows are counted.

    Returns ``{"deposit_publish": {...}, "download": {...}}``, each with
    ``on``/``off`` summaries, ``overhead_pct`` (p50), ``overhead_p95_pct`` and
    ``rows`` (trail entries and chain links written in each mode), plus the
    machine's load average and the time.
    """
    start = int(time.time()) if start is None else start
    journey = ConditionalJourney(http, actors, centre, refresh=refresh)
    timings = {p: {"on": [], "off": []} for p in ("deposit_publish", "download")}
    rows = {p: {m: {"entries": 0, "links": 0} for m in ("on", "off")} for p in timings}
    worker = {p: [] for p in timings}
    key = "data.csv"
    with trail_switch(app) as set_trail, tasks_queued(queued, app):
        set_trail(True)
        rid, _ = journey.run(start)  # warm-up, and the dataset the downloads take
        download(http, rid, key, actors["depositor"])

        def timed(path, mode, fn):
            set_trail(mode == "on")
            e0, l0 = trail_rows()
            with entries_sent() as sent:
                t0 = time.perf_counter()
                done = fn()  # a download: the moment its last byte came
                end = done if isinstance(done, float) else time.perf_counter()
                timings[path][mode].append((end - t0) * 1000)
            for data in sent:  # the worker's part, after the response
                t0 = time.perf_counter()
                write_entry(data)
                worker[path].append((time.perf_counter() - t0) * 1000)
            e1, l1 = trail_rows()
            rows[path][mode]["entries"] += e1 - e0
            rows[path][mode]["links"] += l1 - l0

        for i in range(rounds):
            for mode in ("on", "off") if i % 2 == 0 else ("off", "on"):
                n = start + 1 + 2 * i + (mode == "off")
                timed("deposit_publish", mode, lambda n=n: journey.run(n))
                timed("download", mode, lambda: (
                    download(http, rid, key, actors["depositor"]), http.last_byte_at)[1])
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "load_average": [round(x, 2) for x in os.getloadavg()],
              "rounds": rounds, "download_of": rid, "celery_tasks_queued": queued}
    for path, modes in timings.items():
        on, off = summary(modes["on"]), summary(modes["off"])
        result[path] = {"on": on, "off": off, "rows": rows[path],
                        "worker": summary(worker[path]) if worker[path] else None,
                        "overhead_pct": _pct(on["p50_ms"], off["p50_ms"]),
                        "overhead_p95_pct": _pct(on["p95_ms"], off["p95_ms"])}
    return result


def print_paths_table(result, out=print):
    """The paths' result as a table: p50/p95 of each mode, overhead, rows written."""
    out(f"audit trail overhead on the paths ({result['rounds']} rounds each, alternating; "
        f"{result['when']}, load average "
        f"{', '.join(str(x) for x in result['load_average'])})")
    out(f"{'path':<18}{'off p50':>9}{'off p95':>9}{'on p50':>9}{'on p95':>9}"
        f"{'p50 %':>8}{'p95 %':>8}{'entries on/off':>16}")
    for path in ("deposit_publish", "download"):
        r = result[path]
        out(f"{path:<18}{r['off']['p50_ms']:>9}{r['off']['p95_ms']:>9}{r['on']['p50_ms']:>9}"
            f"{r['on']['p95_ms']:>9}{r['overhead_pct']:>8}{r['overhead_p95_pct']:>8}"
            f"{str(r['rows']['on']['entries']) + '/' + str(r['rows']['off']['entries']):>16}")
    for path in ("deposit_publish", "download"):
        w = result[path].get("worker")
        if w:
            out(f"  {path}: {w['n']} entries written by the worker after the response, "
                f"p50 {w['p50_ms']} ms, p95 {w['p95_ms']} ms each")


def save(result, out_dir, name):
    """Write ``result`` as ``<out_dir>/<name>-<time>.json``; returns the path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


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
        with tasks_queued(True, app):
            result = measure(args.rounds)
    print_table(result)
    print(f"written {save(result, args.out_dir, 'audit-overhead')}", file=sys.stderr)
    return result


if __name__ == "__main__":
    main()
