"""Refusals of the directories and their releases: the kernel's one error type.

:class:`DirectoryError` is a :class:`techdata.kernel.errors.DomainError`
(answered by the app-wide handler: JSON under ``/api``, the error page
elsewhere) that also names its HTTP ``status`` for callers of the services.
"""

from invenio_access.permissions import authenticated_user, system_process

from ..kernel.errors import DomainError, field_errors
from ..kernel.i18n import _


class DirectoryError(DomainError):
    """A refused directory or release action: HTTP ``status``, bilingual ``message``, ``errors``."""

    @property
    def status(self):
        """The HTTP status (``code``)."""
        return self.code


def refused(identity, message=None):
    """401 for an anonymous ``identity`` (log in), 403 for a logged-in one (not allowed)."""
    provides = getattr(identity, "provides", ())
    if authenticated_user not in provides and system_process not in provides:
        return DirectoryError(401, _("Please log in."))
    return DirectoryError(403, message or _("Not allowed."))


def invalid(err=None, errors=None, message=None):
    """400 with field errors (from a marshmallow ``ValidationError`` or given); nothing stored."""
    if err is not None and errors is None:
        errors = field_errors(err.messages)
    return DirectoryError(400, message or _("Invalid input; nothing was saved."), errors=errors)


def not_found(message=None):
    """404 with a bilingual message."""
    return DirectoryError(404, message or _("Not found."))


def conflict(message):
    """409 with a bilingual message."""
    return DirectoryError(409, message)
