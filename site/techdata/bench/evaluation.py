"""Benchmark of the evaluation (issue 19): compute the indicators of many records and
requests, then time the reads the pages make.

Usage (``scripts/bench evaluation`` runs it)::

    python -m techdata.bench.evaluation [-n 10000] [--requests 100000] [--year 2026]
        [--rounds 20] [--out-dir .bench]

Seeds, in the benchmark database (``TD_PG_DB``, ``techdata_bench``; resumable:
rows already there are kept), ``n`` published records of ``n / 4`` projects
(four planned datasets each) in 200 entities of 20 departments, 10
programmes and 3 data centres, ``requests`` review and access requests
(deposit reviews, confidentiality reviews and the six request types from
outside, on time and late) and ``n`` directory entries, written straight
into the tables the computation reads. Then it times
:func:`techdata.evaluation.compute.recompute` for the year (and its phases)
and, ``rounds`` times each, the service reads behind the evaluation pages
(the city's indicators, a department's, an entity's, a ranking of entities, a
series of five years, the drill-down to the late requests) and every
evaluation page as a bureau user gets it from the app (Flask's test client
on the UI app with the REST API under ``/api``, logged in; :data:`PAGES`):
the overview of the city, of a department and of an entity, the ranking of
entities, the drill-down to the late requests, the XLSX and the PDF report
and the REST indicators. Prints a table and writes JSON to
``<out-dir>/evaluation-<time>.json``.
"""

import argparse
import json
import os
import platform
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_security.utils import hash_password
from invenio_access.permissions import system_identity
from invenio_accounts.proxies import current_datastore
from invenio_communities.communities.records.models import CommunityMetadata
from invenio_db import db
from invenio_rdm_records.records.models import RDMParentMetadata, RDMRecordMetadata
from invenio_requests.records.models import RequestMetadata

from ..directory.models import DirectoryEntry
from ..evaluation import compute
from ..evaluation.proxies import current_evaluation_service
from ..kernel.roles import BUREAU, ensure_roles
from ..projects.records.models import ProjectMetadata
from .measure import summary

ROOT = Path(__file__).resolve().parents[3]
"""The repository."""

PREFIX = "bev-"
"""Prefix of every synthetic id (records, projects, entries)."""

DEPARTMENTS = [f"{PREFIX}dept-{i:02d}" for i in range(20)]
ENTITIES = [f"{PREFIX}ent-{i:03d}" for i in range(200)]
PROGRAMS = [f"{PREFIX}prog-{i}" for i in range(10)]
CENTRES = [f"{PREFIX}centre-{i}" for i in range(3)]
ACCESS_TYPES = ("conditional-access", "conditional-sharing", "opening-application", "appeal",
                "correction", "data-service")
BATCH = 5000


