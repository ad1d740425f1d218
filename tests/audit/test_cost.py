"""The trail's cost (issue 16): one INSERT per entry, a download's entry written by a worker,
every search copy made after the commit."""

import uuid
from contextlib import contextmanager
from datetime import datetime

from celery.signals import before_task_publish
from invenio_access.permissions import system_identity
from invenio_audit_logs.records.models import AuditLog
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from sqlalchemy import event
from sqlalchemy.engine import Engine

from techdata.bench.audit_overhead import tasks_queued
from techdata.kernel import audit
from techdata.kernel.audit_chain import AuditChainLink, verify
from tests.access.conditional import FILE_BODY, FILE_KEY
from tests.audit.conftest import trail
from tests.helpers import deposit


@contextmanager
def statements():
    """The SQL statements run while inside (a list, filled as they run)."""
    seen = []

    def note(conn, cursor, statement, params, context, executemany):
        seen.append(" ".join(statement.split()))
    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


@contextmanager
def published(task):
    """The argument lists of the messages of ``task`` sent to the broker while inside."""
    sent = []

    def note(sender=None, body=None, **kwargs):
        if sender == task.name:
            sent.append(body[0] if isinstance(body, (list, tuple)) else body["args"])
    before_task_publish.connect(note, weak=False)
    try:
        yield sent
    finally:
        before_task_publish.disconnect(note)


def _on(stmts, verb, table):
    """The statements of ``stmts`` that are ``verb`` (INSERT, UPDATE, SELECT) on ``table``."""
    return [s for s in stmts if s.startswith(verb) and
            (f"INTO {table} " in s or f"UPDATE {table} " in s or f"FROM {table} " in s)]


def test_an_entry_is_one_insert_and_its_link_does_not_read_it_back(audit_app, db):
    """An entry committed on its own: one INSERT of the row, none of it updated or read
    again; the link is the lock, the last link and one INSERT; the chain verifies."""
    with statements() as stmts, tasks_queued():
        audit.log("techdata.calendar.load", "cal-cost", identity=system_identity,
                  before={"days": 1}, after={"days": 2})
    assert len(_on(stmts, "INSERT", "audit_logs_metadata")) == 1, stmts
    assert _on(stmts, "UPDATE", "audit_logs_metadata") == [], stmts
    assert _on(stmts, "SELECT", "audit_logs_metadata") == [], stmts
    assert len(_on(stmts, "INSERT", "techdata_audit_chain")) == 1, stmts
    assert len(_on(stmts, "SELECT", "techdata_audit_chain")) == 1, stmts  # the last link
    assert sum("pg_advisory_xact_lock" in s for s in stmts) == 1
    assert verify()[1] is None


def test_download_entry_is_written_after_the_response(audit_app, datasets, db):
    """With tasks queued as served, the download's request writes nothing to the trail; its
    one message is sent once the response has gone (the WSGI server's close, after the last
    byte); the worker's run writes the entry with the download's moment, once, chained
    (LZ Art. 21, 38)."""
    recid, client = datasets["conditional"], audit_app.test_client()
    rows = AuditLog.query.count()
    with tasks_queued(), statements() as stmts, published(audit.write_entry) as sent:
        res = client.get(f"/api/records/{recid}/files/{FILE_KEY}/content",
                         headers=datasets["owner_headers"])
        assert res.status_code == 200 and res.data == FILE_BODY
        assert sent == []  # the whole body is out, the message not yet sent
        res.close()
    assert [s for s in stmts if "audit_logs_metadata" in s or "techdata_audit_chain" in s] == []
    assert len(sent) == 1 and sent[0][0]["action"] == "techdata.file.download"
    data = sent[0][0]
    assert data["user"]["email"] == "provider-owner@test.example.org"
    assert data["metadata"]["details"]["file"] == FILE_KEY
    assert AuditLog.query.count() == rows  # not yet in the trail
    audit.write_entry(data)  # the worker
    audit.write_entry(data)  # a message delivered twice writes one entry
    assert AuditLog.query.count() == rows + 1
    row = db.session.get(AuditLog, uuid.UUID(data["id"]))
    moment = datetime.fromisoformat(data["created"]).replace(tzinfo=None)
    assert row.created.replace(tzinfo=None) == moment  # the download's moment, not the worker's
    assert AuditChainLink.query.filter_by(log_id=row.id).count() == 1
    assert verify()[1] is None
    assert data["id"] in {str(e["id"]) for e in trail(recid, "techdata.file.download")}


def test_invenio_entries_are_indexed_after_the_commit(audit_app, datasets):
    """InvenioRDM's own entries (here ``draft.create``) are handed to the indexing task after
    the commit, not written to the search engine in the request
    (``AUDIT_LOGS_SERVICE_COMPONENTS``); the task makes them searchable."""
    with tasks_queued(), published(audit.index_entries) as sent:
        draft = datasets["flow"].create(deposit())
    resource = AuditLog.json["resource"]["id"].as_string()
    created = AuditLog.query.filter(AuditLog.action == "draft.create",
                                    resource == draft["id"]).one()
    assert [str(created.id)] in [args[0] for args in sent]
    alias = build_alias_name("auditlog")
    current_search_client.indices.refresh(index=alias)
    hits = current_search_client.search(index=alias, body={
        "query": {"term": {"id": str(created.id)}}})["hits"]["hits"]
    assert hits == []  # not indexed in the request
    audit.index_entries([str(created.id)])  # the worker
    assert [e["action"] for e in trail(draft["id"], "draft.create")] == ["draft.create"]
