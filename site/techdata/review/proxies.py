"""Proxy of the review service (instantiated in ``techdata.ext``)."""

from flask import current_app
from werkzeug.local import LocalProxy

current_review_service = LocalProxy(lambda: current_app.extensions["techdata"].review_service)
"""The :class:`~techdata.review.service.ReviewService` of the current app."""
