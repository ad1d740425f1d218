"""The fast path of the bulk import (``invenio techdata import --fast``; issue 21).

In the manner of invenio-rdm-migrator: no records-service call per row.
Each row is still checked by the same functions as a deposit
(``rows.parse_row``; the schema load of the RDM records service;
``deposit.rules``: limits, known terms, classified data refused (CD-TD Art.
14), reasons for restrictions (CD-TD Art. 18, LZ Art. 16), fields required
at publication (CD-TD Art. 2, 19); the confidentiality gate's question
(CD-TD Art. 24)), the known terms looked up with one query per vocabulary
for the whole batch. A bad row is reported by row and column exactly as on
the service path.

The record, parent and request JSON are what the service stores for the
same row (``tests/importer/test_fast_import.py`` builds one record each way
and compares the stored JSON and the index documents field by field). Then
the batch is written table by table, one multi-row ``INSERT`` per table:
PIDs (parent and record recid, OAI, CSTR), parents, records and their
Continuum version rows (one ``transaction`` row for the batch), versions
state, buckets, file instances (bytes written to the default location,
MD5 compared with the manifest's), objects, file records, SHA-256 rows,
community inclusion, the two accepted imported requests (numbers from
their sequence), the audit entries (``draft.create`` and
``record.publish``, linked into the hash chain under its lock) and the
directory entries (``directory.records.entry_from_record``, the function
the service's component uses; ``directory.store.new_entry_row``, one
``INSERT`` for the batch). The records service's schema and the audit
actions' schemas are instantiated once a batch. One transaction per batch;
the batch is then bulk-indexed (records, requests, audit entries), read a
chunk at a time with one query (``importer.documents``).

What the service path has that this one has not: the soft-deleted draft
row of each record (InvenioRDM re-creates it on the first edit, as for a
draft cleaned up after a while) and DOIs (with ``DATACITE_ENABLED`` the fast
path refuses to run: DOIs are registered through the service).
"""

import uuid
from datetime import datetime, timezone
from types import SimpleNamespace

import base32_lib as base32
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_audit_logs.proxies import current_audit_logs_service
from invenio_db import db
from invenio_drafts_resources.auditlog.actions import (
    DraftCreateAuditLog,
    RecordPublishAuditLog,
)
from invenio_files_rest.models import FileInstance, Location
from invenio_pidstore.providers.recordid_v2 import RecordIdProviderV2
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_rdm_records.records.api import RDMParent, RDMRecord, get_media_files_quota
from invenio_rdm_records.records.models import RDMUserQuota
from invenio_records.dictutils import dict_set
from invenio_requests.proxies import current_requests_service
from invenio_vocabularies.records.models import VocabularyMetadata, VocabularyType
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_records_resources.errors import validation_error_to_list_errors
from marshmallow import ValidationError
from marshmallow_utils.context import context_schema
from sqlalchemy import select, text

from ..components import VOCABULARY_FIELDS
from ..deposit import rules
from ..directory.records import entry_from_record
from ..directory.fields import SOURCE_DEPOSITED
from ..directory.store import deposited_entry_id, insert_new_entries, new_entry_row
from ..identifiers.providers import cstr_value
from ..kernel.audit_chain import AuditChainLink, LOCK_KEY, GENESIS, link_hash
from ..kernel.i18n import _, bilingual
from ..kernel.labels import OPEN_TYPES
from ..kernel.people import creator_name, has_cjk
from ..kernel.time import utcnow
from ..review.fingerprint import content_fingerprint
from ..review.gate import needs_confidentiality_review
from .rows import RowError, service_errors

__all__ = ("CHECKLIST_IMPORTED", "FastBatch", "batch_loader", "check_data", "chinese_names", "fast_path_refusal",
           "files_quota", "known_terms")

REQUEST_SCHEMA = "local://requests/request-v1.0.0.json"
"""``$schema`` of a stored request (InvenioRDM's request record)."""


CHECKLIST_IMPORTED = {"no_state_secret": True, "no_personal_information": True,
                      "no_commercial_secret": True, "desensitised": True}
"""The checklist of a review passed before the platform existed (as the source says)."""


def fast_path_refusal(app):
    """Why the fast path cannot run on ``app`` (a bilingual message), or None."""
    if app.config.get("DATACITE_ENABLED"):
        return bilingual(_("The fast import does not register DOIs: import without --fast "
                           "while DataCite is enabled."))
    return None


