"""Tasks of the audit trail: the daily verification and signed digest (LZ Art. 38); the
indexing of new entries after their commit (``kernel.audit.index_entries``), the entries
written after a download (``kernel.audit.write_entry``)."""

from celery import shared_task

from ..kernel.audit import index_entries, write_entry  # noqa: F401 (tasks of the worker)
from .digest import run_daily


@shared_task(ignore_result=True)
def daily_digest():
    """Verify the chain and the stored digests; sign today's digest, or alert the admins."""
    return run_daily()
