"""The one report of ``scripts/bench -n N``: its table, its figures, how they grow.

A report (``bench-<time>.json`` in ``.bench/``, written by ``bench.full``) holds
``n``, the machine and load, ``ours`` (``measure.run``: the deposit path stage
by stage, the reads, the downloads against raw disk), ``vanilla``
(``vanilla.report``: the side-by-side measures with their ratios, or None with
``--no-vanilla``), ``scale`` (``bench.scale``: memory of each process, index
and database sizes, the directory page and export) and ``evaluation``
(``bench.evaluation``'s figures at that N, or None).

- :func:`table_rows` / :func:`print_report`: one table, every figure, the
  ratio ours / vanilla and whether each goal of issue 21 is met;
- :func:`figures`: the report flattened to ``{name: number}``;
- :func:`growth` / :func:`print_growth`: each figure of two reports side by
  side and its factor (e.g. 10k -> 100k); :func:`previous_run` finds the last
  report at another N.
"""

import glob
import json
import os

from .vanilla import GOALS as READ_GOALS

__all__ = ("GOALS", "KIND", "figures", "goals", "growth", "load_report", "previous_run",
           "print_growth", "print_report", "table_rows")

KIND = "techdata-bench"
"""The ``kind`` of a report (older ``.bench`` files without it are not compared)."""

GOALS = {**READ_GOALS, "deposit_without_reviews": 1.15}
"""Ours / vanilla at p95 that issue 21 asks for: the reads', the publish step's and the
publish path's (draft + file + publish, without the human review steps)."""


LARGEST = 4
"""The largest indices of each side the table names (the JSON has them all)."""


def goals(report):
    """``{measure: {"goal", "ratio_p95", "met"}}`` of :data:`GOALS` (``met`` None
    without vanilla or without a figure on both sides)."""
    measures = (report.get("vanilla") or {}).get("measures") or {}
    out = {}
    for name, goal in GOALS.items():
        ratio = (measures.get(name) or {}).get("ratio_p95")
        out[name] = {"goal": goal, "ratio_p95": ratio,
                     "met": None if ratio is None else ratio <= goal}
    return out


def _figures_of(section):
    """A section's ``{name: figures}``; nothing when it is missing or an error."""
    section = section or {}
    return {} if "error" in section else section


def _pp(row):
    """``p50 / p95`` of a summary (ms), or ``-``."""
    return f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f}" if row else "-"


def _yes_no(met):
    """``yes``, ``NO`` or empty."""
    return "" if met is None else ("yes" if met else "NO")


