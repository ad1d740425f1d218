"""Tasks of the audit trail: the daily verification and signed digest (LZ Art. 38); the
indexing of new entries after their commit (``kernel.audit.index_entries``)."""

from celery import shared_task

from ..kernel.audit import index_entries  # noqa: F401 (the trail's indexing task, in the worker)
from .digest import run_daily


@shared_task(ignore_result=True)
def daily_digest():
    """Verify the chain and the stored digests; sign today's digest, or alert the admins."""
    return run_daily()
