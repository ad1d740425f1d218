"""Former second blueprint of requests from outside, now merged into ``views.py``.

The URL space of all six request types (filing, answer pages, new-request
forms) is served by ``views.create_api_blueprint`` / ``views.create_ui_blueprint``.
These empty blueprints remain only because the installed entry points
(``techdata_access_apply``) still name them; drop both once the package's
entry points are re-installed without them.
"""

from flask import Blueprint


def create_api_blueprint(app):
    """An empty REST blueprint (the routes are in ``views.py``)."""
    return Blueprint("techdata_access_apply_api", __name__)


def create_ui_blueprint(app):
    """An empty pages blueprint (the routes are in ``views.py``)."""
    return Blueprint("techdata_access_apply", __name__)