def _insert(table, rows):
    """Insert ``rows`` in batches, committed."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(table.insert(), rows[start:start + BATCH])
    db.session.commit()


def _day(rnd, year):
    """A random day of ``year`` up to 30 November (as a date)."""
    return date(year, 1, 1) + timedelta(days=rnd.randrange(333))


def _count(model, column, prefix):
    """How many rows of ``model`` have ``column`` starting with ``prefix``."""
    return db.session.query(model).filter(column.like(prefix + "%")).count()


def seed(n, requests, year, seed_value=19):
    """Write the synthetic world unless it is there; returns what was added."""
    rnd = random.Random(seed_value)
    added = {"records": 0, "requests": 0, "entries": 0}
    db.create_all()  # every table of the instance that is missing (a fresh or older database)
    centres = {}
    for slug in CENTRES:
        row = CommunityMetadata.query.filter_by(slug=slug).one_or_none()
        if row is None:
            row = CommunityMetadata(id=uuid.uuid4(), slug=slug, json={"slug": slug})
            db.session.add(row)
        centres[slug] = str(row.id)
    db.session.commit()
    recids = [f"{PREFIX}rec-{i:06d}" for i in range(n)]
    have = db.session.query(RDMRecordMetadata).filter(
        RDMRecordMetadata.json["id"].as_string().like(PREFIX + "%")).count()
    if have < n:
        added["records"] = n - have
        projects, parents, records = [], [], []
        for p in range(have // 4, (n + 3) // 4):
            number = f"{PREFIX}prj-{p:05d}"
            entity = ENTITIES[p % len(ENTITIES)]
            data = {"number": number, "title_zh": f"基准项目{p}", "lead_entity": entity,
                    "department": DEPARTMENTS[ENTITIES.index(entity) % len(DEPARTMENTS)],
                    "program": PROGRAMS[p % len(PROGRAMS)],
                    "acceptance_due": _day(rnd, year).isoformat(),
                    "plan": [{"key": k, "title": f"数据集{k}"} for k in "abcd"]}
            if rnd.random() < 0.5:
                decided = datetime(year, 1, 1) + timedelta(days=rnd.randrange(333), hours=2)
                data["acceptance"] = {"decision": "accepted", "decided_at":
                                      decided.isoformat() + "+00:00",
                                      "overridden": rnd.random() < 0.05}
            projects.append({"id": uuid.uuid4(), "json": data, "version_id": 1})
        for i in range(have, n):
            parent = uuid.uuid4()
            cycle = rnd.choice(["monthly", "yearly", "irregular", None])
            created = datetime(year, 1, 1) + timedelta(days=rnd.randrange(333), hours=3)
            parents.append({"id": parent, "version_id": 1, "json": {
                "id": f"{PREFIX}par-{i:06d}",
                "communities": {"default": centres[CENTRES[i % len(CENTRES)]]},
                "access": {"owned_by": {"user": str(1 + i % 50)}}}})
            cf = {"cdtd:project": f"{PREFIX}prj-{i // 4:05d}",
                  "cdtd:project_dataset": "abcd"[i % 4], "cdtd:title_zh": f"基准数据{i}"}
            if cycle:
                cf["cdtd:update_cycle"] = {"id": cycle}
            records.append({"id": uuid.uuid4(), "version_id": 1, "parent_id": parent,
                            "index": 1, "json": {"id": recids[i], "custom_fields": cf},
                            "created": created, "updated": created})
        _insert(ProjectMetadata.__table__, projects)
        _insert(RDMParentMetadata.__table__, parents)
        _insert(RDMRecordMetadata.__table__, records)
    have = db.session.query(RequestMetadata).filter(
        RequestMetadata.json["title"].as_string().like(PREFIX + "%")).count()
    if have < requests:
        added["requests"] = requests - have
        rows = []
        for i in range(have, requests):
            rows.append(_request(rnd, i, year, recids, centres))
        _insert(RequestMetadata.__table__, rows)
    have = _count(DirectoryEntry, DirectoryEntry.entry_id, PREFIX)
    if have < n:
        added["entries"] = n - have
        rows = []
        now = datetime.utcnow()
        for i in range(have, n):
            changed = datetime(year, 1, 1) + timedelta(days=rnd.randrange(333), hours=3)
            released = changed + timedelta(days=rnd.randrange(40)) if rnd.random() < 0.8 \
                else None
            entity = ENTITIES[i % len(ENTITIES)]
            rows.append({"entry_id": f"{PREFIX}e{i:06d}", "source": "catalogued",
                         "entity": entity,
                         "department": DEPARTMENTS[ENTITIES.index(entity) % len(DEPARTMENTS)],
                         "in_open": rnd.random() < 0.7, "withdrawn": False,
                         "review_passed": True, "data": {"title_zh": f"基准条目{i}"},
                         "search_text": "", "created": now, "updated": now,
                         "changed_at": changed, "last_released_at": released,
                         "last_checked": changed if rnd.random() < 0.6 else changed.replace(
                             year=year - 1)})
        _insert(DirectoryEntry.__table__, rows)
    return added


def _request(rnd, i, year, recids, centres):
    """One synthetic request row: a review (half) or a request from outside."""
    received = _day(rnd, year)
    due = received + timedelta(days=10)
    took = rnd.randrange(1, 16)
    answered = received + timedelta(days=took)
    kind = rnd.random()
    recid = recids[i % len(recids)]
    centre = centres[CENTRES[i % len(CENTRES)]]
    payload = {"received_on": received.isoformat(), "due_date": due.isoformat()}
    if kind < 0.4:
        type_ = "deposit-review" if kind < 0.3 else "confidentiality-review"
        status = rnd.choice(["accepted", "accepted", "declined", "submitted"])
        if status != "submitted":
            payload["decided_at"] = f"{answered.isoformat()}T02:00:00+00:00"
    else:
        type_ = ACCESS_TYPES[i % len(ACCESS_TYPES)]
        status = rnd.choice(["accepted", "declined", "submitted", "cancelled"])
        if type_ == "data-service" and status == "accepted":
            status = "delivered"
            payload["voucher"] = {"number": f"V{i}"} if rnd.random() < 0.3 else {}
        payload["clock"] = "running" if status == "submitted" else "stopped"
        if status != "submitted":
            payload["answered_on"] = answered.isoformat()
    return {"id": uuid.uuid4(), "version_id": 1, "json": {
        "type": type_, "status": status, "title": f"{PREFIX}{type_} {i}", "payload": payload,
        "topic": {"record": recid}, "receiver": {"community": centre},
        "created_by": {"user": "1"}}}


def _time(fn, rounds):
    """Milliseconds of ``rounds`` calls of ``fn``."""
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(year, rounds):
    """Time the computation and the reads; returns the figures."""
    t0 = time.perf_counter()
    run = compute.recompute(year)
    compute_s = time.perf_counter() - t0
    service = current_evaluation_service
    me = system_identity
    reads = {
        "indicators_city": lambda: service.indicators(me, year),
        "indicators_department": lambda: service.indicators(
            me, year, None, "department", DEPARTMENTS[3]),
        "indicators_entity": lambda: service.indicators(me, year, "Q2", "entity", ENTITIES[7]),
        "ranking_entities": lambda: service.ranking(me, "requests.on_time", year, "entity"),
        "series_5_years": lambda: service.series(me, "deposit.deposited",
                                                 list(range(year - 4, year + 1))),
        "items_late_requests": lambda: service.items(
            me, "requests.on_time", year, None, "department", DEPARTMENTS[3], subset="rest"),
    }
    for back in range(year - 4, year):  # the series reads computed (empty) years
        service.ensure(back)
    return {"year": year, "facts": run["facts"], "summaries": run["summaries"],
            "compute_seconds": round(compute_s, 2), "phases": run.get("phases"),
            "reads": {name: summary(_time(fn, rounds)) for name, fn in reads.items()}}


BUREAU_EMAIL = "bench-bureau@example.org"
"""The bench's bureau user (created in the benchmark database when missing)."""

