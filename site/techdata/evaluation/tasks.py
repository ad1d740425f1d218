"""Scheduled recomputation of the evaluation summaries (issue 19)."""

from celery import shared_task
from flask import current_app

from ..kernel.time import today
from . import compute


@shared_task(ignore_result=True)
def recompute_indicators(year=None):
    """Recompute ``year`` (default: this year and ``TECHDATA_EVALUATION_YEARS_BACK`` before)."""
    if year is not None:
        return [compute.recompute(int(year))]
    this = today().year
    back = int(current_app.config.get("TECHDATA_EVALUATION_YEARS_BACK", 1))
    return [compute.recompute(y) for y in range(this - back, this + 1)]
