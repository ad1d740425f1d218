"""Proxies of the directory's services (instantiated in ``techdata.ext.TechData.init_services``)."""

from flask import current_app
from werkzeug.local import LocalProxy

current_directory_service = LocalProxy(
    lambda: current_app.extensions["techdata"].directory_service)
"""The directory service (entries, catalogue, plan, upkeep)."""

current_release_service = LocalProxy(
    lambda: current_app.extensions["techdata"].directory_release_service)
"""The release service of the directories (compile, review, publish)."""
