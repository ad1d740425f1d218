"""Scale figures of a running instance (issue 21, point 4), read from the real services.

- :func:`process_memory`: the memory of each process group (web workers,
  Celery worker, PostgreSQL, OpenSearch, Redis, and the vanilla app's when it
  runs): RSS now, PSS now (shared pages divided among the processes that map
  them, so PostgreSQL's shared buffers count once) and the RSS high-water mark
  (``VmHWM``), summed over the group's process tree, from ``/proc``;
- :func:`index_sizes`: ``_cat/indices`` of an index prefix (documents, bytes);
- :func:`database_size`: ``pg_database_size`` of a database;
- :func:`directory_times`: the open directory's page and its live export
  (CSV and JSON) over HTTP, p50/p95 and bytes.

Each collector takes its addresses as arguments (``scripts/bench`` gives the
instance's; the tests give the test services').
"""

import json
import os
import time
import urllib.request

from .measure import ms_since, summary

__all__ = ("DIRECTORY_READS", "database_size", "directory_times", "index_sizes",
           "memory_of", "pidfile_groups", "process_memory", "process_tree")

MB = 1024 * 1024
"""Memory and sizes are reported in MiB."""

DIRECTORY_READS = {
    "directory_page": ("/directory/", {}, "text/html"),
    "directory_export_csv": ("/api/directories/open/entries/export", {"format": "csv"}, "*/*"),
    "directory_export_json": ("/api/directories/open/entries/export", {"format": "json"}, "*/*"),
}
"""``{name: (path, query, Accept)}`` of the directory reads timed at scale."""


