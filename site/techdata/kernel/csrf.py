"""CSRF protection of our plain HTML forms (every form that posts).

A form carries the session's token in a hidden ``csrf_token`` field;
:func:`check_csrf` refuses a post without it (400, bilingual) before
anything is read or stored.
"""

from flask import current_app, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError as WTFValidationError

from .errors import DomainError
from .i18n import _

__all__ = ("check_csrf", "generate_csrf")


def check_csrf():
    """Refuse a form post without the session's CSRF token (when CSRF is on)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except (CSRFError, WTFValidationError):
        raise DomainError(400, _("The form has expired; reload the page and try again."))
