"""Benchmark of the directory exports: throughput and peak memory per format.

Usage (``scripts/bench directory-export`` runs it)::

    python -m techdata.bench.directory_export [-n 100000] [--source db|generator]
        [--formats csv,xlsx,json,ttl,jsonld] [--out-dir .services/bench]

``n`` realistic synthetic entries (Chinese and English text, the labels of
the instance's vocabularies) are exported in every format. With
``--source db`` (the default when run by ``scripts/bench``) the entries are
first bulk-inserted into the directory store of a separate benchmark
database (``TD_PG_DB``, ``techdata_bench``; resumable) and each export
streams them back with ``techdata.directory.store.iter_entries("open")``,
as the live export endpoint does; with ``--source generator`` they come from
a generator (the serialisers alone).

Each format runs in a fresh process, which reports entries/s, seconds, the
time to the first chunk, the bytes written and its memory: the RSS high-water
mark (``VmHWM``) before the export and at its end; their difference is what
the export itself needed. The output is written to a file (then removed) so
that writing costs what it costs a server. A table is printed and the figures
are written as JSON to ``<out-dir>/directory-export-<time>.json``.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ..directory import store
from ..directory.exports import serialise
from ..directory.models import DirectoryEntry, utcnow

FORMATS = ("csv", "xlsx", "json", "ttl", "jsonld")
"""The formats measured (all of ``techdata.directory.exports.FORMATS``)."""

ROOT = Path(__file__).resolve().parents[3]
"""The repository (``app_data`` holds the vocabularies)."""

BENCH_PREFIX = "BENCH-"
"""Entry id prefix of the synthetic entries (``BENCH-000001``...)."""

TOPICS = [("土壤", "soil"), ("水质", "water quality"), ("大气", "air"), ("气象", "weather"),
          ("地震", "seismic"), ("生物多样性", "biodiversity"), ("新能源", "new energy"),
          ("集成电路", "integrated circuits"), ("生物医药", "biomedicine"),
          ("航空航天", "aerospace"), ("人工智能", "AI"), ("轨道交通", "rail transit"),
          ("农业", "agriculture"), ("中医药", "traditional medicine"), ("材料", "materials")]
PLACES = ["成都平原", "龙泉山", "天府新区", "川西高原", "岷江流域", "高新区", "双流", "郫都"]
KINDS = ["监测数据集", "观测数据", "调查数据", "实验数据", "检测数据", "统计数据"]
ITEMS = ["采样点编号", "采样时间", "经度", "纬度", "海拔", "温度（℃）", "pH 值", "镉含量（mg/kg）",
         "铅含量（mg/kg）", "样本量", "检测方法", "备注"]
FORMATS_STORED = ["CSV", "XLSX", "JSON", "NetCDF", "GeoTIFF", "SHP"]


def vocabulary(name):
    """Terms ``{"id", "zh", "en"}`` of a vocabulary file in ``app_data/vocabularies``."""
    items = yaml.safe_load((ROOT / "app_data" / "vocabularies" / f"{name}.yaml").read_text("utf-8"))
    return [{"id": i["id"], "zh": i["title"]["zh"], "en": i["title"]["en"]} for i in items]


def entry_factory():
    """A function ``i -> entry dict`` of realistic synthetic entries (deterministic)."""
    voc = {name: vocabulary(name) for name in (
        "td_categories", "td_departments", "td_entities", "td_sharing", "td_opening",
        "td_secrecy", "td_grades", "td_provision", "td_update_cycles")}
    opening = [t for t in voc["td_opening"] if t["id"] in ("unconditional", "conditional")]
    secrecy = [t for t in voc["td_secrecy"] if "non" in t["id"]] or voc["td_secrecy"]

    def make(i):
        rnd = random.Random(i)
        zh, en = rnd.choice(TOPICS)
        place, kind, year = rnd.choice(PLACES), rnd.choice(KINDS), rnd.randint(2015, 2026)
        entity = rnd.choice(voc["td_entities"])
        return {
            "entry_id": f"{BENCH_PREFIX}{i:06d}",
            "title_zh": f"{place}{zh}{kind}（{year}年，第{i}号）",
            "title_en": f"{en.capitalize()} data of {place}, {year} (no. {i})",
            "content": (f"{entity['zh']}在{place}开展的{zh}研究中形成的{kind}，覆盖{year}年全年，"
                        f"包括原始观测记录、质量控制后的数据及数据说明文档。可用于{zh}变化趋势分析、"
                        f"区域对比研究和政府决策支撑。"),
            "category": rnd.choice(voc["td_categories"]),
            "responsible_department": rnd.choice(voc["td_departments"]),
            "providing_entity": entity,
            "sharing_type": rnd.choice(voc["td_sharing"]),
            "opening_type": rnd.choice(opening),
            "secrecy": rnd.choice(secrecy),
            "grade": rnd.choice(voc["td_grades"]),
            "sharing_scope": "成都市政务部门及科研单位",
            "access_methods": rnd.sample(voc["td_provision"], rnd.randint(1, 2)),
            "business_name": f"{zh}监测与评估",
            "information_system": f"成都市{zh}数据管理信息系统",
            "data_items": rnd.sample(ITEMS, rnd.randint(3, 8)),
            "storage_format": rnd.choice(FORMATS_STORED),
            "update_cycle": rnd.choice(voc["td_update_cycles"]),
            "sharing_period": f"{year}-{year + 5}",
            "usage_requirements": "使用时须注明数据来源“成都科技数据汇交平台”，不得用于商业目的。",
            "keywords": [zh, en, place],
            "doi": f"10.99999/cdtd.{year}.{i:06d}",
            "cstr": f"CSTR:17058.11.cdtd.{year}.{i:06d}",
            "landing_page": f"https://techdata.chengdu.example.org/records/bench-{i:06d}",
            "download_url": f"https://techdata.chengdu.example.org/records/bench-{i:06d}/files/data.csv",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "source": "deposited",
            "issued": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "modified": "2026-11-20",
            "last_checked": "2026-11-21",
        }

    return make


def generate(n):
    """``n`` synthetic entries, made one at a time."""
    make = entry_factory()
    return (make(i) for i in range(1, n + 1))


# The benchmark database (through the directory store)
# ====================================================

def _app():
    """The API app of the instance (its database is ``TD_PG_DB``)."""
    from invenio_app.factory import create_api

    return create_api()


def seed_db(n, batch=5000):
    """Bulk-insert synthetic entries until ``n`` exist; return how many were added.

    Rows are what ``store.upsert_entry`` writes (its ``normalise`` and
    ``search_text``), inserted in batches of ``batch`` with one INSERT each.
    """
    from invenio_db import db

    DirectoryEntry.__table__.create(bind=db.engine, checkfirst=True)
    have = DirectoryEntry.query.filter(DirectoryEntry.entry_id.like(BENCH_PREFIX + "%")).count()
    make, now, rows = entry_factory(), utcnow(), []

    def term_id(data, key):
        return (data.get(key) or {}).get("id")

    for i in range(have + 1, n + 1):
        data = store.normalise(make(i))
        data["last_checked"] = None  # kept in its column, as upsert_entry does
        rows.append({
            "entry_id": data["entry_id"], "source": data["source"],
            "category": term_id(data, "category"),
            "department": term_id(data, "responsible_department"),
            "entity": term_id(data, "providing_entity"),
            "opening_type": term_id(data, "opening_type"),
            "update_cycle": term_id(data, "update_cycle"),
            "review_passed": True, "in_open": True, "withdrawn": False,
            "data": data, "search_text": store.search_text(data),
            "created": now, "updated": now, "changed_at": now, "last_checked": now,
        })
        if len(rows) >= batch:
            db.session.execute(DirectoryEntry.__table__.insert(), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(DirectoryEntry.__table__.insert(), rows)
        db.session.commit()
    return max(0, n - have)


# One format, in a fresh process
# ==============================

def _hwm_mb():
    """This process's RSS high-water mark (``VmHWM``) in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(fmt, n, source):
    """Export ``n`` entries in ``fmt``; return the figures (run in a fresh process)."""
    catalog = {"id": "bench", "title_zh": "成都市科技数据开放目录（基准测试）",
               "title_en": "Chengdu Tech-Data Open Directory (benchmark)", "number": 1,
               "issued": "2026-11-25", "publisher": "成都市科学技术局",
               "url": "https://techdata.chengdu.example.org/directory/"}
    app = _app() if source == "db" else None
    ctx = app.app_context() if app else None
    if ctx:
        ctx.push()
        assert store.count_entries("open") >= n, "seed the benchmark database first"
        entries = (e for _, e in zip(range(n), store.iter_entries("open")))
    else:
        entries = generate(n)
    done = [0]

    def counting(it):
        for e in it:
            done[0] += 1
            yield e

    fd, path = tempfile.mkstemp(prefix=f"techdata-bench-{fmt}-")
    before = _hwm_mb()
    t0 = time.perf_counter()
    first, size = None, 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in serialise(counting(entries), fmt, catalog):
                if first is None:
                    first = time.perf_counter() - t0
                out.write(chunk)
                size += len(chunk)
        seconds = time.perf_counter() - t0
    finally:
        os.unlink(path)
    after = _hwm_mb()
    done = done[0]
    if ctx:
        ctx.pop()
    return {
        "format": fmt, "source": source, "entries": done, "bytes": size,
        "seconds": round(seconds, 2), "entries_per_s": round(done / seconds) if seconds else None,
        "first_chunk_s": round(first or 0, 3),
        "rss_hwm_before_mb": round(before, 1), "rss_hwm_after_mb": round(after, 1),
        "export_rss_growth_mb": round(after - before, 1),
    }


