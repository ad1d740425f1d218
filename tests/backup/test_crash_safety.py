"""Crash safety (issue 17): kill -9 in the middle of review decisions leaves nothing half-done.

A real gunicorn serves the module's database (its own PostgreSQL cluster, see
conftest). Review decisions are posted to it concurrently, then:

- the web server (master and worker) is killed with SIGKILL while they run;
- PostgreSQL (postmaster and every backend) is killed with SIGKILL while they run.

After a restart (what ``scripts/run`` does: start what is stopped) every
request is either decided with all its effects (a deposit accepted has its
confidentiality review; a review passed has its published record and its
directory entry) or still waiting, and deciding it again completes it: no
request is stuck.
"""

import hashlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import requests
from celery import current_app as current_celery_app
from invenio_access.permissions import system_identity
from invenio_db import db as invenio_db
from invenio_indexer.proxies import current_indexer_registry
from invenio_rdm_records.proxies import current_rdm_records_service
from invenio_rdm_records.records.api import RDMRecord
from invenio_requests.proxies import current_requests_service
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from pytest_invenio.user import UserFixtureBase
from sqlalchemy import text

from tests.access.conditional import upload
from tests.backup.conftest import ROOT, free_port
from techdata.kernel import roles
from techdata.upgrade import catch_up_search_index
from tests.helpers import (CHECKLIST, GRADING, deposit, token_headers,
                           user_with_role)

SERVICES = Path(os.environ.get("TD_SERVICES", ROOT / ".services"))


class Server:
    """gunicorn over the module's database, killable and restartable."""

    def __init__(self, app_config, site):
        """Configured like the browser tests' server, on ``site``'s cluster."""
        self.inst = Path(tempfile.mkdtemp(prefix="techdata-crash-"))
        static = SERVICES / "instance" / "static"
        (self.inst / "invenio.cfg").symlink_to(ROOT / "invenio.cfg")
        (self.inst / "static").symlink_to(static)
        (self.inst / "templates").symlink_to(ROOT / "templates")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "INVENIO_INSTANCE_PATH": str(self.inst), "INVENIO_STATIC_FOLDER": str(static),
            "TD_WEB_PORT": str(self.port), "TD_SECRET_KEY": app_config["SECRET_KEY"],
            "INVENIO_SECURITY_PASSWORD_SALT": app_config["SECURITY_PASSWORD_SALT"],
            "TD_PG_PORT": str(site.port), "TD_PG_DB": "techdata",
            "TD_INDEX_PREFIX": app_config["SEARCH_INDEX_PREFIX"],
            "INVENIO_CACHE_REDIS_URL": app_config["CACHE_REDIS_URL"],
            "INVENIO_ACCOUNTS_SESSION_REDIS_URL": app_config["ACCOUNTS_SESSION_REDIS_URL"],
            "INVENIO_COMMUNITIES_IDENTITIES_CACHE_REDIS_URL":
                app_config["COMMUNITIES_IDENTITIES_CACHE_REDIS_URL"],
            "INVENIO_CELERY_TASK_ALWAYS_EAGER": "True",
            "INVENIO_TECHDATA_CERTIFICATE_KEY_PATH": app_config["TECHDATA_CERTIFICATE_KEY_PATH"],
        }
        self.proc = None

    def start(self):
        """Start gunicorn (its own process group) and wait until it answers."""
        log = open(self.inst / "gunicorn.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "techdata.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4",
             "--timeout", "120", "--no-control-socket", "--chdir", str(self.inst)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 300
        while time.time() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/api/records?size=1", timeout=5) as res:
                    if res.status == 200:
                        return
            except Exception:  # noqa: BLE001  (not up yet)
                time.sleep(1)
        raise RuntimeError((self.inst / "gunicorn.log").read_text()[-4000:])

    def kill9(self):
        """SIGKILL the master and its workers at once (nothing to do when it is down)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def ensure(self):
        """Start it again when a test before left it down (each test starts from a server
        that answers, whatever the one before did)."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()

    def stop(self):
        """Stop it for good."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        shutil.rmtree(self.inst, ignore_errors=True)


@pytest.fixture(scope="module")
def gunicorn(running_app, app_config, sites, datasets):
    """The module's server (started after the module's fixtures committed their data)."""
    srv = Server(app_config, sites["live"])
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def server(gunicorn):
    """The module's server, up at the start of each test."""
    gunicorn.ensure()
    return gunicorn


