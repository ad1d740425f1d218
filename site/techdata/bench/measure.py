"""Measure the real deposit path stage by stage, and the reads, against a server.

Usage (``scripts/bench`` calls it)::

    python -m techdata.bench.measure --url URL --token-depositor T1 \\
        --token-curator T2 --token-reviewer T3 --out FILE

Stages of one deposit (each timed, and the whole): draft + one file
(create, upload, commit), submit to the city data centre for the deposit
review, the curator's decision (CD-TD Art. 11), the confidentiality decision
(CD-TD Art. 24; the time until the reviewer's queue shows it included), and
published and searchable (until an anonymous search finds it). Reads: REST
search with Chinese and English queries and the facets, ``?size=20``; the
landing page (HTML); the record GET. Files: download throughput of 1 MB and
100 MB files (1 GB with ``--file-sizes 1,100,1024``) against the raw disk
write speed measured in the same run. Prints a table, writes JSON.

The HTTP layer is one small class (``Http``); the tests drive the same code
through Flask's test client (``tests/bench``).
"""

import argparse
import json
import math
import os
import platform
import statistics
import tempfile
import time

__all__ = ("GRADING", "CHECKLIST", "QUERIES", "Http", "Journey", "disk_write",
           "download", "main", "measure_reads", "percentile", "print_table", "run",
           "summary")

QUERIES = [
    "土壤", "气象观测", "成都平原", "生物多样性 监测", "岷江流域 水质", "新能源",
    "soil", "weather", "rail transit", "biodiversity",
]
"""Chinese and English queries of the search measure (the seeded records' words)."""

GRADING = {"grade": "general",
           "basis": "按数据内容与影响范围定级 / graded by content and impact (CD-TD Art. 11)"}
"""The curator's grading confirmation in the deposit decision."""

CHECKLIST = {"no_state_secret": True, "no_personal_information": True,
             "no_commercial_secret": True, "desensitised": True}
"""A complete confidentiality checklist (CD-TD Art. 24)."""

MB = 1000 * 1000
"""A megabyte (decimal): a "100 MB" file fits InvenioRDM's 100 MiB upload limit."""

STAGES = ("draft_file", "submit", "curator_decision", "confidentiality_decision",
          "published_searchable")
"""The stages of one deposit, in order."""


def percentile(values, p):
    """The ``p``-th percentile (nearest rank) of ``values``."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def summary(values):
    """n, p50, p95, mean, min, max of a list of milliseconds (None when empty)."""
    if not values:
        return None
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "mean_ms": round(statistics.mean(values), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
    }


class BenchError(RuntimeError):
    """A request of the bench got an answer it cannot go on with."""


class Http:
    """A server reached with ``requests``: ``call`` answers (status, JSON or None)."""

    def __init__(self, url):
        """``url`` is the server's root (the API is under ``/api``)."""
        import requests

        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.last_byte_at = None

    def call(self, method, path, headers=None, json=None, data=None, params=None):
        """One request; returns ``(status, parsed JSON or None, body bytes)``."""
        res = self.session.request(method, self.url + path, headers=headers, json=json,
                                   data=data, params=params)
        try:
            body = res.json()
        except ValueError:
            body = None
        return res.status_code, body, res.content

    def stream(self, path, headers=None, chunk=1 << 20):
        """GET ``path`` streamed; returns (status, bytes received). ``last_byte_at``:
        the moment (``time.perf_counter``) the last byte came, what the person waits for."""
        with self.session.get(self.url + path, headers=headers, stream=True) as res:
            n = sum(len(c) for c in res.iter_content(chunk))
            self.last_byte_at = time.perf_counter()
            return res.status_code, n


def ok_body(answer, *codes, what=""):
    """The JSON body of ``answer`` when its status is one of ``codes``."""
    status, body, raw = answer
    if status not in codes:
        raise BenchError(f"{what}: HTTP {status}: {(raw or b'')[:500]!r}")
    return body


def ms_since(t0):
    """Milliseconds since ``t0`` (``time.perf_counter``)."""
    return (time.perf_counter() - t0) * 1000


