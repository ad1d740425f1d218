"""Ours side by side with a plain InvenioRDM 14 ("vanilla"), issue 21 point 2.

Usage (``scripts/bench vanilla`` builds and starts the vanilla app, seeds ours
with ``bench-seed``, then calls this)::

    python -m techdata.bench.vanilla --ours-url URL --vanilla-url URL2 \\
        --token-depositor T1 --token-curator T2 --token-reviewer T3 \\
        --token-vanilla T4 -n 500 --out FILE

The vanilla app gets the same N synthetic datasets as ours (the titles,
abstracts, subjects, creators and one small file of ``bench.seed``), through
its REST API (draft, file, publish). Then the same workload runs against both,
alternating request by request (the side that goes first alternates each
round): a deposit (draft + one file; vanilla's publish against our
confidentiality reviewer's pass, which publishes through our components; our
submit and curator decision, the human review steps, are timed apart); REST
search with the Chinese and English queries of ``measure.QUERIES``; the
facets page ``?size=20``; the record GET and the landing page of a few
seeded records. Every measure is reported as p50/p95 of each side and the
ratio ours / vanilla against the goals of issue 21 (``GOALS``).
"""

import argparse
import json
import os
import platform
import random
import time

from .measure import QUERIES, BenchError, Http, Journey, ms_since, ok_body, summary
from .seed import synthetic_row

__all__ = ("GOALS", "OursSide", "Side", "VanillaSide", "main", "pick_records",
           "print_side_by_side", "ratios", "seed_vanilla", "side_by_side", "vanilla_draft")

GOALS = {
    "record_get": 1.15,
    "search_zh": 1.1,
    "search_en": 1.1,
    "search_facets_size20": 1.1,
    "landing_page": 1.2,
    "publish": 1.15,
}
"""Ours / vanilla at p95 that issue 21 asks for (points 0 and 2)."""

READS = ("search_zh", "search_en", "search_facets_size20", "record_get", "landing_page")
"""The reads of the side-by-side run."""

SEED = 20261123
"""The seed of ``bench.seed``'s synthetic rows (the same datasets on both sides)."""


def vanilla_draft(i):
    """``(draft, file key, file content)`` of synthetic dataset ``i`` for vanilla:
    ``bench-seed``'s row (same titles, abstracts, subjects, creator, file) as RDM metadata."""
    row = synthetic_row(i, random.Random(SEED + i))
    family, given = row["creators"][0].split(",")
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": True},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": row["title_zh"],
            "additional_titles": [{"title": row["title_en"],
                                   "type": {"id": "translated-title"}}],
            "description": f"{row['abstract_zh']} {row['abstract_en']}",
            "creators": [{"person_or_org": {"type": "personal", "family_name": family,
                                            "given_name": given}}],
            "subjects": [{"subject": s} for s in row["subjects"]],
            "publication_date": row["publication_date"],
            "publisher": "成都科技数据汇交平台",
        },
    }, row["files"][0], f"id,value\n{i},{random.Random(SEED + i).random():.6f}\n".encode()


class Side:
    """One server of the comparison: its HTTP layer, name and read headers."""

    name = "?"

    def __init__(self, http, read_headers=None):
        """``read_headers``: the reads' headers (anonymous by default)."""
        self.http = http
        self.read_headers = {"Accept": "application/json", **(read_headers or {})}

    def deposit(self, i):
        """One timed deposit of dataset ``i``; returns ``{stage: ms}``."""
        raise NotImplementedError


class VanillaSide(Side):
    """Plain InvenioRDM: draft + one file, then publish (one bench user's token)."""

    name = "vanilla"

    def __init__(self, http, headers, read_headers=None):
        """``headers``: the bench user's bearer token header."""
        super().__init__(http, read_headers)
        self.headers = headers

    def draft_file(self, i):
        """Create the draft of dataset ``i`` with its file; returns the record id."""
        h = {**self.headers, "Content-Type": "application/json", "Accept": "application/json"}
        draft, key, content = vanilla_draft(i)
        rid = ok_body(self.http.call("POST", "/api/records", h, json=draft), 201,
                  what="vanilla create draft")["id"]
        ok_body(self.http.call("POST", f"/api/records/{rid}/draft/files", h, json=[{"key": key}]),
            201, what="vanilla init file")
        ok_body(self.http.call("PUT", f"/api/records/{rid}/draft/files/{key}/content",
                           {**self.headers, "Content-Type": "application/octet-stream"},
                           data=content), 200, what="vanilla upload file")
        ok_body(self.http.call("POST", f"/api/records/{rid}/draft/files/{key}/commit", h),
            200, 201, what="vanilla commit file")
        return rid

    def publish(self, rid):
        """Publish the draft."""
        h = {**self.headers, "Content-Type": "application/json", "Accept": "application/json"}
        ok_body(self.http.call("POST", f"/api/records/{rid}/draft/actions/publish", h), 202,
            what="vanilla publish")

    def deposit(self, i):
        """Draft + file, publish; returns ``{stage: ms}``."""
        t0 = time.perf_counter()
        rid = self.draft_file(i)
        times = {"draft_file": ms_since(t0)}
        t = time.perf_counter()
        self.publish(rid)
        times["publish"] = ms_since(t)
        times["deposit_without_reviews"] = times["draft_file"] + times["publish"]
        return times


