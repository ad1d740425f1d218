"""Errors: the one error type of the repository and its handler.

Services raise :class:`DomainError` (or let marshmallow's ``ValidationError``
go through :func:`invalid`); the REST answer is InvenioRDM's JSON error
shape ``{"status", "message", "errors": [{"field", "messages"}]}`` with a
bilingual message, so every API error reads the same whoever raised it.
HTML pages get the same message in the site's error page.
"""

from flask import render_template, request
from flask_login import current_user
from flask_resources import HTTPJSONException
from invenio_db import db
from invenio_records_resources.errors import validation_error_to_list_errors

from .i18n import _, bilingual


class DomainError(HTTPJSONException):
    """An error a person can act on: HTTP status, bilingual message, field errors."""

    def __init__(self, code, message, errors=None):
        """``message``: a msgid/lazy string (made bilingual) or a finished text."""
        text = message if isinstance(message, str) and " / " in message else bilingual(message)
        super().__init__(code=code, errors=errors, description=text)

    @property
    def message(self):
        """The bilingual message."""
        return self.description


def field_errors(messages, prefix=""):
    """marshmallow ``messages`` (nested dict/list) as ``[{"field", "messages"}]``."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            field = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.extend(field_errors(value, field))
            else:
                items = value if isinstance(value, (list, tuple)) else [value]
                out.append({"field": field, "messages": [str(m) for m in items]})
    else:
        items = messages if isinstance(messages, (list, tuple)) else [messages]
        out.append({"field": prefix or "_schema", "messages": [str(m) for m in items]})
    return out


def invalid(err=None, message=None, errors=None):
    """400 from a marshmallow ``ValidationError`` (or explicit field errors)."""
    if err is not None and errors is None:
        errors = field_errors(err.messages)
    return DomainError(400, message or _("Invalid input."), errors=errors)


def forbidden():
    """401 for an anonymous caller (log in), 403 for a logged-in one (not allowed)."""
    if not current_user.is_authenticated:
        return DomainError(401, _("Please log in."))
    return DomainError(403, _("Not allowed."))


def not_found(message=None):
    """404 with a bilingual message."""
    return DomainError(404, message or _("Not found."))


def conflict(message=None):
    """409: someone else changed it first (optimistic concurrency) or it is final."""
    return DomainError(409, message or _("Changed by someone else meanwhile; reload and try again."))


def is_api_request():
    """True when the current request is one of the REST API (JSON answers)."""
    return request.script_root.endswith("/api") or request.path.startswith("/api/")


def handle_domain_error(error):
    """App-wide handler: JSON under ``/api``, the error page elsewhere."""
    if is_api_request() or request.accept_mimetypes.best == "application/json":
        return error.get_response()
    return render_template("techdata/error.html", error=error), error.code


def handle_malformed_id(error):
    """A lookup by a malformed id (a ``ValueError`` binding it, e.g. no UUID): 404.

    InvenioRDM's request pages (``/me/requests/<id>``, a community's
    ``/requests/<id>``) read whatever id the URL carries; SQLAlchemy refuses
    a value that is no UUID before the query runs, which answered 500 (issue
    14's crawler). Any other statement error stays what it was.
    """
    if not isinstance(getattr(error, "orig", None), ValueError):
        raise error
    db.session.rollback()
    return handle_domain_error(DomainError(404, _("Not found.")))


__all__ = ("DomainError", "conflict", "field_errors", "forbidden", "handle_domain_error",
           "handle_malformed_id",
           "invalid", "not_found", "validation_error_to_list_errors")
