"""Per-account log-in throttling with a notice to the account's owner (issue 20).

InvenioRDM limits log-ins per user agent and address only; an attacker who
changes either tries passwords without end. Here failures are counted per
*account* (the e-mail address given), in Redis (the app's ``CACHE_REDIS_URL``):
after ``TECHDATA_LOGIN_MAX_FAILURES`` failed passwords within
``TECHDATA_LOGIN_FAILURE_WINDOW`` seconds the account is locked for
``TECHDATA_LOGIN_LOCK_SECONDS``, whoever tries and from wherever; even the
right password is refused meanwhile (429). The owner gets one bilingual
notice when the lock starts (``notify.py``, invenio-notifications). A
successful log-in clears the count.

Hooks: ``before_request`` on the log-in endpoints (``TECHDATA_LOGIN_ENDPOINTS``:
the log-in page and ``/api/login``) refuses a locked account before the
password is checked; ``after_request`` counts a POST that did not log
anybody in. Unknown addresses are counted and locked alike, so the answers
do not tell which accounts exist.
"""

import hashlib

import redis
from flask import current_app, g, request
from flask_login import current_user
from invenio_accounts.proxies import current_datastore

from ..kernel.errors import DomainError
from ..kernel.i18n import _
from ..kernel.notifications import send
from .notify import LoginLocked

KEY_PREFIX = "techdata:login:"
"""Prefix of the throttle's Redis keys."""


def locked_message(minutes):
    """Answer to a log-in attempt on a locked account."""
    return _("Too many failed log-ins: this account is locked for %(minutes)s minutes. "
             "Its owner has been notified by e-mail.", minutes=minutes)


def normalise(email):
    """The account key of an e-mail address (case and spaces do not matter)."""
    return (email or "").strip().lower()


class LoginThrottle:
    """Counts failed log-ins per account and locks accounts (see module docs)."""

    def __init__(self):
        """Connections are made lazily, per app."""
        self._clients = {}

    # Storage
    # -------

    def client(self):
        """Redis client of the current app (``CACHE_REDIS_URL``), or None."""
        url = current_app.config.get("CACHE_REDIS_URL")
        if not url:
            return None
        if url not in self._clients:
            self._clients[url] = redis.StrictRedis.from_url(url)
        return self._clients[url]

    @staticmethod
    def _key(kind, email):
        digest = hashlib.sha256(normalise(email).encode("utf-8", "replace")).hexdigest()
        return f"{KEY_PREFIX}{kind}:{digest}"

    def is_locked(self, email):
        """True while ``email``'s account is locked."""
        client = self.client()
        return bool(client and client.exists(self._key("lock", email)))

    def record_failure(self, email):
        """Count a failed log-in; lock (and notify) at the limit. Returns the count."""
        client = self.client()
        if client is None or not normalise(email):
            return 0
        config = current_app.config
        key = self._key("failures", email)
        pipe = client.pipeline()
        pipe.incr(key)
        pipe.expire(key, config["TECHDATA_LOGIN_FAILURE_WINDOW"], nx=True)
        count = pipe.execute()[0]
        if count >= config["TECHDATA_LOGIN_MAX_FAILURES"]:
            lock_seconds = config["TECHDATA_LOGIN_LOCK_SECONDS"]
            if client.set(self._key("lock", email), count, ex=lock_seconds, nx=True):
                client.delete(key)
                self.notify(email, count, lock_seconds)
        return count

    def reset(self, email):
        """Forget the failures of ``email`` (after a successful log-in)."""
        client = self.client()
        if client is not None:
            client.delete(self._key("failures", email))

    def unlock(self, email):
        """End a lock early (administrators, tests)."""
        client = self.client()
        if client is not None:
            client.delete(self._key("failures", email), self._key("lock", email))

    # Notice
    # ------

    @staticmethod
    def notify(email, count, lock_seconds):
        """Bilingual notice to the owner of ``email``'s account, if there is one."""
        user = current_datastore.get_user_by_email(normalise(email))
        if user is None:
            return
        minutes = max(1, lock_seconds // 60)
        try:
            send(LoginLocked.build(user.email, count, minutes))
        except Exception:  # a mail or broker problem must not break the log-in page
            current_app.logger.exception("login lock notice to %s not sent", user.email)

    # Request hooks
    # -------------

    @staticmethod
    def _attempted_email():
        """The e-mail address of a log-in POST (form or JSON)."""
        if request.is_json:
            data = request.get_json(silent=True)
            return normalise(data.get("email")) if isinstance(data, dict) else ""
        return normalise(request.form.get("email"))

    def _applies(self):
        return (request.method == "POST"
                and request.endpoint in current_app.config["TECHDATA_LOGIN_ENDPOINTS"])

    def before_login(self):
        """Refuse a log-in POST for a locked account (429), before its password is checked."""
        if not self._applies():
            return None
        email = self._attempted_email()
        if not email:
            return None
        g.techdata_login_email = email
        if self.is_locked(email):
            g.techdata_login_refused = True
            minutes = max(1, current_app.config["TECHDATA_LOGIN_LOCK_SECONDS"] // 60)
            raise DomainError(429, locked_message(minutes))
        return None

    def after_login(self, response):
        """Count a log-in POST that logged nobody in; clear the count on success."""
        email = g.pop("techdata_login_email", None)
        if email is None or g.pop("techdata_login_refused", False):
            return response
        if current_user.is_authenticated:
            self.reset(email)
        else:
            self.record_failure(email)
        return response


__all__ = ("LoginThrottle", "normalise")
