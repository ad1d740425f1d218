"""Production set-up: what ``invenio techdata upgrade`` brings up to the code.

Every step is idempotent and imports nothing from ``techdata.demo``: missing
tables (with their triggers), the search indices whose alias is missing, the
domain roles, the city data centre and its curators (CD-TD Art. 10-11), and
the OAI-PMH set of the open directory (QY Art. 23; LZ Art. 22), new fields of
the projects index, and the data migrations of the features (request titles
that named a record their applicant may not read, issue 20).
"""

import json
import logging
from datetime import timedelta

import opensearchpy.helpers as search_helpers
from invenio_db import db
from invenio_rdm_records.proxies import current_rdm_records_service
from invenio_requests.proxies import current_requests_service
from invenio_search import current_search
from invenio_search.utils import build_alias_name

from .access.migrations import strip_unreadable_titles
from .directory.oai import ensure_oai_set
from .entities.migrations import ensure_entities
from .evaluation.migrations import drop_redundant_indexes
from .audit.settings import record_setting_changes
from .kernel.audit_chain import ensure_guards
from .kernel.time import utcnow
from .kernel.roles import ensure_roles
from .oai.sets import register_percolators
from .projects.entity_ids import map_stored_projects
from .projects.proxies import current_projects_service
from .review.centres import ensure_city_centre
from .review.indexes import ensure_indexes as ensure_review_indexes

log_ = logging.getLogger(__name__)


def missing_indices():
    """Names of the search mappings whose write alias does not exist yet.

    ``current_search.create(ignore_existing=True)`` alone is not idempotent:
    each call makes a new timestamp-suffixed index for every mapping and adds
    it to the alias, which then points at two indices and takes no writes.
    """
    client = current_search.client
    return [name for name in current_search.mappings
            if not client.indices.exists_alias(name=build_alias_name(name))]


def create_missing_indices():
    """Create the indices of :func:`missing_indices`; returns their names."""
    missing = missing_indices()
    if not missing:  # an empty index_list would mean "all of them"
        return []
    # index templates (the audit log's data stream) are put again: idempotent
    list(current_search.put_index_templates(ignore=[400]))
    return [name for name, _ in current_search.create(ignore_existing=True,
                                                      index_list=missing)]


def add_new_project_fields():
    """Put the projects mapping's fields on an existing projects index (new fields such as
    ``transitions``, the status decisions); unchanged fields are a no-op, so it is idempotent."""
    name = next(n for n in current_search.mappings if n.startswith("techdata-projects-"))
    with open(current_search.mappings[name]) as fp:
        properties = json.load(fp)["mappings"]["properties"]
    current_search.client.indices.put_mapping(
        index=build_alias_name("techdata-projects"), body={"properties": properties})
    return len(properties)


def create_missing_tables():
    """Create the tables (and their triggers, on create) that do not exist yet."""
    db.create_all()


def catch_up_search_index(hours=24):
    """Reindex what the database changed in the last ``hours`` and the index does not hold
    at the same revision: records, drafts, requests and projects. A process killed between
    its commit and its index write (issue 17's crash drills) leaves a committed request
    that no list shows; run at every start, this puts the index back in line with the
    database. Each changed row's revision is compared with its document's, one real-time
    look-up a chunk (:func:`out_of_line`), so a start after a bulk import of 100,000
    datasets does not index them all again. Returns how many were indexed.

    The database is the truth: a document the index holds at a later revision than the
    database's (a write indexed and then rolled back) is refused by the search engine's
    version check; its content is indexed again from the database at the revision the
    index holds, and counted in a warning (:func:`reindex_from_database`)."""
    cutoff = utcnow() - timedelta(hours=hours)
    rdm = current_rdm_records_service
    pairs = [(rdm.record_cls.model_cls, rdm.indexer),
             (rdm.draft_cls.model_cls, rdm.draft_indexer),
             (current_requests_service.record_cls.model_cls, current_requests_service.indexer),
             (current_projects_service.record_cls.model_cls, current_projects_service.indexer)]
    total = 0
    for model, indexer in pairs:
        rows = [(row.id, row.version_id) for row in db.session.query(
            model.id, model.version_id).filter(model.updated >= cutoff, model.json.isnot(None))]
        held = out_of_line(indexer, rows)
        if held:
            total += reindex_from_database(indexer, held)
    return total


