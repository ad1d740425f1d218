"""A request-scoped memo in front of a shared cache (issue 21, the read gap).

InvenioRDM keeps the needs of each access action (``superuser-access``,
``administration-access``, ...) in Redis (``ACCESS_CACHE``) and reads them
again at every permission check: a landing page of ours asked Redis 235
times for a handful of keys (vanilla InvenioRDM 86), one network round trip
each. :class:`RequestMemoCache` answers a key read once in the same request
from memory; writes and deletes go through to the shared cache and to the
memo, so a grant changed in the request is seen at once, and another
process's change is seen from the next request on. Outside a request (CLI,
Celery tasks) it is the shared cache itself: those run long, a memo would go
stale.
"""

from flask import has_request_context, request
from werkzeug.utils import import_string

__all__ = ("RequestMemoCache",)

_MEMO = "techdata.cache_memo"
"""The key of the request's WSGI environ holding its memos (one per cache): the request's
own, where ``flask.g`` may outlive it (an app context pushed around many requests, as
in the tests)."""


class RequestMemoCache:
    """``get``/``set``/``delete`` of a cache, each key read at most once per request."""

    def __init__(self, backend):
        """``backend``: a cache object, or its import string (e.g.
        ``"invenio_cache:current_cache"``, resolved at first use)."""
        self._backend = backend

    @property
    def backend(self):
        """The shared cache."""
        if isinstance(self._backend, str):
            self._backend = import_string(self._backend)
        return self._backend

    def _memo(self):
        """This request's memo of this cache (``None`` outside a request)."""
        if not has_request_context():
            return None
        return request.environ.setdefault(_MEMO, {}).setdefault(id(self), {})

    def get(self, key):
        """The value of ``key`` (``None`` when absent); from the memo when read before."""
        memo = self._memo()
        if memo is not None and key in memo:
            return memo[key]
        value = self.backend.get(key)
        if memo is not None and value is not None:
            memo[key] = value
        return value

    def set(self, key, value, *args, **kwargs):
        """Store ``value`` in the shared cache and the memo."""
        memo = self._memo()
        if memo is not None:
            memo[key] = value
        return self.backend.set(key, value, *args, **kwargs)

    def delete(self, key):
        """Remove ``key`` from the shared cache and the memo."""
        memo = self._memo()
        if memo is not None:
            memo.pop(key, None)
        return self.backend.delete(key)
