"""Scheduled tasks of the audit trail: the daily verification and signed digest (LZ Art. 38)."""

from celery import shared_task

from .digest import run_daily


@shared_task(ignore_result=True)
def daily_digest():
    """Verify the chain and the stored digests; sign today's digest, or alert the admins."""
    return run_daily()
