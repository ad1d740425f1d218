"""Who reads and compiles the directories, asked of the directory service's policy.

The rules are :class:`techdata.directory.services.DirectoryPermissionPolicy`;
these helpers answer for one identity (default: the current one), for
menus and set-up code.
"""

from flask import g

from .proxies import current_directory_service


def _can(action, identity=None):
    """Whether ``identity`` (default: the current one) may ``action``."""
    return current_directory_service.can(identity or g.identity, action)


def is_authenticated(identity=None):
    """Whether a user is logged in."""
    identity = identity or g.identity
    return any(n.method == "id" for n in identity.provides)


def may_read_resource(identity=None):
    """Government roles read the resource directory (CD-TD Art. 7, 11, 19)."""
    return _can("read_resource", identity)


def may_read(audience, identity=None):
    """Anyone reads the open directory; the resource one needs a government role."""
    return audience == "open" or may_read_resource(identity)


def is_bureau(identity=None):
    """The tech bureau compiles the directories and the open plan (CD-TD Art. 7; CD-PD Art. 33)."""
    return _can("catalogue", identity)


def may_check(identity=None):
    """The bureau and entity data admins mark entries checked (QY Art. 8; CD-TD Art. 9)."""
    return _can("check", identity)


def is_confidentiality_reviewer(identity=None):
    """Confidentiality reviewers record the review of catalogued entries (CD-TD Art. 24)."""
    return _can("review", identity)