class OursSide(Side):
    """Ours: the deposit path of ``measure.Journey``; the pass publishes."""

    name = "ours"

    def __init__(self, journey, read_headers=None):
        """``journey``: a ``measure.Journey`` with the three actors' tokens."""
        super().__init__(journey.http, read_headers)
        self.journey = journey

    def deposit(self, i):
        """Draft + file; submit and curator decision (timed apart); the pass (publish)."""
        j, times = self.journey, {}
        t = time.perf_counter()
        rid = j.draft_file(i)
        times["draft_file"] = ms_since(t)
        t = time.perf_counter()
        request_id = j.submit(rid)
        times["submit"] = ms_since(t)
        t = time.perf_counter()
        j.curator_decision(request_id)
        times["curator_decision"] = ms_since(t)
        t = time.perf_counter()
        review = j.find_confidentiality_review(rid)
        times["confidentiality_find"] = ms_since(t)
        t = time.perf_counter()
        j.pass_confidentiality(review)
        times["publish"] = ms_since(t)
        times["deposit_without_reviews"] = times["draft_file"] + times["publish"]
        return times


def search_total(http, headers=None, q=None):
    """Hits of a search (``q`` or everything), as the server counts them."""
    params = {"size": 1, **({"q": q} if q else {})}
    body = ok_body(http.call("GET", "/api/records", {"Accept": "application/json", **(headers or {})},
                         params=params), 200, what="search total")
    total = body["hits"]["total"]
    return total["value"] if isinstance(total, dict) else total


def seed_vanilla(side, count, progress=None):
    """Publish synthetic datasets into the vanilla app until ``count`` exist (resumable:
    numbered after what is there); returns the number published now."""
    have = search_total(side.http)
    for i in range(have, count):
        rid = side.draft_file(i)
        side.publish(rid)
        if progress:
            progress(i + 1 - have)
    return max(0, count - have)


def pick_records(http, k, q="Synthetic benchmark"):
    """``k`` record ids of seeded datasets (their abstract says so)."""
    body = ok_body(http.call("GET", "/api/records", {"Accept": "application/json"},
                         params={"q": q, "size": k, "sort": "newest"}), 200, what="pick records")
    return [h["id"] for h in body["hits"]["hits"]]


def side_by_side(ours, vanilla, deposits=5, rounds=5, read_records=3, start=None):
    """The alternating run; returns ``(times, errors, aggregations, record ids)``.

    ``times[side][measure]`` is a list of ms; a read answering anything but
    200 is counted in ``errors[side][measure]`` (first answer kept), not timed.
    """
    start = int(time.time()) % 10_000_000 if start is None else start
    sides = (ours, vanilla)
    times = {s.name: {} for s in sides}
    errors = {s.name: {} for s in sides}
    aggs = {s.name: None for s in sides}
    ids = {s.name: pick_records(s.http, read_records) for s in sides}
    for s in sides:
        if not ids[s.name]:
            raise BenchError(f"{s.name}: no seeded record found to read")

    def timed(side, kind, path, headers, params=None):
        t = time.perf_counter()
        status, body, raw = side.http.call("GET", path, headers, params=params)
        ms = ms_since(t)
        if status == 200:
            times[side.name].setdefault(kind, []).append(ms)
            return body
        err = errors[side.name].setdefault(
            kind, {"count": 0, "first": f"HTTP {status}: {(raw or b'')[:200]!r}"})
        err["count"] += 1
        return None

    for r in range(max(rounds, deposits)):
        order = sides if r % 2 == 0 else sides[::-1]
        if r < deposits:
            for s in order:
                for k, v in s.deposit(start + r).items():
                    times[s.name].setdefault(k, []).append(v)
        if r >= rounds:
            continue
        for q in QUERIES:
            kind = "search_zh" if any("\u4e00" <= c <= "\u9fff" for c in q) else "search_en"
            for s in order:
                body = timed(s, kind, "/api/records", s.read_headers, {"q": q, "size": 10})
                aggs[s.name] = aggs[s.name] or sorted((body or {}).get("aggregations") or {})
        for s in order:
            timed(s, "search_facets_size20", "/api/records", s.read_headers, {"size": 20})
        for n in range(read_records):
            for s in order:
                rid = ids[s.name][n % len(ids[s.name])]
                timed(s, "record_get", f"/api/records/{rid}", s.read_headers)
                timed(s, "landing_page", f"/records/{rid}", {"Accept": "text/html"})
    return times, errors, {k: v or [] for k, v in aggs.items()}, ids


