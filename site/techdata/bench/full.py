"""``scripts/bench -n N``: every figure of issue 21 in one run, one table, one JSON.

Usage (``scripts/bench`` seeds ours, starts vanilla, makes the tokens, then)::

    python -m techdata.bench.full -n N --url URL --token-depositor T1 \\
        --token-curator T2 --token-reviewer T3 [--vanilla-url V --token-vanilla T4] \\
        [--deposits D] [--rounds R] [--file-sizes 1,100] [--evaluation-db DB] \\
        --out-dir .bench
    python -m techdata.bench.full --compare A.json B.json

In order: vanilla seeded to N through its REST API (``vanilla.seed_vanilla``);
ours alone (``measure.run``: the deposit path stage by stage, the reads, the
downloads against raw disk write); ours and vanilla side by side, alternating
(``vanilla.side_by_side``: ratios ours / vanilla); the scale figures
(``bench.scale``: memory of each process after the work, index and database
sizes of both, the directory page and export); the evaluation pages at N
(``bench.evaluation`` in a fresh process on its own database). Prints one
table (``report.print_report``), writes ``<out-dir>/bench-<time>.json`` and,
when ``out-dir`` holds a report at another N, how each figure grew.
"""

import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from . import report as rpt
from . import scale
from .measure import Http, Journey, ok_body, run as measure_run
from .vanilla import OursSide, VanillaSide, report as vanilla_report, search_total, \
    seed_vanilla, side_by_side

__all__ = ("evaluation_at", "guarded", "main", "scale_figures")


def _load():
    """The 1-minute load average, rounded."""
    return round(os.getloadavg()[0], 2)


def guarded(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or ``{"error": "..."}`` when it raises: one figure that
    cannot be taken is reported as such, and the run goes on to the others."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 (reported in the table and the JSON)
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}


def scale_figures(http, run_dir, pg_data, search_url, prefixes, dsn, databases, rounds=3):
    """Memory of each process, index sizes and database sizes of each side
    (``prefixes`` and ``databases``: ``{side: name}``), and the directory reads
    over ``http`` (ours); a collector that fails gives ``{"error": ...}``."""
    return {
        "memory": guarded(lambda: scale.process_memory(scale.pidfile_groups(run_dir, pg_data))),
        "indices": {side: guarded(scale.index_sizes, search_url, p)
                    for side, p in prefixes.items()},
        "database_mb": {side: guarded(scale.database_size, dsn, db)
                        for side, db in databases.items()},
        # the exports are the whole directory (15 MB of JSON at 10,000): ten rounds at most
        "directory": guarded(scale.directory_times, http, min(rounds, 10)),
    }


def _side_by_side(http, actors, centre, vanilla, args):
    """The side-by-side run's report (``vanilla.report``)."""
    times, errors, aggs, ids = side_by_side(OursSide(Journey(http, actors, centre)), vanilla,
                                            args.deposits, args.rounds, args.read_records)
    return vanilla_report(times, errors, aggs, {"ours": search_total(http),
                                                "vanilla": search_total(vanilla.http)}, ids)


def evaluation_at(n, requests, rounds, database, timeout=3600):
    """``bench.evaluation`` with ``n`` records and ``requests`` requests in a fresh
    process on ``database`` (``TD_PG_DB``); its figures, or ``{"error": ...}``."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "techdata.bench.evaluation", "-n", str(n),
               "--requests", str(requests), "--rounds", str(rounds), "--out-dir", tmp]
        try:
            proc = subprocess.run(cmd, env={**os.environ, "TD_PG_DB": database},
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"evaluation bench: no answer after {timeout} s"}
        found = glob.glob(os.path.join(tmp, "evaluation-*.json"))
        if proc.returncode or not found:
            return {"error": f"evaluation bench exit {proc.returncode}: "
                             f"{(proc.stderr or proc.stdout)[-400:]}"}
        with open(found[0], encoding="utf-8") as fh:
            return json.load(fh)


def _actors(args):
    """The three bench users' bearer headers."""
    return {name: {"Authorization": f"Bearer {tok}"} for name, tok in (
        ("depositor", args.token_depositor), ("curator", args.token_curator),
        ("reviewer", args.token_reviewer))}