def bench_draft(i):
    """A complete deposit (Chinese and English) of bench record ``i``."""
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": True},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": f"成都平原土壤基准测试数据集 {i}",
            "additional_titles": [{"title": f"Chengdu plain soil benchmark dataset {i}",
                                   "type": {"id": "translated-title"}}],
            "description": "基准测试自动生成的数据集。Synthetic benchmark record.",
            "creators": [{"person_or_org": {"type": "personal", "family_name": "测",
                                            "given_name": "试"}}],
            "publication_date": "2026-11-23",
            "publisher": "成都科技数据汇交平台",
        },
        "custom_fields": {
            "cdtd:category": {"id": "rd"},
            "cdtd:secrecy": {"id": "non-classified"},
            "cdtd:title_zh": f"成都平原土壤基准测试数据集 {i}",
            "cdtd:title_en": f"Chengdu plain soil benchmark dataset {i}",
            "cdtd:abstract_zh": "基准测试自动生成的数据集。",
        },
    }


class Journey:
    """The deposit path over REST, as the deposit form and the review pages use it.

    ``actors`` maps ``depositor``, ``curator``, ``reviewer`` to request
    headers (bearer tokens); ``centre`` is the city data centre's community
    id; ``refresh`` (tests only) is called before each poll of the search
    index, which a server refreshes by itself every second.
    """

    draft = staticmethod(bench_draft)
    """The deposit of bench record ``i`` (a stage may deposit another kind)."""

    def __init__(self, http, actors, centre, refresh=None, poll_timeout=30.0):
        """See the class docstring."""
        self.http = http
        self.actors = actors
        self.centre = centre
        self.refresh = refresh or (lambda: None)
        self.poll_timeout = poll_timeout

    def _json(self, actor):
        """Headers of ``actor`` for a JSON request."""
        return {**self.actors[actor], "Content-Type": "application/json",
                "Accept": "application/json"}

    def _poll(self, what, fn):
        """Call ``fn`` until it returns something (or the timeout)."""
        deadline = time.monotonic() + self.poll_timeout
        while True:
            self.refresh()
            found = fn()
            if found:
                return found
            if time.monotonic() > deadline:
                raise BenchError(f"{what}: not visible after {self.poll_timeout} s")
            time.sleep(0.05)

    def draft_file(self, i, content=b"id,value\n1,2\n", key="data.csv"):
        """Create a draft and upload one file; returns the record id."""
        h = self._json("depositor")
        draft = ok_body(self.http.call("POST", "/api/records", h, json=self.draft(i)), 201,
                    what="create draft")
        rid = draft["id"]
        ok_body(self.http.call("POST", f"/api/records/{rid}/draft/files", h, json=[{"key": key}]),
            201, what="init file")
        ok_body(self.http.call("PUT", f"/api/records/{rid}/draft/files/{key}/content",
                           {**self.actors["depositor"],
                            "Content-Type": "application/octet-stream"}, data=content),
            200, what="upload file")
        ok_body(self.http.call("POST", f"/api/records/{rid}/draft/files/{key}/commit", h),
            200, 201, what="commit file")
        return rid

    def submit(self, rid):
        """Submit the draft to the city centre; returns the deposit-review request id."""
        h = self._json("depositor")
        ok_body(self.http.call("PUT", f"/api/records/{rid}/draft/review", h,
                           json={"receiver": {"community": self.centre},
                                 "type": "community-submission"}), 200, what="review")
        req = ok_body(self.http.call("POST", f"/api/records/{rid}/draft/actions/submit-review", h,
                                 json={"payload": {"content": "请审核", "format": "html"}}),
                  202, what="submit-review")
        return req["id"]

    def curator_decision(self, request_id):
        """The curator accepts the deposit with its grading (CD-TD Art. 11)."""
        ok_body(self.http.call("POST", f"/api/techdata/reviews/{request_id}/decision",
                           self._json("curator"),
                           json={"decision": "accept", "grading": GRADING}),
            200, what="curator decision")

    def confidentiality_decision(self, rid):
        """Find the record's confidentiality review and pass it (CD-TD Art. 24)."""
        self.pass_confidentiality(self.find_confidentiality_review(rid))

    def find_confidentiality_review(self, rid):
        """The id of the record's confidentiality review, once the reviewer's list shows it."""
        h = self._json("reviewer")

        def find():
            body = ok_body(self.http.call(
                "GET", "/api/requests", h,
                params={"q": f"type:confidentiality-review AND topic.record:{rid}"}),
                200, what="reviewer's requests")
            hits = body["hits"]["hits"]
            return hits[0]["id"] if hits else None

        return self._poll("confidentiality review", find)

    def pass_confidentiality(self, request_id):
        """The reviewer passes the review (CD-TD Art. 24): the record is published."""
        ok_body(self.http.call("POST", f"/api/techdata/reviews/{request_id}/decision",
                           self._json("reviewer"),
                           json={"decision": "pass", "checklist": CHECKLIST,
                                 "reasons": "基准数据，无涉密内容 / bench data"}),
            200, what="confidentiality decision")

    def published_searchable(self, rid):
        """Wait until an anonymous search lists the published record (newest first)."""
        def find():
            body = ok_body(self.http.call("GET", "/api/records", {"Accept": "application/json"},
                                      params={"sort": "newest", "size": 10}),
                       200, what="search the record")
            return rid in {h["id"] for h in body["hits"]["hits"]}
        self._poll("published record", find)

    def run(self, i, content=b"id,value\n1,2\n", key="data.csv"):
        """The whole path for record ``i``; returns (record id, {stage: ms})."""
        times = {}
        t0 = time.perf_counter()
        rid = self.draft_file(i, content, key)
        times["draft_file"] = ms_since(t0)
        t = time.perf_counter()
        request_id = self.submit(rid)
        times["submit"] = ms_since(t)
        t = time.perf_counter()
        self.curator_decision(request_id)
        times["curator_decision"] = ms_since(t)
        t = time.perf_counter()
        self.confidentiality_decision(rid)
        times["confidentiality_decision"] = ms_since(t)
        t = time.perf_counter()
        self.published_searchable(rid)
        times["published_searchable"] = ms_since(t)
        times["whole"] = ms_since(t0)
        return rid, times