def out_of_line(indexer, rows, chunk=1000):
    """``{id: version the index holds, None if missing}`` of the ``rows`` (``(id,
    version_id)``) whose document is missing from the index of ``indexer`` or holds
    another revision (a record's revision is its version_id - 1)."""
    # the index the indexer writes to (its write alias); the search alias spans the
    # older mapping versions' indices too, which a real-time look-up refuses
    alias = build_alias_name(indexer.record_cls.index._name)  # noqa: SLF001
    out = {}
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        docs = indexer.client.mget(index=alias, body={"ids": [str(i) for i, _ in part]},
                                   _source=False)["docs"]  # real time, unlike a search
        held = {d["_id"]: d["_version"] for d in docs if d.get("found")}
        out.update({i: held.get(str(i)) for i, version in part
                    if held.get(str(i)) != version - 1})
    return out


def reindex_from_database(indexer, held, chunk=500):
    """Index the records of ``held`` (``{id: version the index holds or None}``, from
    :func:`out_of_line`) from the database, in bulk. A document the index holds at a later
    revision gets the database's content at that revision (a search engine keeps a deleted
    document's version, so it cannot go back), with a warning. A document a concurrent
    write made newer meanwhile is left as it is. Returns how many were indexed; raises on
    any other refusal."""
    total = ahead = 0
    ids = list(held)
    for start in range(0, len(ids), chunk):
        actions = []
        for key in ids[start:start + chunk]:
            action = indexer._index_action({"id": str(key)})  # noqa: SLF001
            if held[key] is not None and held[key] > action["_version"]:
                ahead += 1
                action["_version"] = held[key]
            actions.append(action)
        ok, errors = search_helpers.bulk(indexer.client, actions, raise_on_error=False,
                                         request_timeout=120)
        other = [e for e in errors if e.get("index", {}).get("status") != 409]
        if other:
            raise search_helpers.BulkIndexError(f"{len(other)} document(s) failed to index.",
                                                other)
        total += ok
    if ahead:
        log_.warning("%s: %d document(s) held a later revision than the database; their "
                     "content indexed again from it at the index's revision "
                     "(scripts/restore --reindex renumbers them)",
                     indexer.record_cls.__name__, ahead)
    return total


def upgrade(catch_up=True):
    """Run every set-up step; yields ``(label, result)`` as each one is done. ``catch_up``:
    reindex the last day's changes (not after a restore, which rebuilds every index)."""
    create_missing_tables()
    ensure_guards()  # the audit trail's triggers, also on a table created by alembic
    yield "search indices created", len(create_missing_indices())
    yield "project index fields", add_new_project_fields()
    yield "roles created", len(ensure_roles())
    yield "city data centre", ensure_city_centre()
    yield "entities and departments from the vocabularies (departments, entities added)", \
        ensure_entities()
    mapped, unknown = map_stored_projects()
    yield "projects' entity and department names mapped to ids", mapped
    yield "project entity/department values naming nothing known (kept as they were)", \
        "; ".join(f"{number} {field}={value}" for number, field, value in unknown) or 0
    yield "deadline settings changed since the last record (audit trail)", \
        ", ".join(record_setting_changes()) or 0
    yield "OAI-PMH set of the open directory", ensure_oai_set()
    yield "OAI-PMH set queries registered", register_percolators()
    yield "request titles of records the applicant may not read stripped", len(
        strip_unreadable_titles())
    yield "evaluation indexes no longer declared dropped", \
        ", ".join(drop_redundant_indexes()) or 0
    yield "database indexes of the review path created", ", ".join(ensure_review_indexes()) or 0
    if catch_up:
        yield "search index caught up with the last day's changes", catch_up_search_index()
