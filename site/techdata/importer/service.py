"""``ImportService``: a city's historical catalogue in, through our rules, in batches.

Each row goes through the RDM records service as a deposit does (schema,
``DepositRulesComponent``, project link, ``ConfidentialityGate``, directory
entry), as the owner; the deposit review and the confidentiality review it
passed at the time are recorded as *imported* requests (decided by, on, the
grading basis and reasons then; CD-TD Art. 11, 24), which is what the gate
asks for before anything is opened. Then the record is published into the
city data centre.

Batching: one database transaction per batch of rows (a savepoint per row,
so a bad row is rolled back alone and reported), and no indexing per
record: the unit of work keeps the ids of what it would have indexed and
the service bulk-indexes the batch's published records and requests once
the batch is committed.

Idempotent and resumable: the source key is stored on the record as the
identifier ``td-import:<key>``; the keys already imported are read in one
query and skipped, so a re-run (or a run after an interrupted one, whose
last batch was rolled back) imports only what is missing.
"""

import time
from dataclasses import dataclass, field

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_audit_logs.proxies import current_audit_logs_service
from invenio_accounts.models import Role
from invenio_communities.proxies import current_communities
from invenio_db import db
from invenio_db.uow import UnitOfWork
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_records_resources.services.uow import RecordCommitOp, RecordDeleteOp
from invenio_requests.proxies import current_requests_service
from invenio_search.engine import search
from marshmallow import ValidationError
from sqlalchemy import text

from ..kernel.i18n import _, bilingual
from ..kernel.services import DomainService, DomainServiceConfig
from ..kernel.time import utcnow
from ..review.centres import ensure_city_centre
from ..review.fingerprint import content_fingerprint
from ..review.requests import ConfidentialityReview, DepositReview
from .permissions import ImportPermissionPolicy
from .documents import indexer_actions, record_actions
from .fast import CHECKLIST_IMPORTED, FastBatch, fast_path_refusal
from .rows import KEY_PREFIX, KEY_SCHEME, RowError, parse_row, service_errors

__all__ = ("CHECKLIST_IMPORTED", "BatchUnitOfWork", "ImportReport", "ImportService",
           "ImportServiceConfig", "imported_keys")

BULK_TIMEOUT = 120
"""Seconds a bulk index request may take (the client's default of 10 s timed out on a
loaded machine, after the batch was committed; issue 21)."""


class BatchUnitOfWork(UnitOfWork):
    """A unit of work for many records: commits once, indexes nothing itself.

    Record commits still write to the database when registered; their
    indexing is not done per record but remembered (``to_index``: indexer →
    ids) for one bulk request at the end. ``mark``/``undo`` drop what a row
    registered when its savepoint is rolled back.
    """

    def __init__(self, session=None):
        """An empty unit of work on ``session``."""
        super().__init__(session)
        self.to_index = {}
        self._marks = None

    def register(self, op):
        """Run the op's registration; keep index work for the end."""
        if isinstance(op, (RecordCommitOp, RecordDeleteOp)):
            op.on_register(self)  # writes (or deletes) in the database now
            indexer = getattr(op, "_indexer", None)
            record = getattr(op, "_record", None)
            if isinstance(op, RecordCommitOp) and indexer is not None and record is not None:
                self.to_index.setdefault(indexer, []).append(record.id)
            return  # parent commits, draft index deletes: nothing to index per record
        super().register(op)

    def mark(self):
        """Remember where a row starts."""
        self._marks = (len(self._operations), {k: len(v) for k, v in self.to_index.items()})

    def undo(self):
        """Forget what the row since ``mark`` registered."""
        ops, lengths = self._marks
        del self._operations[ops:]
        for indexer, ids in self.to_index.items():
            del ids[lengths.get(indexer, 0):]


@dataclass
class ImportReport:
    """What an import did: counts, row errors, seconds."""

    imported: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    """``[(line, key, {column: message})]``."""
    indexed: int = 0
    seconds: float = 0.0
    times: dict = field(default_factory=dict)
    """Seconds by stage of the fast path: parse (manifest row and files read), check,
    write (the batch's INSERTs and the files stored), commit, index (bulk)."""
    batches: list = field(default_factory=list)
    """Seconds by stage of each batch of the fast path, in order (to see a growth)."""

    def add_times(self, **seconds):
        """Add the seconds of each stage."""
        for stage, value in seconds.items():
            self.times[stage] = self.times.get(stage, 0.0) + value

    @property
    def rate(self):
        """Imported records per second."""
        return len(self.imported) / self.seconds if self.seconds else 0.0