def table_rows(report):
    """The table as rows ``(section, figure, n, ours, vanilla, ratio p95, goal, met)``
    of strings."""
    rows = []
    ours = report.get("ours") or {}
    for name, row in (ours.get("deposit_stages") or {}).items():
        if row:
            rows.append(("deposit (ours)", name, str(row["n"]), _pp(row), "", "", "", ""))
    for name, row in (ours.get("reads") or {}).items():
        if row:
            rows.append(("reads (ours)", name, str(row["n"]), _pp(row), "", "", "", ""))
    for name, err in (ours.get("read_errors") or {}).items():
        rows.append(("reads (ours)", f"{name} ERRORS", str(err["count"]), err["first"][:40],
                     "", "", "", ""))
    for f in ours.get("files") or []:
        rows.append(("download", f"{f['size_mb']} MB file (MB/s)", "1",
                     f"{f['download_mb_s']}", f"disk {f['disk_write_mb_s']}",
                     f"{f['ratio']}", "", ""))
    met = goals(report)
    vanilla = report.get("vanilla") or {}
    if vanilla.get("error"):
        rows.append(("vs vanilla", "ERROR", "", vanilla["error"][:80], "", "", "", ""))
    for name, row in (vanilla.get("measures") or {}).items():
        n = max((row["ours"] or {}).get("n", 0), (row["vanilla"] or {}).get("n", 0))
        g = met.get(name) or {}
        rows.append(("vs vanilla", name, str(n), _pp(row["ours"]), _pp(row["vanilla"]),
                     "" if row["ratio_p95"] is None else f"{row['ratio_p95']:.2f}",
                     f"<= {g['goal']}" if g else "", _yes_no(g.get("met"))))
    for side, errs in (vanilla.get("errors") or {}).items():
        for name, err in errs.items():
            rows.append(("vs vanilla", f"{side} {name} ERRORS", str(err["count"]),
                         err["first"][:40], "", "", "", ""))
    scale = report.get("scale") or {}
    for what in ("memory", "directory"):
        if (scale.get(what) or {}).get("error"):
            rows.append((what, "ERROR", "", scale[what]["error"][:80], "", "", "", ""))
    for group, mem in _figures_of(scale.get("memory")).items():
        rows.append(("memory MiB", f"{group} ({mem['processes']} proc.)", "",
                     f"rss {mem['rss_mb']:.0f}",
                     f"pss {mem['pss_mb']:.0f}" if mem.get("pss_mb") is not None else "",
                     f"peak {mem['hwm_mb']:.0f}", "", ""))
    for side, idx in (scale.get("indices") or {}).items():
        if "error" in idx:
            rows.append(("index", f"{side} ERROR", "", idx["error"][:80], "", "", "", ""))
            continue
        rows.append(("index", f"{side}: {len(idx['indices'])} indices (docs)", str(idx["docs"]),
                     f"{idx['mb']} MiB", "", "", "", ""))
        largest = sorted(idx["indices"].items(), key=lambda kv: -kv[1]["mb"])[:LARGEST]
        for name, one in largest:
            rows.append(("index", f"  {name}", str(one["docs"]), f"{one['mb']} MiB",
                         "", "", "", ""))
    for side, mb in (scale.get("database_mb") or {}).items():
        rows.append(("database", side, "", mb["error"][:80] if isinstance(mb, dict)
                     else f"{mb} MiB", "", "", "", ""))
    for name, row in _figures_of(scale.get("directory")).items():
        if "error" in row:
            rows.append(("directory", name, "", row["error"][:40], "", "", "", ""))
        else:
            rows.append(("directory", f"{name} ({row['bytes']} B)", str(row["n"]), _pp(row),
                         "", "", "", ""))
    ev = report.get("evaluation") or {}
    if ev.get("error"):
        rows.append(("evaluation", "ERROR", "", ev["error"][:60], "", "", "", ""))
    elif ev:
        rows.append(("evaluation", f"compute {ev.get('records')} records, "
                                   f"{ev.get('requests')} requests (s)", "",
                     f"{ev.get('compute_seconds')}", "", "", "", ""))
        for name, row in {**(ev.get("reads") or {}), **(ev.get("pages") or {})}.items():
            rows.append(("evaluation", name, str(row["n"]), _pp(row), "", "", "", ""))
    return rows


HEADER = ("section", "figure", "n", "ours p50/p95 ms", "vanilla", "ratio p95", "goal", "met")
"""The table's column titles."""