def measure_reads(http, recids, rounds=3, headers=None):
    """REST search (zh/en, facets, ``size=20``), landing page, record GET.

    Returns ``(ms lists, aggregation names, errors)``: a read that does not
    answer 200 is counted in ``errors`` (with its first answer), not timed,
    and the run goes on, so one broken page does not hide the other figures.
    """
    headers = {"Accept": "application/json", **(headers or {})}
    out = {"search_zh": [], "search_en": [], "search_facets_size20": [],
           "landing_page": [], "record_get": []}
    errors, aggregations = {}, None

    def timed(kind, method, path, hdrs, params=None):
        t = time.perf_counter()
        status, body, raw = http.call(method, path, hdrs, params=params)
        ms = ms_since(t)
        if status == 200:
            out[kind].append(ms)
            return body
        err = errors.setdefault(kind, {"count": 0, "first": f"HTTP {status}: {(raw or b'')[:200]!r}"})
        err["count"] += 1
        return None

    for _ in range(rounds):
        for q in QUERIES:
            kind = "search_zh" if any("\u4e00" <= c <= "\u9fff" for c in q) else "search_en"
            body = timed(kind, "GET", "/api/records", headers, {"q": q, "size": 10})
            aggregations = aggregations or sorted((body or {}).get("aggregations") or {})
        timed("search_facets_size20", "GET", "/api/records", headers, {"size": 20})
        for rid in recids:
            timed("landing_page", "GET", f"/records/{rid}", {"Accept": "text/html"})
            timed("record_get", "GET", f"/api/records/{rid}", headers)
    return out, aggregations or [], errors


def disk_write(path, size):
    """Write ``size`` bytes to ``path`` (fsync'd); returns MB/s."""
    chunk = os.urandom(1 << 20)
    t = time.perf_counter()
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            fh.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    return size / MB / (time.perf_counter() - t)


def download(http, rid, key, headers=None):
    """Download one file of a published record; returns (bytes, MB/s)."""
    t = time.perf_counter()
    status, n = http.stream(f"/api/records/{rid}/files/{key}/content", headers)
    if status != 200:
        raise BenchError(f"download {rid}/{key}: HTTP {status}")
    return n, n / MB / (time.perf_counter() - t)