def _table(name):
    """The SQLAlchemy table ``name`` of the app's metadata."""
    return db.metadata.tables[name]


def _insert(name, rows):
    """One multi-row INSERT of ``rows`` (dicts) into table ``name``."""
    if rows:
        db.session.execute(_table(name).insert(), rows)


def known_terms(pairs):
    """``{(vocabulary, id)}`` of the ``pairs`` that are registered terms: one query a vocabulary.

    The same question as ``deposit.fields.term_exists`` (a registered PID of
    the vocabulary's type, a live vocabulary record), asked for a whole batch.
    """
    by_vocabulary = {}
    for vocabulary, term in pairs:
        by_vocabulary.setdefault(vocabulary, set()).add(str(term))
    found = set()
    for vocabulary, terms in by_vocabulary.items():
        rows = db.session.execute(
            select(PersistentIdentifier.pid_value)
            .join(VocabularyType, VocabularyType.pid_type == PersistentIdentifier.pid_type)
            .join(VocabularyMetadata, VocabularyMetadata.id == PersistentIdentifier.object_uuid)
            .where(VocabularyType.id == vocabulary,
                   PersistentIdentifier.pid_value.in_(sorted(terms)),
                   PersistentIdentifier.status == PIDStatus.REGISTERED,
                   VocabularyMetadata.json.is_not(None)))
        found.update((vocabulary, value) for (value,) in rows)
    return found


def _terms_of(custom_fields):
    """``(vocabulary, id)`` of the vocabulary values of ``custom_fields``."""
    for name, vocabulary in VOCABULARY_FIELDS.items():
        value = custom_fields.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and item.get("id") is not None:
                yield vocabulary, item["id"]


def files_quota(user_id):
    """Quota of a new record's bucket: the owner's, else the configured one (as
    ``invenio_rdm_records.records.api.get_files_quota`` for a new record)."""
    quota = RDMUserQuota.query.filter(RDMUserQuota.user_id == user_id).one_or_none()
    if quota is not None:
        return {"quota_size": quota.quota_size, "max_file_size": quota.max_file_size}
    cfg = current_app.config
    return {"quota_size": cfg.get("RDM_FILES_DEFAULT_QUOTA_SIZE")
            or cfg.get("FILES_REST_DEFAULT_QUOTA_SIZE"),
            "max_file_size": cfg.get("RDM_FILES_DEFAULT_MAX_FILE_SIZE")
            or cfg.get("FILES_REST_DEFAULT_MAX_FILE_SIZE")}


def chinese_names(metadata):
    """Chinese personal names as 李明 (what ``DepositRulesComponent`` stores, issue 13)."""
    for key in ("creators", "contributors"):
        for entry in metadata.get(key) or []:
            person = (entry or {}).get("person_or_org") or {}
            if person.get("type") == "personal" and has_cjk(
                    (person.get("family_name") or "") + (person.get("given_name") or "")):
                person["name"] = creator_name(person)


class _Files:
    """The files of a prepared row, as ``content_fingerprint`` and the directory read them."""

    def __init__(self, enabled, checksums):
        self.enabled = enabled
        self.entries = {key: SimpleNamespace(file=SimpleNamespace(checksum=checksum))
                        for key, checksum in checksums.items()}


class _Published(dict):
    """A record about to be written, as the directory's ``entry_from_record`` reads one."""

    def __init__(self, data, pid, parent, files, created):
        super().__init__(data)
        self.pid = SimpleNamespace(pid_value=pid)
        self.parent = parent
        self.files = files
        self.created = self.updated = created
        self.is_published, self.is_deleted = True, False


class _Parent(dict):
    """A parent about to be written, with its recid."""

    def __init__(self, data, pid):
        super().__init__(data)
        self.pid = SimpleNamespace(pid_value=pid)


def batch_loader(owner):
    """``load(data) -> (data, errors)``: the records service's schema load
    (``records.schema.load(data, context={"identity": owner}, raise_errors=False)``)
    with one schema instance, and its nested ones, for a whole batch (the
    wrapper makes them anew for each row: a third of a row's check)."""
    wrapper = records.schema
    context = wrapper._build_context({"identity": owner})  # noqa: SLF001 (the wrapper's own)
    schema = wrapper.schema()

    def load(data):
        token = context_schema.set(context)
        try:
            return schema.load(data), []
        except ValidationError as err:
            return err.valid_data, validation_error_to_list_errors(err)
        finally:
            context_schema.reset(token)

    return load