def main(argv=None):
    """Seed (db source), run each format in a fresh process, print and save the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--count", type=int, default=100000)
    ap.add_argument("--source", choices=("db", "generator"), default="generator")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--out-dir", default=str(ROOT / ".services" / "bench"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(run_one(args.worker, args.count, args.source)))
        return
    if args.source == "db":
        app = _app()
        with app.app_context():
            t0 = time.perf_counter()
            added = seed_db(args.count)
            print(f"benchmark database: {added} entries added in "
                  f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    results = []
    for fmt in args.formats.split(","):
        print(f"exporting {args.count} entries as {fmt} ...", file=sys.stderr)
        proc = subprocess.run(
            [sys.executable, "-m", "techdata.bench.directory_export", "--worker", fmt,
             "-n", str(args.count), "--source", args.source],
            capture_output=True, text=True)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"the {fmt} export failed")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "entries": args.count, "source": args.source, "results": results,
    }
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"directory-export-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    print(f"\ndirectory export, {args.count} entries from the {args.source}:")
    print(f"{'format':<8}{'entries/s':>11}{'seconds':>9}{'1st chunk s':>12}{'MiB out':>9}"
          f"{'RSS before':>12}{'RSS peak':>10}{'growth':>8}")
    for r in results:
        print(f"{r['format']:<8}{r['entries_per_s']:>11}{r['seconds']:>9}{r['first_chunk_s']:>12}"
              f"{r['bytes'] / 2**20:>9.1f}{r['rss_hwm_before_mb']:>12}{r['rss_hwm_after_mb']:>10}"
              f"{r['export_rss_growth_mb']:>8}")
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