def measure_files(journey, http, sizes_mb, workdir, start=0):
    """For each size: raw disk write, then a record with that file, its download."""
    rows = []
    for k, mb in enumerate(sizes_mb):
        path = os.path.join(workdir, f"bench-{mb}MB.bin")
        size = int(mb * MB)
        disk = disk_write(path, size)
        with open(path, "rb") as fh:
            rid, _ = journey.run(start + k, content=fh, key=f"bench-{mb}MB.bin")
        n, rate = download(http, rid, f"bench-{mb}MB.bin")
        os.unlink(path)
        if n != size:
            raise BenchError(f"download of {mb} MB gave {n} bytes")
        rows.append({"size_mb": mb, "disk_write_mb_s": round(disk, 1),
                     "download_mb_s": round(rate, 1), "ratio": round(rate / disk, 2)})
    return rows


def run(http, actors, centre, deposits=5, rounds=3, file_sizes=(1, 100), refresh=None,
        workdir=None, start=None):
    """The whole measure; returns the report (a dict)."""
    start = int(time.time()) if start is None else start
    journey = Journey(http, actors, centre, refresh=refresh)
    stages, recids = {s: [] for s in (*STAGES, "whole")}, []
    for i in range(deposits):
        rid, times = journey.run(start + i)
        recids.append(rid)
        for k, v in times.items():
            stages[k].append(v)
    reads, aggs, read_errors = measure_reads(http, recids[:3], rounds)
    files = measure_files(journey, http, file_sizes, workdir or tempfile.gettempdir(),
                          start + deposits) if file_sizes else []
    _, body, _ = http.call("GET", "/api/records", {"Accept": "application/json"},
                           params={"size": 1})
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": list(os.getloadavg())},
        "records_in_index": (body or {}).get("hits", {}).get("total"),
        "deposit_stages": {k: summary(v) for k, v in stages.items()},
        "reads": {k: summary(v) for k, v in reads.items()},
        "aggregations": aggs,
        "read_errors": read_errors,
        "files": files,
    }


def print_table(report, out=print):
    """The report as a plain table."""
    out(f"\nrecords in index: {report['records_in_index']}; load average "
        f"{', '.join(f'{x:.1f}' for x in report['machine']['load_average'])}")
    out(f"{'measure':<34}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for section in ("deposit_stages", "reads"):
        for name, row in report[section].items():
            if row:
                out(f"{name:<34}{row['n']:>5}{row['p50_ms']:>10}{row['p95_ms']:>10}"
                    f"{row['mean_ms']:>10}{row['max_ms']:>10}")
    out(f"facets computed per search: {len(report['aggregations'])} "
        f"({', '.join(report['aggregations'])})")
    for name, err in report.get("read_errors", {}).items():
        out(f"ERRORS {name}: {err['count']} answers not 200, first: {err['first']}")
    for row in report["files"]:
        out(f"file {row['size_mb']:>6} MB: download {row['download_mb_s']:>8} MB/s, "
            f"raw disk write {row['disk_write_mb_s']:>8} MB/s (ratio {row['ratio']})")


def main(argv=None):
    """Command line: run against a server, print the table, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:5000")
    ap.add_argument("--token-depositor", required=True)
    ap.add_argument("--token-curator", required=True)
    ap.add_argument("--token-reviewer", required=True)
    ap.add_argument("--centre", default="chengdu-city-data-centre",
                    help="the city data centre's community slug or id")
    ap.add_argument("--deposits", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5, help="rounds over the read list")
    ap.add_argument("--file-sizes", default="1,100", help="MB, comma-separated ('' for none)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    actors = {name: {"Authorization": f"Bearer {tok}"} for name, tok in (
        ("depositor", args.token_depositor), ("curator", args.token_curator),
        ("reviewer", args.token_reviewer))}
    sizes = [float(x) if "." in x else int(x) for x in args.file_sizes.split(",") if x]
    http = Http(args.url)
    centre = ok_body(http.call("GET", f"/api/communities/{args.centre}", actors["depositor"]),
                 200, what="the city data centre")["id"]
    report = run(http, actors, centre, args.deposits, args.rounds, sizes,
                 workdir=os.path.dirname(os.path.abspath(args.out)))
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2)
    print_table(report)
    print(f"\nJSON: {args.out}")


if __name__ == "__main__":
    main()
