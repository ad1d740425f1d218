"""Retrying DOI registrations that DataCite could not take, and their record.

InvenioRDM registers DOIs in its ``register_or_update_pid`` task, which gives
up on any error. Our DataCite provider schedules ``retry_pid_registration``
when DataCite answers 5xx or cannot be reached: retried with exponential
backoff (``TECHDATA_DOI_RETRY_DELAY`` doubled each time, at most
``TECHDATA_DOI_RETRY_MAX_DELAY``) up to ``TECHDATA_DOI_RETRY_MAX`` times.
Every failure is kept (``failures.py``) until the DOI is registered, and
listed for administrators at ``/api/techdata/identifiers/pending``.
"""

from celery import shared_task
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records

from .failures import TransientRegistrationError, retrying


def retry_delay(retries):
    """Seconds before retry number ``retries + 1``: exponential, capped."""
    cfg = current_app.config
    return min(cfg["TECHDATA_DOI_RETRY_DELAY"] * 2**retries, cfg["TECHDATA_DOI_RETRY_MAX_DELAY"])


def schedule_retry(recid, scheme, parent, attempt=1):
    """Queue attempt number ``attempt`` of ``retry_pid_registration`` after its backoff.

    Never raises: a broker failure is logged, and the DOI stays listed as
    pending for administrators.
    """
    if attempt > current_app.config["TECHDATA_DOI_RETRY_MAX"]:
        current_app.logger.error(
            "DOI registration of record %s (%s) given up after %s retries; "
            "listed at /api/techdata/identifiers/pending", recid, scheme, attempt - 1,
        )
        return
    try:
        retry_pid_registration.apply_async(
            args=(recid, scheme, parent), kwargs={"attempt": attempt},
            countdown=retry_delay(attempt - 1),
        )
    except Exception:  # noqa: BLE001  (the broker is down: an admin sees the DOI pending)
        current_app.logger.exception("DOI registration of %s not re-queued", recid)


@shared_task(ignore_result=True)
def retry_pid_registration(recid, scheme, parent=False, attempt=1):
    """Register (or update) the PID ``scheme`` of ``recid`` again.

    On another transient failure the next attempt is queued with twice the
    delay (explicitly, not with ``Task.retry``: under Flask-CeleryExt the
    task request is a fresh one, and ``retry`` would only re-raise).
    """
    token = retrying.set(True)
    try:
        current_rdm_records.records_service.pids.register_or_update(
            id_=recid, identity=system_identity, scheme=scheme, parent=parent
        )
    except TransientRegistrationError:
        schedule_retry(recid, scheme, parent, attempt + 1)
    finally:
        retrying.reset(token)