def ratios(times, goals=GOALS):
    """``{measure: {"ours", "vanilla", "ratio_p50", "ratio_p95", "goal", "meets"}}``.

    Measures only one side has (our review steps) carry no ratio."""
    out = {}
    names = list(dict.fromkeys([*times.get("ours", {}), *times.get("vanilla", {})]))
    for name in names:
        o = summary(times.get("ours", {}).get(name) or [])
        v = summary(times.get("vanilla", {}).get(name) or [])
        row = {"ours": o, "vanilla": v, "ratio_p50": None, "ratio_p95": None,
               "goal": goals.get(name), "meets": None}
        if o and v and v["p50_ms"] > 0 and v["p95_ms"] > 0:
            row["ratio_p50"] = round(o["p50_ms"] / v["p50_ms"], 2)
            row["ratio_p95"] = round(o["p95_ms"] / v["p95_ms"], 2)
            if row["goal"] is not None:
                row["meets"] = row["ratio_p95"] <= row["goal"]
        out[name] = row
    return out


def report(times, errors, aggs, records, ids):
    """The JSON report of a side-by-side run."""
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": [round(x, 2) for x in os.getloadavg()]},
        "records": records,
        "read_record_ids": ids,
        "measures": ratios(times),
        "aggregations": aggs,
        "errors": errors,
    }


def _cell(row):
    """``p50 / p95`` of a summary, or ``-``."""
    return f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f}" if row else "-"


def print_side_by_side(rep, out=print):
    """The report as a table: vanilla, ours, ratio, goal."""
    out(f"\nrecords: ours {rep['records'].get('ours')}, vanilla {rep['records'].get('vanilla')}; "
        f"load average {', '.join(f'{x:.1f}' for x in rep['machine']['load_average'])}")
    out(f"{'measure':<26}{'n':>4}{'vanilla p50/p95':>18}{'ours p50/p95':>16}"
        f"{'ratio p50/p95':>16}{'goal p95':>10}")
    for name, row in rep["measures"].items():
        n = max((row["ours"] or {}).get("n", 0), (row["vanilla"] or {}).get("n", 0))
        ratio = (f"{row['ratio_p50']:.2f} / {row['ratio_p95']:.2f}"
                 if row["ratio_p50"] is not None else "-")
        goal = ""
        if row["goal"] is not None and row["meets"] is not None:
            goal = f"≤{row['goal']} {'ok' if row['meets'] else 'OVER'}"
        out(f"{name:<26}{n:>4}{_cell(row['vanilla']):>18}{_cell(row['ours']):>16}"
            f"{ratio:>16}{goal:>10}")
    for side, names in rep["aggregations"].items():
        out(f"facets per search, {side}: {len(names)} ({', '.join(names)})")
    for side, errs in rep["errors"].items():
        for name, err in errs.items():
            out(f"ERRORS {side} {name}: {err['count']} answers not 200, first: {err['first']}")


def main(argv=None):
    """Command line: seed vanilla, run side by side, print the table, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours-url", default="http://127.0.0.1:5000")
    ap.add_argument("--vanilla-url", default="http://127.0.0.1:5099")
    ap.add_argument("--token-depositor", required=True)
    ap.add_argument("--token-curator", required=True)
    ap.add_argument("--token-reviewer", required=True)
    ap.add_argument("--token-vanilla", required=True)
    ap.add_argument("--centre", default="chengdu-city-data-centre")
    ap.add_argument("-n", "--count", type=int, default=1000, help="datasets in vanilla")
    ap.add_argument("--deposits", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--read-records", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    actors = {name: {"Authorization": f"Bearer {tok}"} for name, tok in (
        ("depositor", args.token_depositor), ("curator", args.token_curator),
        ("reviewer", args.token_reviewer))}
    ours_http, vanilla_http = Http(args.ours_url), Http(args.vanilla_url)
    centre = ok_body(ours_http.call("GET", f"/api/communities/{args.centre}", actors["depositor"]),
                 200, what="the city data centre")["id"]
    ours = OursSide(Journey(ours_http, actors, centre))
    vanilla = VanillaSide(vanilla_http, {"Authorization": f"Bearer {args.token_vanilla}"})
    t = time.perf_counter()
    made = seed_vanilla(vanilla, args.count,
                        progress=lambda k: k % 100 == 0 and print(f"vanilla seeded {k}",
                                                                  flush=True))
    print(f"vanilla: {made} datasets published in {time.perf_counter() - t:.0f} s")
    times, errors, aggs, ids = side_by_side(ours, vanilla, args.deposits, args.rounds,
                                            args.read_records)
    records = {"ours": search_total(ours_http), "vanilla": search_total(vanilla_http)}
    rep = report(times, errors, aggs, records, ids)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(rep, fh, ensure_ascii=False, indent=2)
    print_side_by_side(rep)
    print(f"\nJSON: {args.out}")


if __name__ == "__main__":
    main()
