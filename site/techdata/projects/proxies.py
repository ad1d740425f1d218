"""Proxies of the projects feature: its service, as other code reaches it."""

from flask import current_app
from werkzeug.local import LocalProxy

current_projects_service = LocalProxy(lambda: current_app.extensions["techdata"].projects_service)
"""The project service (registry, gate, acceptance decision, certificate; CD-TD Art. 15)."""

current_projects_resource = LocalProxy(lambda: current_app.extensions["techdata"].projects_resource)
"""The ``/api/projects`` REST resource."""
