"""Index documents of the fast import's published records, a batch at a time (issue 21).

InvenioRDM's indexer reads each record with its own query, then its parent
with another, and asks OpenSearch twice per record for its view and download
statistics (``StatisticsDumperExt``). For a batch the import has just
written, the records and their parents are read with one query each and the
parents put in the records' ``parent`` field cache (not assigned: that would mark
the rows modified, see ``record_actions``), and the
statistics are asked once for the batch: every record of it is new, nobody
has viewed or downloaded it, so its figures are those of the first one
(zero; a search at the next reindex computes them again as usual). The
parents' communities (all the city centre) are loaded and dumped for the
first record only and copied into the others' documents when their
communities are the same (InvenioRDM loads and dumps them once a record). The
document is the record's own dump with the record class's dumper otherwise
unchanged (same extensions, same order), so it is the document the indexer
would have made (``tests/importer/test_fast_import.py`` compares the two).
The batch's requests and audit entries are read with one query a chunk too
(``indexer_actions``) and dumped by their indexer as usual.
"""

import copy

from invenio_rdm_records.records.dumpers import StatisticsDumperExt
from invenio_rdm_records.records.stats import Statistics
from invenio_records.dictutils import dict_lookup, parse_lookup_key
from invenio_records.dumpers import SearchDumper, SearchDumperExt

__all__ = ("KnownStatisticsDumperExt", "batch_dumper", "indexer_actions", "record_actions")


class KnownStatisticsDumperExt(SearchDumperExt):
    """Dumps statistics known beforehand (those of records nobody has seen yet)."""

    def __init__(self, target_field, stats):
        """``stats``: the value to dump at ``target_field`` of every published record."""
        super().__init__()
        self.keys = parse_lookup_key(target_field)
        self.key = self.keys[-1]
        self.stats = stats

    def dump(self, record, data):
        """Dump a copy of the known statistics, as ``StatisticsDumperExt`` dumps its own."""
        if record.is_draft:
            return
        dict_lookup(data, self.keys, parent=True)[self.key] = copy.deepcopy(self.stats)

    def load(self, data, record_cls):
        """Keep the statistics in the data (as ``StatisticsDumperExt``)."""


def batch_dumper(record_cls, stats):
    """The dumper of ``record_cls`` with its statistics extension given ``stats``."""
    dumper = record_cls.dumper
    extensions = [KnownStatisticsDumperExt(".".join(map(str, ext.keys)), stats)
                  if isinstance(ext, StatisticsDumperExt) else ext
                  for ext in dumper._extensions]  # noqa: SLF001 (read only; same order)
    return SearchDumper(extensions=extensions, model_fields={
        key: value for key, value in dumper._model_fields.items()  # noqa: SLF001
        if key not in ("id", "version_id", "created", "updated")})


def record_actions(indexer, ids):
    """Bulk ``index`` actions of the published records ``ids`` (two queries in all)."""
    record_cls = indexer.record_cls
    found = record_cls.get_records(list(ids))
    if not found:
        return []
    parents = {p.id: p for p in record_cls.parent_record_cls.get_records(
        list({r.model.parent_id for r in found}))}
    parent_field = record_cls.parent.field
    for record in found:
        # the parent put in the field's cache, not assigned: assigning sets the model's
        # parent_id (the same value), which marks the row modified; an autoflush while
        # dumping then UPDATEs it (version_id 2 in the database, the document indexed
        # at revision 1, and a later reindex from the database refused)
        parent_field._set_cache(record, parents[record.model.parent_id])  # noqa: SLF001
    first = found[0]
    stats = Statistics.get_record_stats(recid=first.pid.pid_value,
                                        parent_recid=first.parent.pid.pid_value)
    dumper = batch_dumper(record_cls, stats)
    actions = []
    shared = None  # (communities of the first parent, their dumped entries)
    for record in found:
        communities = record.parent.communities
        ids = communities.to_dict()
        if shared is None or ids != shared[0]:
            body = record.dumps(dumper=dumper)
            shared = (ids, (body.get("parent") or {}).get("communities"))
        else:  # the same communities as the first: dumped once a batch, not once a record
            communities.from_dict({})
            try:
                body = record.dumps(dumper=dumper)
            finally:
                communities.from_dict(ids)
            body["parent"]["communities"] = copy.deepcopy(shared[1])
        actions.append(_action(indexer, record, body))
    return actions


def _action(indexer, record, body):
    """The bulk ``index`` action of ``record`` (as ``RecordIndexer._index_action``)."""
    return {"_op_type": "index",
            "_index": indexer._prepare_index(indexer.record_to_index(record)),  # noqa: SLF001
            "_id": str(record.id), "_version": record.revision_id,
            "_version_type": indexer._version_type,  # noqa: SLF001
            "_source": body}


def indexer_actions(indexer, ids, chunk=500):
    """Bulk ``index`` actions of the records ``ids`` of ``indexer``, read ``chunk`` at a
    time with one query (the indexer reads each with its own) and dumped by the indexer."""
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        for record in indexer.record_cls.get_records(ids[start:start + chunk]):
            index = indexer.record_to_index(record)
            arguments = {}
            body = indexer._prepare_record(record, index, arguments)  # noqa: SLF001
            action = _action(indexer, record, body)
            action.update(arguments)
            yield action
