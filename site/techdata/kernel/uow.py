"""Index a record once per unit of work, whoever registers it (issue 21, the write path).

A review decision touches the same draft in several layers of one unit of
work (the curator's grading through ``update_draft``, then the acceptance):
each registered a ``RecordCommitOp`` with an indexer, so the draft was
serialised and sent to the search engine twice. :class:`IndexOnceOp` indexes
a record at the commit once, in its latest state (the last object
registered for it); :class:`IndexOnceUnitOfWork` wraps the unit of work
handed to InvenioRDM's services so their record commits join it, and asks
the search engine to refresh an index once.
"""

from invenio_records_resources.services.uow import (IndexRefreshOp, Operation, RecordCommitOp,
                                                     RecordIndexOp)

__all__ = ("IndexOnceOp", "IndexOnceUnitOfWork", "commit_and_index_once", "indexer_key")


def indexer_key(indexer):
    """What tells indexers apart: their class and the record class they index (a
    service builds a new indexer object each time it is asked for one)."""
    return type(indexer), getattr(indexer, "record_cls", None)


class IndexOnceOp(Operation):
    """Index ``record`` with ``indexer`` at the commit, once per unit of work.

    A later op for the same record and indexer hands its (newer) object to
    the first one and does nothing itself, so the document indexed is the
    last state registered, at the place of the first registration.
    """

    def __init__(self, record, indexer):
        """The record object and its indexer."""
        self.record = record
        self.indexer = indexer
        self.superseded = False

    def key(self):
        """``(indexer, record id)``: what counts as the same indexing."""
        return indexer_key(self.indexer), str(self.record.id)

    def on_register(self, uow):
        """Join an earlier op of the same record, if there is one."""
        operations = getattr(uow, "_operations", [])
        for op in operations:
            if isinstance(op, IndexOnceOp) and not op.superseded and op.key() == self.key():
                op.record = self.record
                self.superseded = True
                return

    def on_commit(self, uow):
        """Index the record (unless another op does)."""
        if not self.superseded:
            self.indexer.index(self.record)


def commit_and_index_once(uow, record, indexer):
    """Commit ``record`` now (flush) and index it once at the commit of ``uow``."""
    uow.register(RecordCommitOp(record, indexer=None))
    if indexer is not None:
        uow.register(IndexOnceOp(record, indexer))


class IndexOnceUnitOfWork:
    """``uow`` as a service sees it: a ``RecordCommitOp`` with an indexer becomes
    a commit plus an :class:`IndexOnceOp`, a ``RecordIndexOp`` an :class:`IndexOnceOp`, a
    second refresh of the same index nothing (refreshes run after all the index writes
    of the commit); anything else passes."""

    def __init__(self, uow):
        """Wrap ``uow``."""
        self.uow = uow

    def register(self, op):
        """Register ``op`` on the wrapped unit of work (record indexing: once)."""
        kind = type(op)
        if (kind in (RecordCommitOp, RecordIndexOp) and op._indexer is not None  # noqa: SLF001
                and not op._index_refresh):  # noqa: SLF001  (a refresh asked for: left)
            if kind is RecordCommitOp:
                self.uow.register(RecordCommitOp(op._record, indexer=None))  # noqa: SLF001
            self.uow.register(IndexOnceOp(op._record, op._indexer))  # noqa: SLF001
            return
        if kind is IndexRefreshOp and self._refresh_registered(op):
            return  # refreshes run after every index write of the commit: one is enough
        self.uow.register(op)

    def _refresh_registered(self, op):
        """Whether the same index refresh is already registered."""
        def key(o):
            return indexer_key(o._indexer), o._index, sorted(o._kwargs.items())  # noqa: SLF001

        return any(type(other) is IndexRefreshOp and key(other) == key(op)
                   for other in getattr(self.uow, "_operations", []))

    def __getattr__(self, name):
        """Everything else is the wrapped unit of work's."""
        return getattr(self.uow, name)