def kill9_postgres(site):
    """SIGKILL the cluster's postmaster and all its backends."""
    data = site.root / "postgres" / "data"
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                              text=True).stdout.split()
    for pid in [postmaster, *map(int, children)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(1)


def post_all_then(url, calls, headers, kill, after):
    """POST ``calls`` ([(path, body)]) concurrently, ``kill()`` after ``after`` s.

    Returns each call's status code, or None when it got no answer (it was in flight).
    """
    results = [None] * len(calls)

    def call(i, path, body):
        time.sleep(0.15 * i)
        try:
            results[i] = requests.post(url + path, json=body, headers=headers, timeout=60).status_code
        except requests.RequestException:
            results[i] = None

    threads = [threading.Thread(target=call, args=(i, p, b)) for i, (p, b) in enumerate(calls)]
    for t in threads:
        t.start()
    time.sleep(after)
    kill()
    for t in threads:
        t.join(90)
    return results


def waiting_on_locks():
    """How many of the database's sessions wait for a lock."""
    return sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               "AND datname = current_database()")[0][0]


def decide_while_held(url, calls, headers, held, kill):
    """POST each of ``calls`` ([(path, body, request id)]) at once while another session
    holds the rows of the requests in ``held`` (FOR UPDATE): the decisions on the others
    finish, those on the held ones wait inside their transaction (on their request's row,
    which each writes before the audit chain's lock). Once they all wait, ``kill()``.

    Deterministic where a kill after a fixed delay was not: a decision is in flight at the
    kill however fast the machine decides. Returns each call's status code, or None when
    it got no answer.
    """
    results = [None] * len(calls)
    done = [threading.Event() for _ in calls]

    def call(i, path, body):
        try:
            results[i] = requests.post(url + path, json=body, headers=headers,
                                       timeout=120).status_code
        except requests.RequestException:
            results[i] = None
        done[i].set()

    blocker = invenio_db.engine.connect()
    hold = blocker.begin()
    blocker.execute(text("SELECT id FROM request_metadata "
                         "WHERE id = ANY(CAST(:ids AS uuid[])) FOR UPDATE"), {"ids": list(held)})
    threads = [threading.Thread(target=call, args=(i, path, body))
               for i, (path, body, _) in enumerate(calls)]
    try:
        for t in threads:
            t.start()
        free = [i for i, (_, _, rid) in enumerate(calls) if rid not in held]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
                all(done[i].is_set() for i in free) and waiting_on_locks() >= len(held)):
            time.sleep(0.2)
        assert all(done[i].is_set() for i in free), f"the free decisions never ended: {results}"
        assert waiting_on_locks() >= len(held), "the held decisions never reached their row"
        kill()
    finally:
        try:
            hold.rollback()
            blocker.close()
        except Exception:  # noqa: BLE001  (PostgreSQL itself was the one killed)
            blocker.invalidate()
    for t in threads:
        t.join(150)
    return results


def sql(query):
    """Rows of a query on the module's database, in a fresh transaction (on a fresh
    connection after PostgreSQL was killed)."""
    for attempt in (1, 2):
        try:
            invenio_db.session.rollback()
            return invenio_db.session.execute(text(query)).fetchall()
        except Exception:  # noqa: BLE001  (a connection PostgreSQL's death broke)
            if attempt == 2:
                raise
            invenio_db.engine.dispose()  # the session stays (module fixtures hold its objects)
            try:
                invenio_db.session.rollback()
            except Exception:  # noqa: BLE001
                pass


def deposit_state(recid):
    """(deposit review status, confidentiality review status or None, published, in directory)."""
    rows = sql("SELECT type, status FROM request_metadata r, jsonb_to_record(r.json) AS "
               "j(type text, status text, topic jsonb) "
               f"WHERE j.topic->>'record' = '{recid}'")
    by_type = {t: s for t, s in rows}
    published = sql("SELECT count(*) FROM rdm_records_metadata m JOIN pidstore_pid p "
                    "ON p.object_uuid = m.id WHERE p.pid_type = 'recid' "
                    f"AND p.pid_value = '{recid}'")[0][0] == 1
    entry = sql(f"SELECT count(*) FROM techdata_directory_entry WHERE record_pid = '{recid}'")[0][0]
    return (by_type.get("deposit-review"), by_type.get("confidentiality-review"), published,
            entry > 0)