def imported_keys():
    """The source keys of the records imported so far (one query)."""
    rows = db.session.execute(text(
        "SELECT DISTINCT i->>'identifier' FROM rdm_records_metadata r, "
        "jsonb_array_elements(r.json->'metadata'->'identifiers') i "
        "WHERE r.json->'metadata' ? 'identifiers' AND i->>'scheme' = :scheme "
        "AND i->>'identifier' LIKE :prefix"
    ), {"scheme": KEY_SCHEME, "prefix": KEY_PREFIX + "%"})
    return {value[len(KEY_PREFIX):] for (value,) in rows}


def _create_action(action):
    """A bulk ``index`` action as a ``create`` (what the audit entries' data stream takes,
    as ``AuditRecordCommitOp`` indexes one entry; an ``index`` with a version is refused)."""
    action = {k: v for k, v in action.items() if k not in ("_version", "_version_type")}
    action["_op_type"] = "create"
    return action


class ImportServiceConfig(DomainServiceConfig):
    """Config of the import service."""

    service_id = "techdata-import"
    permission_policy_cls = ImportPermissionPolicy
    batch_size = 100


def new_rows(batch, done, seen, report):
    """The ``[(line, row)]`` of ``batch`` to import: a key already stored (``done``) is
    skipped, a key seen before in the manifest (``seen``) is a row error (both in
    ``report``); the others are added to ``seen``."""
    fresh = []
    for line, row in batch:
        key = row.get("key")
        if key in done:
            report.skipped.append(key)
        elif key in seen:
            report.errors.append((line, key, {"key": bilingual(_(
                "This key appears twice in the manifest."))}))
        else:
            seen.add(key)
            fresh.append((line, row))
    return fresh


