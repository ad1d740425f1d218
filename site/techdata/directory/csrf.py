"""CSRF protection of the directory pages' HTML forms.

The pages post plain HTML forms (no JavaScript); each form carries the
session's token in a hidden ``csrf_token`` field, checked here before
anything is stored.
"""

from flask import abort, current_app, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from invenio_i18n import lazy_gettext as _
from wtforms import ValidationError as WTFValidationError

from ..certificates.api import bilingual

__all__ = ("check_csrf", "generate_csrf")


def check_csrf():
    """Refuse a form post without the session's CSRF token (when CSRF is on)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFError, WTFValidationError):
        abort(400, description=bilingual(_("The form has expired; reload the page and try again.")))
