"""Who reads and compiles the directories (CD-TD Art. 7, 9, 11, 19, 24)."""

from flask import current_app, g
from invenio_access.permissions import superuser_access, system_process


def _roles(identity):
    """Role names the identity holds."""
    return {n.value for n in identity.provides if n.method == "role"}


def _is_system(identity):
    """The system identity (CLI, tasks) may do everything."""
    return system_process in identity.provides or superuser_access in identity.provides


def _holds(identity, config_key):
    """Whether ``identity`` holds one of the roles of setting ``config_key``."""
    identity = identity or g.identity
    if _is_system(identity):
        return True
    return bool(_roles(identity) & set(current_app.config[config_key]))


def is_authenticated(identity=None):
    """Whether a user is logged in."""
    identity = identity or g.identity
    return any(n.method == "id" for n in identity.provides)


def may_read_resource(identity=None):
    """Government roles read the resource directory (CD-TD Art. 7, 11, 19)."""
    return _holds(identity, "TECHDATA_DIRECTORY_RESOURCE_ROLES")


def may_read(audience, identity=None):
    """Anyone reads the open directory; the resource one needs a government role."""
    return audience == "open" or may_read_resource(identity)


def is_bureau(identity=None):
    """The tech bureau compiles the directories and the open plan (CD-TD Art. 7; CD-PD Art. 33)."""
    return _holds(identity, "TECHDATA_DIRECTORY_BUREAU_ROLES")


def may_check(identity=None):
    """The bureau and entity data admins mark entries checked (QY Art. 8; CD-TD Art. 9).

    Any entity data admin may check any entry: a user carries roles only, no
    link to their entity (``td-entities`` is a vocabulary, not an account
    attribute), so "their own entries" cannot be told yet.
    """
    return _holds(identity, "TECHDATA_DIRECTORY_CHECK_ROLES")


def is_confidentiality_reviewer(identity=None):
    """Confidentiality reviewers record the review of catalogued entries (CD-TD Art. 24)."""
    identity = identity or g.identity
    role = current_app.config["TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"]
    return role in _roles(identity)