def check_data(spec, owner, terms, load=None):
    """The stored record data of a parsed row, checked as the service checks a deposit.

    ``terms``: ``{(vocabulary, id)}`` known in the batch; ``load``: a
    ``batch_loader`` of ``owner`` (made here if not given). Returns the loaded
    data (``metadata``, ``custom_fields``, ``access``, ``files``); raises
    ``ValidationError`` (messages by field, as the service's) or ``RowError``.
    """
    data, errors = (load or batch_loader(owner))(spec.data)
    cf = data.get("custom_fields") or {}
    metadata = data.get("metadata") or {}
    # DepositRulesComponent.create: our fields' input errors and bounds first
    ours = {e["field"]: e["messages"] for e in errors
            if str(e.get("field", "")).startswith(f"custom_fields.{rules.CF}")}
    bounds = {**rules.list_bound_errors(cf), **rules.metadata_bound_errors(metadata)}
    if bounds:
        raise ValidationError({**ours, **bounds})
    ours.update(rules.unknown_value_errors(cf, VOCABULARY_FIELDS,
                                           lambda v, t: (v, str(t)) in terms))
    if ours:
        raise ValidationError(ours)
    rules.apply_open_defaults(cf)  # CD-TD Art. 18
    for check in (rules.classified_errors, rules.restriction_errors):  # Art. 14; Art. 18
        found = check(cf)
        if found:
            raise ValidationError(found)
    access = dict(data.get("access") or {})
    rec, files = rules.access_for_opening((cf.get(f"{rules.CF}opening_type") or {}).get("id"))
    access["record"] = rec or access.get("record", "public")
    access["files"] = files or access.get("files", "public")
    access["embargo"] = access.get("embargo") or {"until": None, "active": False,
                                                  "reason": None}
    chinese_names(metadata)
    if errors:  # the draft would have been created with errors: refused as on the service path
        raise RowError(service_errors(errors))
    # RDMRecordService.publish: the deposit rules at publication (CD-TD Art. 2, 19)
    found = {**rules.publish_errors(cf), **rules.list_bound_errors(cf),
             **rules.metadata_bound_errors(metadata)}
    if found:
        raise ValidationError(found)
    return {"metadata": metadata, "custom_fields": cf, "access": access,
            "files": {"enabled": bool((data.get("files") or {}).get("enabled"))}}


