"""The CSTR resolver and the administrators' list of pending DOI registrations.

- ``/cstr/<id>`` (UI app): a dataset's CSTR (GB/T 32843) resolves to the
  latest version of the dataset, ``302`` to ``/records/<recid>``, for whoever
  may read that record. ``CSTR:`` may be left out or written in any case. A
  malformed identifier is a ``400``; an unknown one, and one of a record the
  caller may not read (a 不予开放 record, CD-TD Art. 18, 24), the same
  ``404``, so the resolver reveals neither the record id nor that the
  record exists (CSTRs run in sequence). Messages in Chinese and English.
- ``GET /api/techdata/identifiers/pending`` (API app, administrators): DOIs
  whose registration at DataCite failed and is being retried.
"""

from flask import Blueprint, g, jsonify, redirect
from invenio_administration.permissions import administration_permission
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_rdm_records.proxies import current_rdm_records_service
from invenio_rdm_records.records.api import RDMRecord
from sqlalchemy.orm.exc import NoResultFound

from ..kernel.errors import DomainError, forbidden
from ..kernel.i18n import _
from .failures import failures
from .providers import is_cstr, normalize_cstr

MAX_LENGTH = 255
"""Longest CSTR the resolver looks up (the PID store's column)."""


def message(status, cstr):
    """The resolver's message for ``status`` (400 or 404)."""
    if status == 400:
        return _("%(cstr)s is not a CSTR identifier (GB/T 32843: "
                 "CSTR:<agency code>.<type code>.<local part>).", cstr=cstr)
    return _("No dataset has the CSTR identifier %(cstr)s.", cstr=cstr)


def _printable(text):
    """``text`` without control characters, shortened (it is echoed in the message)."""
    return "".join(c for c in text[:MAX_LENGTH] if c.isprintable())


def latest_record(pid):
    """The latest version of the dataset a CSTR identifies, or ``None``."""
    try:
        state = RDMRecord.versions.resolve(parent_id=pid.object_uuid)
        if state and state.latest_id:
            return RDMRecord.get_record(state.latest_id)
    except NoResultFound:
        pass
    return None


def latest_recid(pid):
    """The id of the latest version of the dataset a CSTR identifies, or ``None``."""
    record = latest_record(pid)
    return record.pid.pid_value if record is not None else None


def resolve(identity, cstr):
    """The record id ``cstr`` leads ``identity`` to; ``DomainError`` 400/404 otherwise.

    A record ``identity`` may not read is answered as an unknown CSTR.
    """
    value = normalize_cstr(cstr)
    if len(value) > MAX_LENGTH or not is_cstr(value):
        raise DomainError(400, message(400, _printable(cstr)))
    unknown = DomainError(404, message(404, value))
    try:
        pid = PersistentIdentifier.get("cstr", value)
    except PIDDoesNotExistError:
        raise unknown
    if pid.status not in (PIDStatus.RESERVED, PIDStatus.REGISTERED):
        raise unknown
    record = latest_record(pid)
    if record is None or not current_rdm_records_service.check_permission(
            identity, "read", record=record):
        raise unknown
    return record.pid.pid_value


def resolve_cstr(cstr):
    """Redirect a CSTR to the record page of the dataset's latest version."""
    return redirect(f"/records/{resolve(g.identity, cstr)}", code=302)


def pending():
    """DOIs whose registration failed and awaits its retry (administrators only)."""
    if not administration_permission.allows(g.identity):
        raise forbidden()
    hits = sorted(failures().values(), key=lambda f: f.get("first_failed") or "")
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def create_blueprint(app):
    """UI blueprint: ``/cstr/<id>``."""
    bp = Blueprint("techdata_identifiers", __name__, template_folder="../templates")
    bp.add_url_rule("/cstr/<path:cstr>", view_func=resolve_cstr)
    return bp


def create_api_blueprint(app):
    """API blueprint: ``/api/techdata/identifiers/pending``."""
    bp = Blueprint("techdata_identifiers_api", __name__, url_prefix="/techdata/identifiers")
    bp.add_url_rule("/pending", view_func=pending)
    return bp