def print_report(report, out=print):
    """The report as one table (``out`` takes each line)."""
    m = report.get("machine") or {}
    rec = report.get("records") or {}
    load = m.get("load_average") or {}
    out(f"\nscripts/bench -n {report.get('n')} ({report.get('when')}): records ours "
        f"{rec.get('ours')}, vanilla {rec.get('vanilla', '-')}; {m.get('cpus')} CPUs; "
        f"load average before {load.get('before')}, after {load.get('after')}")
    rows = [HEADER, *table_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for r in rows:
        out("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    met = [g for g in goals(report).values() if g["met"] is not None]
    if met:
        out(f"goals met: {sum(g['met'] for g in met)} of {len(met)}")
    elif report.get("vanilla") is None:
        out("goals: not judged (run without vanilla)")
    else:
        out("goals: not judged (no ratio: see the vs vanilla rows)")


def _put(out, key, value):
    """``out[key] = value`` when ``value`` is a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        out[key] = value


def figures(report):
    """The report's numbers as ``{name: value}`` (ms, MB/s, MiB, counts, ratios)."""
    out = {}
    _put(out, "records.ours", (report.get("records") or {}).get("ours"))
    ours = report.get("ours") or {}
    for section, prefix in (("deposit_stages", "deposit"), ("reads", "read")):
        for name, row in (ours.get(section) or {}).items():
            for k in ("p50_ms", "p95_ms"):
                _put(out, f"{prefix}.{name}.{k}", (row or {}).get(k))
    for f in ours.get("files") or []:
        _put(out, f"download.{f['size_mb']}MB.mb_s", f["download_mb_s"])
        _put(out, f"download.{f['size_mb']}MB.vs_disk", f["ratio"])
    for name, row in ((report.get("vanilla") or {}).get("measures") or {}).items():
        _put(out, f"vanilla.{name}.p95_ms", (row["vanilla"] or {}).get("p95_ms"))
        _put(out, f"ratio.{name}.p95", row["ratio_p95"])
    scale = report.get("scale") or {}
    for group, mem in _figures_of(scale.get("memory")).items():
        for k in ("rss_mb", "pss_mb", "hwm_mb"):
            _put(out, f"memory.{group}.{k}", mem.get(k))
    for side, idx in (scale.get("indices") or {}).items():
        _put(out, f"index.{side}.mb", idx.get("mb"))
        _put(out, f"index.{side}.docs", idx.get("docs"))
    for side, mb in (scale.get("database_mb") or {}).items():
        _put(out, f"database.{side}.mb", mb)
    for name, row in _figures_of(scale.get("directory")).items():
        for k in ("p50_ms", "p95_ms", "bytes"):
            _put(out, f"directory.{name}.{k}", row.get(k))
    ev = report.get("evaluation") or {}
    _put(out, "evaluation.compute_s", ev.get("compute_seconds"))
    for name, row in {**(ev.get("reads") or {}), **(ev.get("pages") or {})}.items():
        for k in ("p50_ms", "p95_ms"):
            _put(out, f"evaluation.{name}.{k}", row.get(k))
    return out


def growth(a, b):
    """``[(figure, value in a, value in b, b / a)]`` of the figures both reports have
    (the factor None when ``a``'s value is 0); ``a`` is the smaller N."""
    fa, fb = figures(a), figures(b)
    return [(k, fa[k], fb[k], round(fb[k] / fa[k], 2) if fa[k] else None)
            for k in fa if k in fb]


def print_growth(a, b, out=print):
    """How each figure grows from report ``a`` to report ``b`` (ordered by N)."""
    if (a.get("n") or 0) > (b.get("n") or 0):
        a, b = b, a
    rows = growth(a, b)
    out(f"\ngrowth n={a.get('n')} -> n={b.get('n')} ({a.get('when')} -> {b.get('when')}); "
        f"records x{round(b['n'] / a['n'], 1) if a.get('n') and b.get('n') else '?'}")
    width = max([len(r[0]) for r in rows] + [6])
    out(f"{'figure':<{width}}  {'n=' + str(a.get('n')):>12}  {'n=' + str(b.get('n')):>12}  factor")
    for name, va, vb, factor in rows:
        out(f"{name:<{width}}  {va:>12}  {vb:>12}  {'-' if factor is None else f'x{factor}'}")


def load_report(path):
    """A report read from ``path`` (a ``ValueError`` when it is not one)."""
    with open(path, encoding="utf-8") as fh:
        rep = json.load(fh)
    if rep.get("kind") != KIND:
        raise ValueError(f"{path}: not a scripts/bench report")
    return rep


def previous_run(out_dir, n, exclude=None):
    """The path of the newest report in ``out_dir`` at another N than ``n``, or None."""
    for path in sorted(glob.glob(os.path.join(out_dir, "bench-*.json")), reverse=True):
        if exclude and os.path.abspath(path) == os.path.abspath(exclude):
            continue
        try:
            rep = load_report(path)
        except (OSError, ValueError):
            continue
        if rep.get("n") != n:
            return path
    return None
