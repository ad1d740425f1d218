"""Security of the repository (issue 20): log-in throttling, community policy, settings.

The input layer itself is generic and lives in the kernel
(:mod:`techdata.kernel.input`); :func:`init_app` wires it and the log-in
throttle into an app (called by ``TechData.init_security`` on the UI and the
REST app).
"""

from flask import current_app

from ..kernel.input import check_request
from .login import LoginThrottle


def init_app(app):
    """The input layer and the per-account log-in throttle (settings: ``security.config``)."""
    # First of all hooks: InvenioRDM's own (e.g. invenio-banners) already query
    # PostgreSQL with the request path.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
    throttle = LoginThrottle()
    app.before_request(throttle.before_login)
    app.after_request(throttle.after_login)
    return throttle


def login_throttle():
    """The log-in throttle of the current app."""
    return current_app.extensions["techdata"].login_throttle


__all__ = ("init_app", "login_throttle")