class ImportService(DomainService):
    """Import manifest rows as published datasets with their recorded decisions."""

    def import_rows(self, identity, rows, owner, files_dir=None, batch_size=None,
                    progress=None, fast=False):
        """Import ``[(line, cleaned row)]`` as ``owner`` (an identity); an ``ImportReport``.

        ``progress`` is called with the number of rows done after each row.
        ``fast``: write each batch table by table (``importer.fast``) instead of
        one records-service call per row.
        """
        self.require(identity, "import")
        report, t0 = ImportReport(), time.perf_counter()
        publisher = current_app.config["APP_RDM_DEPOSIT_FORM_DEFAULTS"]["publisher"]
        centre = current_communities.service.record_cls.pid.resolve(ensure_city_centre())
        reviewers = db.session.get(
            Role, current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"])
        done, seen = imported_keys(), set()
        batch_size = batch_size or self.config.batch_size
        if fast:
            refusal = fast_path_refusal(current_app)
            if refusal:
                raise RowError({"--fast": refusal})
            for start in range(0, len(rows), batch_size):
                self._fast_batch(rows[start:start + batch_size], owner, files_dir, publisher,
                                 centre, reviewers, done, seen, report, progress)
            report.seconds = time.perf_counter() - t0
            return report
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            fresh = new_rows(batch, done, seen, report)
            if progress:
                progress(len(batch) - len(fresh))
            with BatchUnitOfWork(db.session) as uow:
                for line, row in fresh:
                    self._one(line, row, owner, files_dir, publisher, centre, reviewers,
                              uow, report)
                    if progress:
                        progress(1)
                uow.commit()
            # indexed in bulk after each committed batch: an interrupted run
            # leaves nothing stored but unindexed (a re-run skips stored rows)
            report.indexed += self._bulk_index(
                {indexer: set(ids) for indexer, ids in uow.to_index.items()})
        report.seconds = time.perf_counter() - t0
        return report

    def _fast_batch(self, batch, owner, files_dir, publisher, centre, reviewers, done, seen,
                    report, progress):
        """One batch of the fast path: rows checked, written in one transaction, indexed."""
        t0 = time.perf_counter()
        specs = []
        for line, row in new_rows(batch, done, seen, report):
            try:
                specs.append(parse_row(line, row, files_dir, publisher))
            except RowError as err:
                report.errors.append((line, row.get("key"), err.errors))
        t1 = time.perf_counter()
        writer = FastBatch(owner, centre, reviewers)
        try:
            good = writer.prepare(specs, report)
            t2 = time.perf_counter()
            to_index = writer.run(good, report)
            t3 = time.perf_counter()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            writer.discard_files()
            raise
        t4 = time.perf_counter()
        if progress:
            progress(len(batch))
        report.indexed += self._bulk_index(to_index, new_records=True)
        times = {"rows": len(specs), "parse": t1 - t0, "check": t2 - t1, "write": t3 - t2,
                 "commit": t4 - t3, "index": time.perf_counter() - t4}
        report.batches.append(times)
        report.add_times(**{k: v for k, v in times.items() if k != "rows"})

    def _one(self, line, row, owner, files_dir, publisher, centre, reviewers, uow, report):
        """One row in its own savepoint; errors are reported, not raised."""
        try:
            spec = parse_row(line, row, files_dir, publisher)
        except RowError as err:
            report.errors.append((line, row.get("key"), err.errors))
            return
        uow.mark()
        savepoint = db.session.begin_nested()
        try:
            recid = self._import(spec, owner, centre, reviewers, uow)
        except RowError as err:
            savepoint.rollback()
            uow.undo()
            report.errors.append((line, spec.key, err.errors))
            return
        except ValidationError as err:
            savepoint.rollback()
            uow.undo()
            report.errors.append((line, spec.key, service_errors(err)))
            return
        except Exception as err:  # noqa: BLE001  (one bad row never stops the import)
            savepoint.rollback()
            uow.undo()
            report.errors.append((line, spec.key, {"row": bilingual(_(
                "The row could not be imported: %(error)s", error=str(err)[:300]))}))
            return
        savepoint.commit()
        report.imported.append((spec.key, recid))

    def _import(self, spec, owner, centre, reviewers, uow):
        """Draft, files, recorded decisions, publication; the record id."""
        draft = records.create(owner, spec.data, uow=uow)
        if draft.errors:
            raise RowError(service_errors(draft.errors))
        rid = draft.id
        if spec.files:
            self._files(owner, rid, spec, uow)
        record = records.draft_cls.pid.resolve(rid, registered_only=False)
        deposit = self._request(
            DepositReview, spec, record, centre, owner, uow, receiver=centre,
            payload={"grading": {"grade": (spec.data["custom_fields"].get("cdtd:grade")
                                           or {}).get("id", "general"),
                                 "basis": spec.review["basis"]},
                     "decided_by": spec.review["decided_by"],
                     "decided_at": spec.review["decided_at"]})
        record.parent.communities.add(centre, request=None, default=True)
        record.parent.commit()
        if spec.confidentiality:
            payload = {"parent": str(record.parent.pid.pid_value), "record": rid,
                       "deposit_review": str(deposit.id),
                       "fingerprint": content_fingerprint(record),
                       "decision": "pass", "checklist": CHECKLIST_IMPORTED,
                       **spec.confidentiality}
            self._request(ConfidentialityReview, spec, record, centre, owner, uow,
                          receiver=reviewers, payload=payload)
        db.session.flush()  # the gate reads the passed review from the database
        records.publish(system_identity, rid, uow=uow)
        return rid

    @staticmethod
    def _files(owner, rid, spec, uow):
        """Upload and commit the row's files; the stored checksum must be the file's."""
        files = records.draft_files
        files.init_files(owner, rid, [{"key": name} for name, _p, _d in spec.files], uow=uow)
        for name, path, digests in spec.files:
            with open(path, "rb") as fh:
                files.set_file_content(owner, rid, name, fh, content_length=path.stat().st_size,
                                       uow=uow)
            item = files.commit_file(owner, rid, name, uow=uow)
            if item.data.get("checksum") != f"md5:{digests['md5']}":
                raise RowError({"checksums": bilingual(_(
                    "The checksum of %(name)s does not match the file.", name=name))})

    @staticmethod
    def _request(request_type, spec, record, centre, owner, uow, receiver, payload):
        """An accepted request recording a decision taken before the import."""
        item = current_requests_service.create(
            system_identity, {"title": spec.data["metadata"]["title"]}, request_type,
            receiver=receiver,
            creator=centre if request_type is ConfidentialityReview else owner.user,
            topic=record, uow=uow)
        request = item._record
        request["payload"] = {**payload, "imported": True,
                              "imported_at": utcnow().isoformat(timespec="seconds"),
                              "source_key": spec.key}
        request.status = "accepted"
        uow.register(RecordCommitOp(request, indexer=current_requests_service.indexer))
        return request

    @staticmethod
    def _bulk_index(to_index, chunk=500, new_records=False):
        """One bulk request per indexer and chunk; returns the documents indexed.

        ``new_records``: the records were just written by the fast path (their
        documents are made a batch at a time, ``importer.documents``)."""
        total = 0
        for indexer, ids in to_index.items():
            if indexer is records.draft_indexer:
                continue  # published drafts are gone; nothing to index
            model = indexer.record_cls.model_cls
            live = [row.id for row in db.session.query(model.id).filter(
                model.id.in_(list(ids)))]
            if new_records and indexer.record_cls is records.record_cls:
                actions = record_actions(indexer, live)  # importer.documents
            elif new_records:
                actions = indexer_actions(indexer, live)
            else:
                actions = (indexer._index_action({"id": str(i)}) for i in live)
            if indexer.record_cls is current_audit_logs_service.record_cls:
                actions = (_create_action(a) for a in actions)
            ok, _errors = search.helpers.bulk(indexer.client, actions, chunk_size=chunk,
                                              raise_on_error=False,
                                              request_timeout=BULK_TIMEOUT)
            total += ok
        for indexer in to_index:
            if indexer is not records.draft_indexer:
                indexer.refresh()
        return total
