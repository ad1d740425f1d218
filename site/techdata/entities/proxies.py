"""Proxy of the entities service, as other features and the views reach it."""

from flask import current_app
from werkzeug.local import LocalProxy

current_entities_service = LocalProxy(lambda: current_app.extensions["techdata"].entities_service)
"""The :class:`~techdata.entities.service.EntitiesService` of the running app."""
