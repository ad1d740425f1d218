"""Proxy of the import service (built on first use by the command line)."""

from flask import current_app
from werkzeug.local import LocalProxy

from .service import ImportService, ImportServiceConfig


def _service():
    """The app's ``ImportService`` (one per app)."""
    ext = current_app.extensions
    if "techdata-import" not in ext:
        ext["techdata-import"] = ImportService(ImportServiceConfig.build(current_app))
    return ext["techdata-import"]


current_import_service = LocalProxy(_service)
"""The :class:`~techdata.importer.service.ImportService` of the current app."""
