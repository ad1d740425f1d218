"""Proxy of the evaluation service (built once per app, on first use)."""

from flask import current_app
from werkzeug.local import LocalProxy

from .config import EvaluationServiceConfig
from .service import EvaluationService


def _service():
    """The app's ``EvaluationService`` (one per app)."""
    ext = current_app.extensions
    if "techdata-evaluation" not in ext:
        ext["techdata-evaluation"] = EvaluationService(EvaluationServiceConfig.build(current_app))
    return ext["techdata-evaluation"]


current_evaluation_service = LocalProxy(_service)
"""The :class:`~techdata.evaluation.service.EvaluationService` of the current app."""
