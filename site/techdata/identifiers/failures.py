"""The record of DOI registrations DataCite could not take (for administrators).

Shared by the DataCite provider (``providers.py``), which records and clears
failures, and the retry task (``tasks.py``), so neither imports the other
for it. Every failure is kept in the cache, by DOI, until the DOI is
registered, and listed at ``/api/techdata/identifiers/pending``.
"""

from contextvars import ContextVar

from invenio_cache import current_cache

from ..kernel.time import utcnow

FAILURES_KEY = "techdata:identifiers:failures"
"""Cache key of the ``{doi: failure}`` dict of unregistered DOIs."""


class TransientRegistrationError(Exception):
    """A DOI registration or update failed for a reason a retry may cure."""


retrying = ContextVar("techdata_pid_retrying", default=False)
"""True while the retry task runs: a transient failure then raises
:class:`TransientRegistrationError` instead of queueing another retry."""


def _now():
    """The current UTC time, ISO 8601."""
    return utcnow().isoformat(timespec="seconds")


def failures():
    """The recorded failures, ``{doi: {recid, parent, action, error, ...}}``."""
    return dict(current_cache.get(FAILURES_KEY) or {})


def record_failure(doi, recid, parent, action, error, transient):
    """Remember that the registration (or update) of ``doi`` failed."""
    found = failures()
    previous = found.get(doi) or {}
    found[doi] = {
        "doi": doi,
        "recid": recid,
        "parent": parent,
        "action": action,
        "error": f"{type(error).__name__}: {error}"[:500],
        "retried": transient,
        "attempts": previous.get("attempts", 0) + 1,
        "first_failed": previous.get("first_failed") or _now(),
        "last_failed": _now(),
    }
    current_cache.set(FAILURES_KEY, found, timeout=0)


def clear_failure(doi):
    """Forget the failures of ``doi`` (it is registered now)."""
    found = failures()
    if found.pop(doi, None) is not None:
        current_cache.set(FAILURES_KEY, found, timeout=0)
