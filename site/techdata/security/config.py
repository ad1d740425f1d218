"""Security settings (issue 20); defaults given to the app by ``security.init_app``."""

from ..kernel.input import MAX_JSON_BYTES, MAX_JSON_DEPTH
from .notify import BUILDERS

TECHDATA_INPUT_MAX_JSON_DEPTH = MAX_JSON_DEPTH
"""Deepest nesting of a JSON request body (deeper: 400, checked before parsing)."""

TECHDATA_INPUT_MAX_JSON_BYTES = MAX_JSON_BYTES
"""Largest JSON request body in bytes (larger: 413). File uploads are not JSON."""

TECHDATA_LOGIN_MAX_FAILURES = 5
"""Failed passwords of one account, within the window, that lock it."""

TECHDATA_LOGIN_FAILURE_WINDOW = 15 * 60
"""Seconds in which the failed passwords are counted (from the first one)."""

TECHDATA_LOGIN_LOCK_SECONDS = 15 * 60
"""Seconds an account stays locked, whatever user agent or address tries."""

TECHDATA_LOGIN_ENDPOINTS = (
    "security.login",
    "invenio_accounts.login",
    "invenio_accounts_rest_auth.login",
)
"""Endpoints that take an e-mail address and a password (the page and ``/api/login``)."""

NOTIFICATION_BUILDERS = dict(BUILDERS)
"""The log-in lock notice's builder (merged into ``NOTIFICATIONS_BUILDERS``; ``notify.py``)."""
