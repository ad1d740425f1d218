"""The trail's search copy is made after the commit, never in the act (issue 16).

The rows of the trail and their chain links are committed with the act; the
copy that the audit pages and ``/api/audit-logs`` search is written by the
Celery task :func:`index_entries` (inline where tasks run eagerly), so no act
waits for the search engine.

Our entries (:class:`techdata.kernel.audit.EntryOp`) send the task themselves.
InvenioRDM's own entries (``draft.create``, ``record.publish``, ... written by
the drafts, records and requests services with ``AuditLogOp``) are indexed by
the audit-log service's ``AuditRecordCommitOp`` right after the commit, in the
request; the component :class:`IndexAfterCommitComponent` (set in
``AUDIT_LOGS_SERVICE_COMPONENTS``, the service's extension point) hands them
to the same task instead.
"""

from celery import shared_task
from invenio_audit_logs.proxies import current_audit_logs_service
from invenio_audit_logs.records.api import AuditLog as AuditLogRecord
from invenio_audit_logs.services.uow import AuditRecordCommitOp
from invenio_records_resources.services.records.components import ServiceComponent
from invenio_records_resources.services.uow import Operation


@shared_task(ignore_result=True)
def index_entries(ids):
    """Index the trail entries ``ids`` of a committed transaction (the trail's search copy).

    The rows and their chain links are already committed with the act; only the
    copy the audit pages and ``/api/audit-logs`` search is made here.
    """
    indexer = current_audit_logs_service.indexer
    for id_ in ids:
        indexer.create(AuditLogRecord.get_record(id_))


class IndexLaterOp(Operation):
    """An entry of the audit-log service indexed by :func:`index_entries` after the commit.

    Registered by :class:`IndexAfterCommitComponent` just before the service's
    ``AuditRecordCommitOp`` of the same entry; at the commit it runs first and
    takes the search write off that op (which then only stores the row).
    """

    def __init__(self, record):
        """``record``: the entry (an ``AuditLog`` record) the service is creating."""
        self.record = record
        self.entry_id = str(record.id)  # read now: after the commit it is expired

    def on_commit(self, uow):
        """Before the service's op of this entry runs: no index write there."""
        for op in uow._operations:  # noqa: SLF001 (the unit of work's registered ops)
            if isinstance(op, AuditRecordCommitOp) and op._record is self.record:  # noqa: SLF001
                op._indexer = None  # noqa: SLF001 (the row is stored; the task indexes)

    def on_post_commit(self, uow):
        """Send the task (run inline where Celery tasks run eagerly)."""
        index_entries.delay([self.entry_id])


class IndexAfterCommitComponent(ServiceComponent):
    """Audit-log service component: entries are indexed after the commit (issue 16)."""

    def create(self, identity, data=None, record=None, errors=None, **kwargs):
        """Register :class:`IndexLaterOp` for the entry being created (in the service's unit
        of work, which ``run_components`` sets as ``self.uow``)."""
        uow = kwargs.get("uow") or getattr(self, "uow", None)
        if uow is not None and record is not None:
            uow.register(IndexLaterOp(record))


__all__ = ("IndexAfterCommitComponent", "IndexLaterOp", "index_entries")