def consistent(state):
    """Whether a deposit is in one of the states a finished or untouched decision leaves."""
    return state in {
        ("submitted", None, False, False),             # deposit decision not taken
        ("accepted", "submitted", False, False),        # accepted, confidentiality review waits
        ("accepted", "accepted", True, True),           # passed: published, in the directory
    }


@pytest.fixture(scope="module")
def submitted(running_app, datasets):
    """Three deposits with a file, submitted to the data centre: {recid: review request id}."""
    flow, headers = datasets["flow"], datasets["owner_headers"]
    client = running_app.test_client()
    out = {}
    for n in range(3):
        draft = flow.create(deposit(title=f"断电演练数据集 {n}", files=True))
        upload(client, headers, draft["id"])
        out[draft["id"]] = flow.submit(draft["id"])["id"]
    invenio_db.session.commit()
    return out


def test_web_server_killed_during_deposit_decisions(server, submitted, datasets):
    """kill -9 of gunicorn while three deposit decisions run (two of them held inside their
    transaction): each is all or nothing, and the ones not done can be decided after the
    restart."""
    flow = datasets["flow"]
    calls = [(f"/api/techdata/reviews/{rid}/decision", {"decision": "accept", "grading": GRADING},
              rid) for rid in submitted.values()]
    held = {rid for _, _, rid in calls[1:]}
    results = decide_while_held(server.url, calls, flow.curator, held, server.kill9)
    assert results == [200, None, None], results
    for recid in submitted:
        assert consistent(deposit_state(recid)), (recid, deposit_state(recid))

    server.start()  # what scripts/run does: start what is stopped, after its upgrade step,
    catch_up_search_index()  # which puts back in the index what was committed, not indexed
    for recid, rid in submitted.items():
        if deposit_state(recid)[0] == "submitted":
            res = requests.post(f"{server.url}/api/techdata/reviews/{rid}/decision",
                                json={"decision": "accept", "grading": GRADING},
                                headers=flow.curator, timeout=120)
            assert res.status_code == 200, res.text
        assert deposit_state(recid)[:2] == ("accepted", "submitted")
    current_requests_service.indexer.refresh()
    for recid in submitted:  # each waiting confidentiality review is in the reviewer's list
        assert datasets["flow"].confidentiality_request(recid), recid


def test_postgres_killed_during_confidentiality_decisions(server, submitted, datasets, sites):
    """kill -9 of PostgreSQL while three confidentiality decisions (publish + directory entry)
    run (two of them held inside their transaction): after crash recovery each deposit is
    published with its directory entry, or still waiting and can be passed."""
    flow = datasets["flow"]
    current_requests_service.indexer.refresh()
    reviews = {recid: flow.confidentiality_request(recid)["id"] for recid in submitted}
    body = {"decision": "pass", "checklist": CHECKLIST, "reasons": "无涉密内容 / nothing classified"}
    calls = [(f"/api/techdata/reviews/{rid}/decision", body, rid) for rid in reviews.values()]
    held = {rid for _, _, rid in calls[1:]}
    results = decide_while_held(server.url, calls, flow.reviewer, held,
                                lambda: kill9_postgres(sites["live"]))
    assert results[0] == 200 and 200 not in results[1:], results

    sites["live"].shell("postgres_start")  # crash recovery, as scripts/run starts it
    server.kill9()
    server.start()
    for recid in submitted:
        assert consistent(deposit_state(recid)), (recid, deposit_state(recid))
    catch_up_search_index()  # scripts/run's upgrade step, before its web step
    for recid, rid in reviews.items():
        if deposit_state(recid)[1] == "submitted":
            res = requests.post(f"{server.url}/api/techdata/reviews/{rid}/decision", json=body,
                                headers=flow.reviewer, timeout=120)
            assert res.status_code == 200, res.text
        assert deposit_state(recid) == ("accepted", "accepted", True, True)


