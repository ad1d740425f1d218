"""Measure deposit→publish and REST search latency against a running server.

Usage: ``python -m techdata.bench.measure --url URL --token TOKEN --out FILE``.
Prints a table and writes the figures as JSON.
"""

import argparse
import json
import platform
import statistics
import time

import requests

QUERIES = [
    "土壤", "气象观测", "成都平原", "生物多样性 监测", "soil", "weather dataset",
    "metadata.subjects.subject:人工智能", "新能源", "rail transit", "岷江流域 水质",
]


def percentile(values, p):
    """The ``p``-th percentile (nearest rank) of ``values``."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def summary(values):
    """p50, p95, mean, min, max of a list of milliseconds."""
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "mean_ms": round(statistics.mean(values), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
    }


def deposit_publish(session, api, i):
    """Create a draft with one small file over REST, publish it; return ms."""
    data = {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": True},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": f"基准测试发布延迟数据集 {i} (publish latency {i})",
            "creators": [{"person_or_org": {"type": "personal", "family_name": "测", "given_name": "试"}}],
            "publication_date": "2026-11-23",
            "publisher": "成都科技数据汇交平台",
        },
        "custom_fields": {
            "cdtd:category": {"id": "rd"},
            "cdtd:secrecy": {"id": "non-classified"},
            "cdtd:title_zh": f"基准测试发布延迟数据集 {i}",
            "cdtd:abstract_zh": "基准测试自动生成的数据集。",
        },
    }
    t0 = time.perf_counter()
    r = session.post(f"{api}/records", json=data)
    r.raise_for_status()
    rid = r.json()["id"]
    key = "latency.csv"
    session.post(f"{api}/records/{rid}/draft/files", json=[{"key": key}]).raise_for_status()
    session.put(
        f"{api}/records/{rid}/draft/files/{key}/content",
        data=b"k,v\n1,2\n", headers={"Content-Type": "application/octet-stream"},
    ).raise_for_status()
    session.post(f"{api}/records/{rid}/draft/files/{key}/commit").raise_for_status()
    session.post(f"{api}/records/{rid}/draft/actions/publish").raise_for_status()
    return (time.perf_counter() - t0) * 1000


def search_once(session, api, q):
    """One REST search; return (ms, total hits)."""
    t0 = time.perf_counter()
    r = session.get(f"{api}/records", params={"q": q, "size": 10})
    r.raise_for_status()
    return (time.perf_counter() - t0) * 1000, r.json()["hits"]["total"]


def main():
    """Run the measurements and report them."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", default="http://127.0.0.1:5000")
    ap.add_argument("--token", required=True)
    ap.add_argument("--publishes", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10, help="rounds over the query list")
    ap.add_argument("--out", required=True)
    ap.add_argument("--records", type=int, default=None, help="records in the index (for the report)")
    args = ap.parse_args()
    api = args.url.rstrip("/") + "/api"
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {args.token}", "Accept": "application/json"})

    # warm-up: the first requests of each worker load code and caches
    for q in QUERIES[:3]:
        search_once(s, api, q)

    publish = [deposit_publish(s, api, i) for i in range(args.publishes)]
    searches, per_query = [], {}
    for _ in range(args.rounds):
        for q in QUERIES:
            ms, total = search_once(s, api, q)
            searches.append(ms)
            per_query.setdefault(q, {"hits": total, "ms": []})["ms"].append(ms)

    total = s.get(f"{api}/records", params={"size": 1}).json()["hits"]["total"]
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "records_in_index": total,
        "deposit_publish": summary(publish),
        "search": summary(searches),
        "search_by_query": {
            q: {"hits": v["hits"], **summary(v["ms"])} for q, v in per_query.items()
        },
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2)

    print(f"\nrecords in index: {total}")
    print(f"{'measure':<34}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for name, row in (("deposit→publish (REST, 1 file)", report["deposit_publish"]),
                      ("search (REST, 10 queries mixed)", report["search"])):
        print(f"{name:<34}{row['n']:>5}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['mean_ms']:>10}{row['max_ms']:>10}")
    print("\nper query:")
    for q, row in report["search_by_query"].items():
        print(f"  {q:<40} hits={row['hits']:<7} p50={row['p50_ms']} ms  p95={row['p95_ms']} ms")
    print(f"\nJSON: {args.out}")


if __name__ == "__main__":
    main()