BUREAU_PASSWORD = "Bench-Bureau-2026"
"""Its password (a benchmark database only)."""

PAGE_APP_CONFIG = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
"""Settings of the app the pages are timed on: the bench logs in by posting the form."""


def pages(year):
    """``{name: (path, query)}`` of every evaluation page the bench times for ``year``."""
    dept, entity = DEPARTMENTS[3], ENTITIES[7]
    return {
        "page_city": ("/evaluation/", {"year": year}),
        "page_department": ("/evaluation/", {"year": year, "department": dept}),
        "page_entity_q2": ("/evaluation/", {"year": year, "period": "Q2", "entity": entity}),
        "page_ranking_entities": ("/evaluation/", {"year": year, "rank": "requests.on_time",
                                                   "by": "entity"}),
        "page_items_late_requests": ("/evaluation/items", {
            "year": year, "department": dept, "key": "requests.on_time", "subset": "rest"}),
        "report_xlsx": ("/evaluation/report.xlsx", {"year": year}),
        "report_pdf": ("/evaluation/report.pdf", {"year": year, "department": dept}),
        "api_indicators": ("/api/evaluation/indicators", {"year": year}),
    }


PAGES = tuple(pages(2026))
"""Names of the pages :func:`measure_pages` times."""


def bureau_user():
    """The bench's bureau user (created, with the bureau role, when missing)."""
    ensure_roles()
    user = current_datastore.find_user(email=BUREAU_EMAIL)
    if user is None:
        user = current_datastore.create_user(
            email=BUREAU_EMAIL, password=hash_password(BUREAU_PASSWORD), active=True,
            confirmed_at=datetime.utcnow())
    current_datastore.add_role_to_user(user, BUREAU)
    db.session.commit()
    return user


