"""Proxy of the preservation service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_preservation_service = LocalProxy(
    lambda: current_app.extensions["techdata"].preservation_service)
"""The :class:`~techdata.preservation.service.PreservationService` of the app."""
