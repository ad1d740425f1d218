"""The scale collectors of ``scripts/bench`` (``bench.scale``) against the real services:
the processes' memory from ``/proc``, OpenSearch's ``_cat/indices``, PostgreSQL's
database size, the directory page and export over the bench's HTTP layer."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from invenio_db import db
from sqlalchemy import text

from techdata.bench import scale
from techdata.bench.full import scale_figures
from tests.helpers import deposit

SERVICES = Path(os.environ.get("TD_SERVICES") or Path(__file__).resolve().parents[2] / ".services")
"""The services' folder (pid files under ``run/``, PostgreSQL's data under ``postgres/data``)."""


def _search_url(app):
    """The test app's OpenSearch."""
    host = app.config["SEARCH_HOSTS"][0]
    return f"http://{host['host']}:{host['port']}"


def _dsn():
    """A libpq connection string to the test database's server."""
    url = db.engine.url
    return (f"host={url.host} port={url.port} user={url.username} password={url.password} "
            f"dbname={url.database}")


def test_process_tree_and_memory_of_real_processes():
    """A child started here is in our tree; its memory is read; a dead pid has none."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = scale.process_tree(os.getpid())
        assert os.getpid() in tree and child.pid in tree
        assert scale.process_tree(child.pid) == [child.pid]
        mem = scale.memory_of([child.pid])
        assert mem["processes"] == 1 and 0 < mem["rss_mb"] <= mem["hwm_mb"]
        assert mem["pss_mb"] is not None and 0 < mem["pss_mb"] <= mem["rss_mb"]
    finally:
        child.kill()
        child.wait()
    assert scale.process_tree(child.pid) == [] and scale.memory_of([child.pid])["processes"] == 0
    assert scale.process_tree(None) == []


def test_memory_of_the_services():
    """PostgreSQL (postmaster and its workers), OpenSearch and Redis as they run, from
    their pid files; PSS counts shared pages once, so PostgreSQL's is below its RSS sum."""
    groups = scale.pidfile_groups(str(SERVICES / "run"), str(SERVICES / "postgres" / "data"))
    assert set(groups) >= {"web", "celery", "postgresql", "opensearch", "redis"}
    mem = scale.process_memory(groups)
    assert {"postgresql", "opensearch", "redis"} <= set(mem), (groups, mem)
    pg = mem["postgresql"]
    assert pg["processes"] > 1 and pg["pid"] == groups["postgresql"]
    assert 0 < pg["rss_mb"] <= pg["hwm_mb"]
    if pg["pss_mb"] is not None:  # readable as root or as PostgreSQL's user
        assert 0 < pg["pss_mb"] < pg["rss_mb"]
    assert scale._postmaster(str(SERVICES / "postgres" / "data")) == groups["postgresql"]
    assert mem["opensearch"]["rss_mb"] > 100  # a JVM with its heap
    each = pg["each"]
    assert pg["pid"] in {e["pid"] for e in each} and {e["name"] for e in each} >= {"postgres"}
    assert abs(sum(e["rss_mb"] for e in each) - pg["rss_mb"]) < 0.1 * pg["rss_mb"] + 1
    for name, pid in groups.items():
        assert (name in mem) == bool(pid and os.path.exists(f"/proc/{pid}")), name


def test_index_sizes_of_our_prefix_only(running_app):
    """``_cat/indices`` of the test prefix: every index ours, the documents as OpenSearch
    counts them; a prefix too short to be ours alone is refused."""
    app = running_app
    prefix, url = app.config["SEARCH_INDEX_PREFIX"], _search_url(app)
    sizes = scale.index_sizes(url, prefix)
    assert sizes["indices"] and all(name.startswith(prefix) for name in sizes["indices"])
    assert sizes["mb"] > 0 and sizes["docs"] == sum(i["docs"] for i in sizes["indices"].values())
    name = next(n for n in sizes["indices"] if "vocabularies" in n)
    with urllib.request.urlopen(f"{url}/{name}/_count") as res:
        assert json.load(res)["count"] <= sizes["indices"][name]["docs"]  # nested docs count too
    with pytest.raises(ValueError):
        scale.index_sizes(url, "te")


def test_database_size(running_app):
    """The test database's size as PostgreSQL reports it, in MiB."""
    name = db.engine.url.database
    mb = scale.database_size(_dsn(), name)
    size = db.session.execute(text("SELECT pg_database_size(current_database())")).scalar()
    assert mb > 1 and abs(mb - size / scale.MB) < 1


def test_directory_page_and_export(running_app, bench_http, workflow):
    """The open directory's page and its CSV and JSON exports are timed, with their
    bytes; a published open dataset is in them; a read refused is an error, not a time."""
    empty = scale.directory_times(bench_http, rounds=1)
    workflow.publish(deposit(title="规模基准目录测试数据"))
    times = scale.directory_times(bench_http, rounds=2)
    assert set(times) == set(scale.DIRECTORY_READS)
    for name, row in times.items():
        assert row["n"] == 2 and row["p95_ms"] > 0, (name, row)
        assert row["bytes"] > empty[name]["bytes"], name
    _, _, raw = bench_http.call("GET", "/api/directories/open/entries/export",
                                params={"format": "csv"})
    assert "规模基准目录测试数据" in raw.decode("utf-8-sig")
    bad = scale.directory_times(bench_http, reads={"nope": ("/api/directories/nope/entries/export",
                                                            {}, "*/*")})
    assert bad["nope"]["error"].startswith("HTTP 404")


def test_scale_figures_together(running_app, bench_http):
    """``bench.full``'s scale section: memory, indices, database and directory in one dict."""
    app = running_app
    url = db.engine.url
    out = scale_figures(bench_http, str(SERVICES / "run"), str(SERVICES / "postgres" / "data"),
                        _search_url(app), {"ours": app.config["SEARCH_INDEX_PREFIX"]},
                        _dsn(), {"ours": url.database}, rounds=1)
    assert set(out) == {"memory", "indices", "database_mb", "directory"}
    assert "opensearch" in out["memory"] and out["indices"]["ours"]["mb"] > 0
    assert out["database_mb"]["ours"] > 1 and out["directory"]["directory_page"]["n"] == 1
