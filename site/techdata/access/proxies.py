"""Proxy of the access service (requests from outside)."""

from flask import current_app
from werkzeug.local import LocalProxy

current_access_service = LocalProxy(lambda: current_app.extensions["techdata"].access_service)
"""The :class:`~techdata.access.service.AccessService` of the running app."""