def measure_pages(app, year, rounds):
    """Time every page of :func:`pages` ``rounds`` times as the bench's bureau user, with
    ``app``'s test client (UI app, REST under ``/api``); returns ``{name: figures}``.
    A page answering other than 200 stops the bench (its status and the start of its body).
    The first call of each page (templates compiled, a PDF report laid out before it is
    cached) is timed apart: ``first_ms``."""
    with app.app_context():
        bureau_user()
    client = app.test_client()
    res = client.post("/login", data={"email": BUREAU_EMAIL, "password": BUREAU_PASSWORD},
                      follow_redirects=True)
    if res.status_code != 200:
        raise RuntimeError(f"bench log-in: {res.status_code}")
    out = {}
    for name, (path, query) in pages(year).items():
        def get(path=path, query=query, name=name):
            res = client.get(path, query_string=query)
            if res.status_code != 200:
                raise RuntimeError(f"{name} {path}: {res.status_code} "
                                   f"{res.get_data(as_text=True)[:300]}")
            return res
        first = _time(get, 1)[0]  # cold: templates compiled, fonts found, caches filled
        out[name] = {**summary(_time(get, rounds)), "first_ms": round(first, 1)}
    return out


def print_table(result, out=None):
    """The figures as a table (on ``out``, default the current standard output)."""
    out = out or sys.stdout
    print(f"evaluation {result['year']}: {result['facts']} facts, {result['summaries']} "
          f"summaries computed in {result['compute_seconds']} s ({result.get('phases')})",
          file=out)
    print(f"{'read':28} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'first ms':>9}", file=out)
    for name, figures in {**result["reads"], **result.get("pages", {})}.items():
        print(f"{name:28} {figures['n']:>4} {figures['p50_ms']:>9} {figures['p95_ms']:>9} "
              f"{figures.get('first_ms', ''):>9}", file=out)
    if result.get("load"):
        print(f"load average before / after: {result['load']}", file=out)


def machine():
    """The machine the figures come from: processors and memory."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fp:
            mem = int(fp.readline().split()[1]) // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        mem = None
    return {"cpus": os.cpu_count(), "memory_gb": mem, "platform": platform.platform()}


def main(argv=None):
    """Seed, compute, measure; print and save."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--count", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--year", type=int, default=date.today().year)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--out-dir", default=str(ROOT / ".bench"))
    args = ap.parse_args(argv)
    from invenio_app.factory import create_api, create_app  # noqa: PLC0415 (only when run)

    app = create_api()
    with app.app_context():
        t0 = time.perf_counter()
        added = seed(args.count, args.requests, args.year)
        print(f"benchmark database: {added} added in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
        load = [os.getloadavg()[0]]
        result = {**measure(args.year, args.rounds), "records": args.count,
                  "requests": args.requests}
    result["pages"] = measure_pages(create_app(**PAGE_APP_CONFIG), args.year, args.rounds)
    load.append(os.getloadavg()[0])
    result.update({"load": [round(v, 2) for v in load], "machine": machine(),
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    print_table(result)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"evaluation-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {path}")
    return result


if __name__ == "__main__":
    main()