def _children():
    """``{ppid: [pid, ...]}`` of every process (from ``/proc/<pid>/stat``)."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(name))
    return out


def process_tree(pid, children=None):
    """``pid`` and all its descendants (a list; empty when ``pid`` is not alive)."""
    if not pid or not os.path.exists(f"/proc/{pid}"):
        return []
    children = _children() if children is None else children
    out, todo = [], [int(pid)]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return sorted(out)


def _first_line(path):
    """The first line of ``path`` as an int, or None."""
    try:
        with open(path, encoding="utf-8") as fh:
            return int(fh.readline().strip())
    except (OSError, ValueError):
        return None


def pidfile_groups(run_dir, pg_data=None):
    """``{group: root pid or None}`` of our processes, from their pid files:
    ``web`` (gunicorn master and workers), ``celery``, ``postgresql``
    (``postmaster.pid`` of ``pg_data``), ``opensearch``, ``redis``, and
    ``vanilla_web`` / ``vanilla_celery`` (the bench's plain InvenioRDM)."""
    files = {"web": "web.pid", "celery": "celery.pid", "opensearch": "opensearch.pid",
             "redis": "redis.pid", "vanilla_web": "vanilla-web.pid",
             "vanilla_celery": "vanilla-celery.pid"}
    out = {name: _first_line(os.path.join(run_dir, f)) for name, f in files.items()}
    out["postgresql"] = ((_first_line(os.path.join(pg_data, "postmaster.pid"))
                          or _postmaster(pg_data)) if pg_data else None)
    return out


def _postmaster(pg_data):
    """The pid of the ``postgres -D pg_data`` process, found by its command line (its
    ``postmaster.pid`` is readable only by PostgreSQL's user), or None."""
    want = os.path.abspath(pg_data)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                args = fh.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if args and os.path.basename(args[0]) in ("postgres", "postmaster") and "-D" in args:
            i = args.index("-D")
            if i + 1 < len(args) and os.path.abspath(args[i + 1]) == want:
                return int(name)
    return None


def _status_kb(pid, field):
    """A ``kB`` field of ``/proc/<pid>/status`` (``VmRSS``, ``VmHWM``): 0 when the
    process has none (a kernel thread), None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return 0


def _pss_kb(pid):
    """``Pss`` of ``/proc/<pid>/smaps_rollup`` in kB, or None when unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def memory_of(pids):
    """``{"processes", "rss_mb", "pss_mb", "hwm_mb"}`` summed over those of ``pids``
    alive (one that ends while read is left out; ``pss_mb`` None when the
    ``smaps_rollup`` of a live process cannot be read)."""
    rss = hwm = pss = 0
    processes, pss_known = 0, True
    for pid in pids:
        r, h, p = _status_kb(pid, "VmRSS"), _status_kb(pid, "VmHWM"), _pss_kb(pid)
        if r is None or h is None:
            continue  # gone
        if p is None and _status_kb(pid, "VmRSS") is None:
            continue  # gone between the two reads
        processes, rss, hwm = processes + 1, rss + r, hwm + h
        if p is None:
            pss_known = False
        else:
            pss += p
    return {"processes": processes, "rss_mb": round(rss / 1024, 1),
            "pss_mb": round(pss / 1024, 1) if pss_known else None,
            "hwm_mb": round(hwm / 1024, 1)}


def _comm(pid):
    """The process's name (``/proc/<pid>/comm``), or ``?``."""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as fh:
            return fh.read().strip()
    except OSError:
        return "?"


def process_memory(groups):
    """``{group: memory_of(its process tree)}`` of the groups whose root is alive
    (``groups`` as :func:`pidfile_groups` answers), each with ``each``: the pid,
    name and RSS of every process of the group."""
    children = _children()
    out = {}
    for name, pid in groups.items():
        tree = process_tree(pid, children)
        if tree:
            each = [{"pid": p, "name": _comm(p), "rss_mb": round(kb / 1024, 1)}
                    for p in tree if (kb := _status_kb(p, "VmRSS")) is not None]
            out[name] = {"pid": pid, **memory_of(tree), "each": each}
    return out


def index_sizes(search_url, prefix):
    """``{"indices": {name: {"docs", "mb"}}, "docs", "mb"}`` of the indices named
    ``<prefix>*`` (``_cat/indices``; primaries and replicas as stored)."""
    if not prefix or len(prefix) < 3:
        raise ValueError(f"index prefix {prefix!r} is too short to be ours alone")
    url = f"{search_url.rstrip('/')}/_cat/indices/{prefix}*?format=json&bytes=b"
    with urllib.request.urlopen(url, timeout=30) as res:  # noqa: S310 (a local service)
        rows = json.load(res)
    indices = {r["index"]: {"docs": int(r.get("docs.count") or 0),
                            "mb": round(int(r.get("store.size") or 0) / MB, 2)}
               for r in sorted(rows, key=lambda r: r["index"])}
    return {"indices": indices, "docs": sum(i["docs"] for i in indices.values()),
            "mb": round(sum(i["mb"] for i in indices.values()), 2)}


def database_size(dsn, name):
    """``pg_database_size(name)`` in MiB (``dsn``: a libpq connection string)."""
    import psycopg2  # noqa: PLC0415 (only when measured)

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_database_size(%s)", (name,))
        return round(cur.fetchone()[0] / MB, 2)


def directory_times(http, rounds=3, reads=DIRECTORY_READS):
    """Time each directory read ``rounds`` times over ``http`` (``measure.Http``);
    ``{name: summary + bytes}``; a read that does not answer 200 is
    ``{"error": "HTTP ..."}`` (the other reads go on)."""
    out = {}
    for name, (path, query, accept) in reads.items():
        times, size = [], 0
        for _ in range(max(1, rounds)):
            t = time.perf_counter()
            status, _, raw = http.call("GET", path, {"Accept": accept}, params=query or None)
            if status != 200:
                out[name] = {"error": f"HTTP {status}: {(raw or b'')[:200]!r}"}
                break
            times.append(ms_since(t))
            size = len(raw or b"")
        else:
            out[name] = {**summary(times), "bytes": size}
    return out