def put_slowly_then_kill(server, path, headers, size, kill_after):
    """PUT ``size`` bytes to ``path`` in 256 KiB pieces, slowly; after ``kill_after`` bytes
    sent, kill -9 the server. Returns the bytes sent."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.putrequest("PUT", path)
    for name, value in {**headers, "Content-Type": "application/octet-stream",
                        "Content-Length": str(size)}.items():
        conn.putheader(name, value)
    conn.endheaders()
    piece, sent = b"x" * (256 * 1024), 0
    try:
        while sent < size:
            conn.send(piece)
            sent += len(piece)
            if sent >= kill_after:
                server.kill9()
                break
            time.sleep(0.05)
    finally:
        conn.close()
    return sent


def test_upload_killed_half_way(server, datasets):
    """kill -9 of the web server in the middle of a file upload: no half file is counted as
    stored (no committed file, no checksum, nothing a backup or fixity check lists), the
    entry stays pending, and the depositor uploads it again after the restart."""
    headers = datasets["owner_headers"]
    draft = requests.post(f"{server.url}/api/records", json=deposit(title="断点上传数据集",
                                                                     files=True),
                          headers=headers, timeout=60)
    assert draft.status_code == 201, draft.text
    recid = draft.json()["id"]
    base = f"/api/records/{recid}/draft/files"
    res = requests.post(server.url + base, json=[{"key": "big.bin"}], headers=headers, timeout=60)
    assert res.status_code == 201, res.text
    size = 8 * 2**20
    sent = put_slowly_then_kill(server, f"{base}/big.bin/content", headers, size, size // 2)
    assert 0 < sent < size

    server.start()
    res = requests.get(f"{server.url}{base}/big.bin", headers=headers, timeout=60)
    assert res.status_code == 200 and res.json()["status"] == "pending", res.text
    stored = sql("SELECT count(*) FROM files_object o JOIN rdm_drafts_metadata d "
                 "ON d.bucket_id = o.bucket_id JOIN files_files f ON f.id = o.file_id "
                 f"WHERE o.key = 'big.bin' AND d.json->>'id' = '{recid}'")[0][0]
    assert stored == 0  # the half upload's transaction died with the process
    assert sql("SELECT count(*) FROM files_files WHERE size = %d" % sent)[0][0] == 0

    body = bytes(range(256)) * 4096  # 1 MiB, uploaded again whole
    res = requests.put(f"{server.url}{base}/big.bin/content", data=body, timeout=120,
                       headers={**headers, "Content-Type": "application/octet-stream"})
    assert res.status_code == 200, res.text
    res = requests.post(f"{server.url}{base}/big.bin/commit", headers=headers, timeout=60)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "completed"
    assert res.json()["checksum"] == "md5:" + hashlib.md5(body).hexdigest()
    sha = sql("SELECT s.sha256 FROM techdata_file_sha256 s JOIN files_object o "
              "ON o.file_id = s.file_id JOIN rdm_drafts_metadata d ON d.bucket_id = o.bucket_id "
              f"WHERE o.key = 'big.bin' AND d.json->>'id' = '{recid}'")
    assert [r[0] for r in sha] == [hashlib.sha256(body).hexdigest()]


def test_directory_release_killed_mid_way(server, submitted, datasets, app):
    """kill -9 of the web server while a directory release is being published (held inside
    its transaction, on the release lock): the release is not half-published (still
    approved, no number, no entry marked released) and publishing it again completes it."""
    releases = app.extensions["techdata"].directory_release_service
    draft = releases.compile(system_identity, "open")
    assert draft.entry_count > 0
    releases.submit(system_identity, "open")
    releases.review(system_identity, "open", {"decision": "pass", "checklist": CHECKLIST,
                                              "reasons": ""})
    invenio_db.session.commit()
    bureau = user_with_role(UserFixtureBase, app, invenio_db, "crash-bureau@test.example.org",
                            roles.BUREAU)
    headers = token_headers(bureau, invenio_db, name="crash")
    released_before = sql("SELECT count(*) FROM techdata_directory_entry "
                          "WHERE last_released_at IS NOT NULL")[0][0]

    # another session holds the release lock: the publish waits inside its transaction
    blocker = invenio_db.engine.connect()
    blocker.execute(text("SELECT pg_advisory_lock(7000000)"))  # audience "open"
    try:
        results = post_all_then(server.url, [("/api/directories/open/releases/draft/publish",
                                              {})], headers, server.kill9, after=2.0)
    finally:
        blocker.execute(text("SELECT pg_advisory_unlock(7000000)"))
        blocker.close()
    assert results == [None]  # it was in flight
    time.sleep(1)
    state = sql("SELECT status, number FROM techdata_directory_release "
                "WHERE audience = 'open' ORDER BY id DESC LIMIT 1")[0]
    assert tuple(state) == ("approved", None)
    assert sql("SELECT count(*) FROM techdata_directory_entry "
               "WHERE last_released_at IS NOT NULL")[0][0] == released_before

    server.start()
    res = requests.post(f"{server.url}/api/directories/open/releases/draft/publish", json={},
                        headers=headers, timeout=120)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "published" and res.json()["number"] >= 1
    assert sql("SELECT count(*) FROM techdata_directory_entry "
               "WHERE last_released_at IS NOT NULL")[0][0] > released_before


def test_celery_worker_killed_while_indexing(server, submitted, datasets, app_config):
    """kill -9 of a Celery worker in the middle of a bulk-indexing task: the messages it had
    taken (InvenioRDM acknowledges each as it builds the action, before the bulk request)
    are lost, so published records are missing from the search; the start-up catch-up
    (scripts/run's upgrade step) puts them back."""
    rdm = current_rdm_records_service
    targets = [str(RDMRecord.pid.resolve(recid).id) for recid in submitted]
    fillers = [str(RDMRecord.pid.resolve(datasets[k]).id) for k in ("conditional", "open")]
    alias = build_alias_name("rdmrecords-records")

    def indexed():
        rdm.indexer.refresh()
        hits = current_search_client.search(index=alias, body={
            "query": {"ids": {"values": targets}}, "_source": False})["hits"]["hits"]
        return [u for u in targets if u in {h["_id"] for h in hits}]

    # published and indexed: the catch-up of the previous test queued them, and the server's
    # own worker may be the one taking them off the queue (a few seconds under load)
    deadline = time.monotonic() + 60
    while indexed() != targets and time.monotonic() < deadline:
        time.sleep(1)
    assert indexed() == targets
    for uuid in targets:  # as if their index write had been left to the worker
        rdm.indexer.delete_by_id(uuid)
    assert indexed() == []
    name = "records"  # InvenioRDM's name of the records' indexer (its bulk queue)
    queue = current_indexer_registry.get(name).mq_queue
    with current_celery_app.connection() as conn:
        queue.bind(conn.channel()).purge()
    # the targets first: the worker takes (acknowledges) them, then builds the fillers'
    # actions; the bulk request goes out after 500 actions, long after the kill
    rdm.indexer.bulk_index(targets + fillers * 300)

    def waiting():
        with current_celery_app.connection() as conn:
            return queue.bind(conn.channel()).queue_declare(passive=True).message_count

    before = waiting()
    env = {k: v for k, v in server.env.items() if k != "INVENIO_CELERY_TASK_ALWAYS_EAGER"}
    env.update(INVENIO_BROKER_URL=app_config["CELERY_BROKER_URL"],
               INVENIO_CELERY_BROKER_URL=app_config["CELERY_BROKER_URL"],
               INVENIO_CELERY_RESULT_BACKEND=app_config["CELERY_BROKER_URL"])
    log = open(server.inst / "celery.log", "a")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "techdata.worker", "worker", "--pool", "solo",
         "-Q", "techdata-crash", "-l", "INFO", "--without-mingle", "--without-gossip"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        cwd=str(server.inst))
    try:
        current_celery_app.send_task("invenio_indexer.tasks.process_bulk_queue",
                                     kwargs={"indexer_name": name}, queue="techdata-crash")
        deadline = time.time() + 180
        while time.time() < deadline and waiting() > before - 20 and worker.poll() is None:
            time.sleep(0.2)
        assert worker.poll() is None, (server.inst / "celery.log").read_text()[-3000:]
        assert waiting() <= before - 20, "the worker never started on the queue"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
    assert indexed() == []  # the kill lost them: taken from the queue, never sent
    with current_celery_app.connection() as conn:  # the fillers left (only to save time)
        queue.bind(conn.channel()).purge()

    catch_up_search_index()
    assert indexed() == targets