class FastBatch:
    """Write one batch of parsed rows; ``run`` returns the ids to bulk-index by indexer."""

    def __init__(self, owner, centre, reviewers):
        """``owner``: identity; ``centre``: the city centre community; ``reviewers``: role."""
        self.owner, self.centre, self.reviewers = owner, centre, reviewers
        self.location = Location.get_default()
        self.quota, self.media_quota = files_quota(owner.id), get_media_files_quota()
        self.rows = {name: [] for name in (
            "pidstore_pid", "rdm_parents_metadata", "rdm_records_metadata",
            "rdm_records_metadata_version", "rdm_versions_state", "files_bucket",
            "files_files", "files_object", "rdm_records_files", "rdm_records_files_version",
            "techdata_file_sha256", "rdm_parents_community", "request_metadata",
            "audit_logs_metadata")}
        self.written_files = []
        self.audit_schemas = {}

    # preparation --------------------------------------------------------------------
    def prepare(self, specs, report):
        """Check every row; ``[(spec, data)]`` of the good ones, errors into ``report``."""
        terms = known_terms({pair for spec in specs
                             for pair in _terms_of(spec.data.get("custom_fields") or {})})
        good, load = [], batch_loader(self.owner)
        for spec in specs:
            try:
                data = check_data(spec, self.owner, terms, load)
                if needs_confidentiality_review({"custom_fields": data["custom_fields"]}) \
                        and not spec.confidentiality:
                    raise RowError({"confidentiality_decided_by": bilingual(_(
                        "A dataset that opens data needs its confidentiality decision "
                        "(CD-TD Art. 24)."))})
            except RowError as err:
                report.errors.append((spec.line, spec.key, err.errors))
                continue
            except ValidationError as err:
                report.errors.append((spec.line, spec.key, service_errors(err)))
                continue
            good.append((spec, data))
        return good

    # writing ------------------------------------------------------------------------
    def run(self, good, report):
        """Write the rows of ``good``; returns ``{indexer: [ids]}`` to index after commit."""
        if not good:
            return {}
        n, now = len(good), datetime.now(timezone.utc)
        session = db.session
        tx = session.execute(text(
            "INSERT INTO transaction (id, issued_at) VALUES (nextval('transaction_id_seq'), "
            ":now) RETURNING id"), {"now": now.replace(tzinfo=None)}).scalar()
        seqs = [r[0] for r in session.execute(text(
            "INSERT INTO pidstore_recid (recid) SELECT nextval(pg_get_serial_sequence("
            "'pidstore_recid', 'recid')) FROM generate_series(1, :n) RETURNING recid"),
            {"n": n})]
        numbers = [r[0] for r in session.execute(text(
            "INSERT INTO request_number_seq (value) SELECT nextval(pg_get_serial_sequence("
            "'request_number_seq', 'value')) FROM generate_series(1, :n) RETURNING value"),
            {"n": 2 * n})]
        options = current_app.config.get("PIDSTORE_RECORDID_OPTIONS", {})
        oai_prefix = current_app.config.get("OAISERVER_ID_PREFIX", "")
        items = []
        pids = []
        for i, (spec, data) in enumerate(good):
            item = SimpleNamespace(spec=spec, data=data, parent_id=uuid.uuid4(),
                                   record_id=uuid.uuid4(),
                                   parent_pid=RecordIdProviderV2.generate_id(options),
                                   record_pid=RecordIdProviderV2.generate_id(options),
                                   cstr=cstr_value(seqs[i]), numbers=numbers[2 * i:2 * i + 2])
            item.oai = f"oai:{oai_prefix}:{item.record_pid}"
            items.append(item)
            for pid_type, value, provider, obj in (
                    ("recid", item.parent_pid, None, item.parent_id),
                    ("recid", item.record_pid, None, item.record_id),
                    ("oai", item.oai, "oai", item.record_id),
                    ("cstr", item.cstr, "cstr", item.parent_id)):
                pids.append({"pid_type": pid_type, "pid_value": value, "pid_provider": provider,
                             "status": PIDStatus.REGISTERED, "object_type": "rec",
                             "object_uuid": obj, "created": now, "updated": now})
        pks = {(r.pid_type, r.pid_value): r.id for r in session.execute(
            _table("pidstore_pid").insert().returning(
                _table("pidstore_pid").c.id, _table("pidstore_pid").c.pid_type,
                _table("pidstore_pid").c.pid_value), pids)}
        for item in items:
            self._one(item, pks, tx, now)
        for name in ("files_bucket", "files_files", "files_object", "techdata_file_sha256",
                     "rdm_parents_metadata", "rdm_records_metadata",
                     "rdm_records_metadata_version", "rdm_versions_state", "rdm_records_files",
                     "rdm_records_files_version", "rdm_parents_community", "request_metadata",
                     "audit_logs_metadata"):
            _insert(name, self.rows[name])
        self._chain(self.rows["audit_logs_metadata"])
        insert_new_entries([self._directory(item) for item in items])
        for item in items:
            report.imported.append((item.spec.key, str(item.record_pid)))
        return {records.indexer: [i.record_id for i in items],
                current_requests_service.indexer: [r["id"] for r in self.rows["request_metadata"]],
                current_audit_logs_service.indexer: [r["id"] for r in
                                                     self.rows["audit_logs_metadata"]]}

    def _pid(self, pks, pid_type, value):
        """The stored ``pid`` dict of a recid."""
        return {"pk": pks[(pid_type, value)], "status": "R", "obj_type": "rec",
                "pid_type": pid_type}

    def _one(self, item, pks, tx, now):
        """The rows of one dataset."""
        data, rows = item.data, self.rows
        item.tx = tx
        centre_id = str(self.centre.id)
        parent = {
            "id": item.parent_pid, "pid": self._pid(pks, "recid", item.parent_pid),
            "pids": {"cstr": {"provider": "cstr", "identifier": item.cstr}},
            "access": {"links": [], "grants": [], "owned_by": {"user": self.owner.id},
                       "settings": {"allow_user_requests": False,
                                    "allow_guest_requests": False,
                                    "accept_conditions_text": None,
                                    "secret_link_expiration": 0}},
            "$schema": RDMParent.schema.value,
            "communities": {"ids": [centre_id], "default": centre_id},
        }
        bucket, media = uuid.uuid4(), uuid.uuid4()
        checksums = self._files(item, bucket, now)
        record = {
            "id": item.record_pid, "pid": self._pid(pks, "recid", item.record_pid),
            "pids": {"oai": {"provider": "oai", "identifier": item.oai}},
            "files": data["files"], "access": data["access"],
            "$schema": RDMRecord.schema.value, "metadata": data["metadata"],
            "media_files": {"enabled": False}, "custom_fields": data["custom_fields"],
            "internal_notes": [],
        }
        item.record = _Published(record, item.record_pid, _Parent(parent, item.parent_pid),
                                 _Files(data["files"]["enabled"], checksums), now)
        rows["rdm_parents_metadata"].append({"id": item.parent_id, "json": parent,
                                             "version_id": 1, "created": now, "updated": now})
        row = {"id": item.record_id, "json": record, "version_id": 1, "created": now,
               "updated": now, "index": 1, "parent_id": item.parent_id, "bucket_id": bucket,
               "media_bucket_id": media, "deletion_status": "P"}
        rows["rdm_records_metadata"].append(row)
        rows["rdm_records_metadata_version"].append(
            {**row, "transaction_id": tx, "end_transaction_id": None, "operation_type": 0})
        rows["rdm_versions_state"].append({"latest_index": 1, "parent_id": item.parent_id,
                                           "latest_id": item.record_id, "next_draft_id": None})
        size = sum(f["size"] for f in rows["files_files"][-len(checksums):]) if checksums else 0
        for bid, bsize, quota in ((bucket, size, self.quota), (media, 0, self.media_quota)):
            rows["files_bucket"].append({
                "id": bid, "default_location": self.location.id, "default_storage_class": "L",
                "size": bsize, **quota, "locked": True, "deleted": False, "created": now,
                "updated": now})
        rows["rdm_parents_community"].append({"community_id": self.centre.id,
                                              "record_id": item.parent_id, "request_id": None})
        self._requests(item, now)
        self._audit(item, tx, now)

    def _files(self, item, bucket, now):
        """Store the row's files in the default location; ``{key: md5 checksum}``."""
        checksums = {}
        for name, path, digests in item.spec.files:
            instance = FileInstance(id=uuid.uuid4())
            storage = instance.storage(default_location=self.location.uri,
                                       default_storage_class="L")
            with open(path, "rb") as fh:
                uri, size, checksum = storage.save(fh)
            self.written_files.append(storage)
            if checksum != f"md5:{digests['md5']}":
                raise RowError({"checksums": bilingual(_(
                    "The checksum of %(name)s does not match the file.", name=name))})
            version, record_file = uuid.uuid4(), uuid.uuid4()
            self.rows["files_files"].append({
                "id": instance.id, "uri": uri, "storage_class": "L", "size": size,
                "checksum": checksum, "readable": True, "writable": False,
                "last_check_at": None, "last_check": True, "created": now, "updated": now})
            self.rows["files_object"].append({
                "version_id": version, "key": name, "bucket_id": bucket, "file_id": instance.id,
                "_mimetype": None, "is_head": True, "created": now, "updated": now})
            row = {"id": record_file, "json": {"transfer": {"type": "L"}}, "version_id": 1,
                   "created": now, "updated": now, "key": name, "record_id": item.record_id,
                   "object_version_id": version}
            self.rows["rdm_records_files"].append(row)
            self.rows["rdm_records_files_version"].append(
                {**row, "transaction_id": item.tx,
                 "end_transaction_id": None, "operation_type": 0})
            self.rows["techdata_file_sha256"].append({"file_id": instance.id,
                                                      "sha256": digests["sha256"],
                                                      "recorded": now.replace(tzinfo=None)})
            checksums[name] = checksum
        return checksums

    def _requests(self, item, now):
        """The two accepted requests recording the decisions of the time (CD-TD Art. 11, 24)."""
        spec, centre_id = item.spec, str(self.centre.id)
        imported = {"imported": True,
                    "imported_at": utcnow().isoformat(timespec="seconds"),
                    "source_key": spec.key}
        grade = (item.data["custom_fields"].get(f"{rules.CF}grade") or {}).get("id", "general")
        deposit_id = uuid.uuid4()
        base = {"files": {"enabled": True}, "title": item.record["metadata"]["title"],
                "topic": {"record": item.record_pid}, "status": "accepted",
                "$schema": REQUEST_SCHEMA}
        requests = [(deposit_id, item.numbers[0], {
            **base, "type": "deposit-review",
            "payload": {"grading": {"grade": grade, "basis": spec.review["basis"]},
                        "decided_by": spec.review["decided_by"],
                        "decided_at": spec.review["decided_at"], **imported},
            "receiver": {"community": centre_id},
            "created_by": {"user": str(self.owner.id)}})]
        if spec.confidentiality:
            requests.append((uuid.uuid4(), item.numbers[1], {
                **base, "type": "confidentiality-review",
                "payload": {"parent": item.parent_pid, "record": item.record_pid,
                            "deposit_review": str(deposit_id),
                            "fingerprint": content_fingerprint(item.record),
                            "decision": "pass", "checklist": CHECKLIST_IMPORTED,
                            **spec.confidentiality, **imported},
                "receiver": {"group": str(self.reviewers.id)},
                "created_by": {"community": centre_id}}))
        for id_, number, data in requests:
            self.rows["request_metadata"].append({
                # as RequestType.generate_request_number makes it from RequestNumber.next()
                "id": id_, "number": base32.encode(number), "expires_at": None, "bucket_id": None,
                "json": data, "version_id": 1, "created": now, "updated": now})

    def _audit(self, item, tx, now):
        """``draft.create`` (the owner) and ``record.publish`` (the system), as the service logs."""
        parent = SimpleNamespace(pid=SimpleNamespace(pid_value=item.parent_pid))
        created = DraftCreateAuditLog.build(self.owner, item.record_pid, parent=parent)
        published = RecordPublishAuditLog.build(system_identity, item.record_pid, parent=parent)
        if created is None:  # audit logs disabled
            return
        dict_set(published, "metadata.revision_id", tx)
        for action, data in ((DraftCreateAuditLog, created), (RecordPublishAuditLog, published)):
            # the audit service's schema of the action (it serialises the user)
            if action not in self.audit_schemas:  # a schema class made anew at each call
                self.audit_schemas[action] = action.marshmallow_schema()()
            data = self.audit_schemas[action].load({**data, "created": now.isoformat()})
            self.rows["audit_logs_metadata"].append({
                "id": uuid.uuid4(), "action": data["action"],
                "resource_type": data["resource_type"], "user_id": data["user_id"],
                "json": {k: data[k] for k in ("user", "metadata", "resource")},
                "version_id": 1, "created": now, "updated": now})

    def _chain(self, entries):
        """Link the batch's audit entries into the hash chain (``kernel.audit_chain``)."""
        if not entries:
            return
        session = db.session
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        last = session.execute(select(AuditChainLink.position, AuditChainLink.entry_hash)
                               .order_by(AuditChainLink.position.desc()).limit(1)).first()
        position, prev = (last.position, last.entry_hash) if last else (0, GENESIS)
        table = _table("audit_logs_metadata")
        stored = {r.id: r for r in session.execute(select(table).where(
            table.c.id.in_([e["id"] for e in entries])))}
        links = []
        for entry in entries:
            position += 1
            digest = link_hash(position, prev, stored[entry["id"]])
            links.append({"position": position, "log_id": entry["id"], "prev_hash": prev,
                          "entry_hash": digest})
            prev = digest
        _insert("techdata_audit_chain", links)

    def _directory(self, item):
        """The dataset's new directory entry (column values), as ``DirectoryEntryComponent``
        writes it; stored with the batch's others in one ``INSERT``."""
        data = entry_from_record(item.record)
        opening = (data.get("opening_type") or {}).get("id") or "unconditional"
        passed = bool(item.spec.confidentiality) and opening in OPEN_TYPES
        return new_entry_row(data, SOURCE_DEPOSITED, deposited_entry_id(item.parent_pid),
                             record_pid=item.record_pid, parent_pid=item.parent_pid,
                             in_open=bool(passed and item.data["access"]["record"] == "public"),
                             review_passed=passed)

    def discard_files(self):
        """Remove the bytes written by a batch that was rolled back."""
        for storage in self.written_files:
            try:
                storage.delete()
            except OSError:  # already gone
                pass
        self.written_files = []
