"""``kernel.cache.RequestMemoCache``: each key read once per request (issue 21)."""

from flask import Flask

from techdata import config
from techdata.kernel.cache import RequestMemoCache


class Backend:
    """A shared cache that counts its reads."""

    def __init__(self):
        """Empty."""
        self.data, self.reads = {}, 0

    def get(self, key):
        """Count, then answer."""
        self.reads += 1
        return self.data.get(key)

    def set(self, key, value, timeout=None):
        """Store."""
        self.data[key] = value
        return True

    def delete(self, key):
        """Remove."""
        return self.data.pop(key, None) is not None


def test_a_key_is_read_once_per_request():
    """Ten reads of a key in a request are one read of the shared cache; the next request
    reads it again (another process's change is seen), a missing key is not memoised."""
    backend, cache = Backend(), RequestMemoCache(None)
    cache._backend = backend
    backend.data["action::superuser-access"] = {"needs": 1}
    app = Flask(__name__)
    with app.test_request_context("/"):
        assert all(cache.get("action::superuser-access") == {"needs": 1} for _ in range(10))
        assert cache.get("missing") is None and cache.get("missing") is None
        assert backend.reads == 3
    backend.data["action::superuser-access"] = {"needs": 2}
    with app.test_request_context("/"):
        assert cache.get("action::superuser-access") == {"needs": 2}
    assert backend.reads == 4


def test_writes_go_through_and_outside_a_request_nothing_is_kept():
    """set/delete reach the shared cache and the memo at once; a CLI or Celery read
    (no request) always asks the shared cache."""
    backend, cache = Backend(), RequestMemoCache(None)
    cache._backend = backend
    app = Flask(__name__)
    with app.test_request_context("/"):
        cache.set("k", 1)
        assert cache.get("k") == 1 and backend.data["k"] == 1 and backend.reads == 0
        cache.delete("k")
        assert cache.get("k") is None and "k" not in backend.data
    with app.app_context():
        cache.set("k", 5)
        cache.get("k"), cache.get("k")
        assert backend.reads == 3


def test_invenio_access_uses_it():
    """The instance's ACCESS_CACHE is the memo over InvenioRDM's own (Redis) cache."""
    assert isinstance(config.ACCESS_CACHE, RequestMemoCache)