def _args(argv):
    """The command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                    help="print how each figure grows from one report to the other, and stop")
    ap.add_argument("-n", "--count", type=int, default=10000)
    ap.add_argument("--url", default="http://127.0.0.1:5000")
    ap.add_argument("--vanilla-url", default="http://127.0.0.1:5099")
    ap.add_argument("--token-depositor")
    ap.add_argument("--token-curator")
    ap.add_argument("--token-reviewer")
    ap.add_argument("--token-vanilla", help="none: no side-by-side run (--no-vanilla)")
    ap.add_argument("--centre", default="chengdu-city-data-centre")
    ap.add_argument("--deposits", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=30,
                    help="rounds of the reads (the facets page is one request a round: "
                         "with 10 its p95 is the slowest round)")
    ap.add_argument("--read-records", type=int, default=3)
    ap.add_argument("--file-sizes", default="1,100", help="MB, comma-separated ('' for none)")
    ap.add_argument("--search-url", default="http://127.0.0.1:9201")
    ap.add_argument("--index-prefix", default="techdata-")
    ap.add_argument("--vanilla-index-prefix", default="vanilla-")
    ap.add_argument("--dsn", default="host=127.0.0.1 port=5433 user=techdata "
                                     "password=techdata dbname=postgres")
    ap.add_argument("--db", default="techdata")
    ap.add_argument("--vanilla-db", default="techdata_vanilla")
    ap.add_argument("--run-dir", default=".services/run")
    ap.add_argument("--pg-data", default=".services/postgres/data")
    ap.add_argument("--evaluation-db", help="run the evaluation bench at N on this database")
    ap.add_argument("--evaluation-requests", type=int,
                    help="requests of the evaluation bench (default 10 x N)")
    ap.add_argument("--out-dir", default=".bench")
    args = ap.parse_args(argv)
    if not args.compare and not all((args.token_depositor, args.token_curator,
                                     args.token_reviewer)):
        ap.error("the three bench tokens are needed (or --compare A.json B.json)")
    return args


def main(argv=None):
    """Run everything (or ``--compare``); print the table; write the JSON."""
    args = _args(argv)
    if args.compare:
        rpt.print_growth(*(rpt.load_report(p) for p in args.compare))
        return None
    load_before = _load()
    actors = _actors(args)
    http = Http(args.url)
    centre = ok_body(http.call("GET", f"/api/communities/{args.centre}", actors["depositor"]),
                     200, what="the city data centre")["id"]
    vanilla = None
    if args.token_vanilla:
        vanilla = VanillaSide(Http(args.vanilla_url),
                              {"Authorization": f"Bearer {args.token_vanilla}"})
        t = time.perf_counter()
        made = seed_vanilla(vanilla, args.count, progress=lambda k: k % 100 == 0 and print(
            f"vanilla seeded {k}", flush=True))
        print(f"vanilla: {made} datasets published in {time.perf_counter() - t:.0f} s",
              flush=True)
    print("ours: the deposit path stage by stage, the reads, the downloads", flush=True)
    sizes = [float(x) if "." in x else int(x) for x in args.file_sizes.split(",") if x]
    os.makedirs(args.out_dir, exist_ok=True)
    ours = measure_run(http, actors, centre, args.deposits, args.rounds, sizes,
                       workdir=args.out_dir)
    side = None
    if vanilla:
        print("ours and vanilla side by side", flush=True)
        side = guarded(_side_by_side, http, actors, centre, vanilla, args)
    print("scale: memory, indices, database, directory", flush=True)
    prefixes, dbs = {"ours": args.index_prefix}, {"ours": args.db}
    if vanilla:
        prefixes["vanilla"], dbs["vanilla"] = args.vanilla_index_prefix, args.vanilla_db
    scale_fig = scale_figures(http, args.run_dir, args.pg_data, args.search_url, prefixes,
                              args.dsn, dbs, args.rounds)
    evaluation = None
    if args.evaluation_db:
        print(f"evaluation at n={args.count} (database {args.evaluation_db})", flush=True)
        evaluation = evaluation_at(args.count, args.evaluation_requests or 10 * args.count,
                                   args.rounds, args.evaluation_db)
    rep = {
        "kind": rpt.KIND, "n": args.count,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": {"before": load_before, "after": _load()}},
        "records": {"ours": guarded(search_total, http),
                    "vanilla": guarded(search_total, vanilla.http) if vanilla else None},
        "ours": ours, "vanilla": side, "scale": scale_fig, "evaluation": evaluation,
    }
    rep["goals"] = rpt.goals(rep)
    path = os.path.join(args.out_dir, f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(rep, fh, ensure_ascii=False, indent=2)
    rpt.print_report(rep)
    before = rpt.previous_run(args.out_dir, args.count, exclude=path)
    if before:
        rpt.print_growth(rpt.load_report(before), rep)
    print(f"\nJSON: {path}")
    return rep


if __name__ == "__main__":
    main()
