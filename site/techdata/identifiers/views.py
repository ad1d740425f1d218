"""The CSTR resolver and the administrators' list of pending DOI registrations.

- ``/cstr/<id>`` (UI app): a dataset's CSTR (GB/T 32843) resolves to the
  latest version of the dataset, ``302`` to ``/records/<recid>``; the record
  page checks who may read it. ``CSTR:`` may be left out or written in any
  case. A malformed identifier is a ``400``, an unknown one a ``404``, with
  the message in Chinese and English.
- ``GET /api/techdata/identifiers/pending`` (API app, administrators): DOIs
  whose registration at DataCite failed and is being retried.
"""

from flask import Blueprint, g, jsonify, redirect, render_template, request
from flask_babel import force_locale
from invenio_i18n import lazy_gettext as _
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_rdm_records.records.api import RDMRecord
from sqlalchemy.orm.exc import NoResultFound

from .providers import is_cstr, normalize_cstr
from .tasks import failures

def message(status, cstr):
    """The resolver's message for ``status`` (400 or 404), in the current language."""
    if status == 400:
        return _("%(cstr)s is not a CSTR identifier (GB/T 32843: "
                 "CSTR:<agency code>.<type code>.<local part>).", cstr=cstr)
    return _("No dataset has the CSTR identifier %(cstr)s.", cstr=cstr)


def _bilingual(status, cstr):
    """The message of ``status`` in Chinese and in English."""
    texts = []
    for locale in ("zh", "en"):
        with force_locale(locale):
            texts.append((locale, str(message(status, cstr))))
    return texts


def _error(status, cstr):
    """A 400/404 page (or JSON for API clients) in Chinese and English."""
    texts = _bilingual(status, cstr)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"status": status, "message": " / ".join(t for _l, t in texts)}), status
    return render_template("techdata/identifiers/error.html", status=status, texts=texts), status


def latest_recid(pid):
    """The id of the latest version of the dataset a CSTR identifies, or None."""
    try:
        state = RDMRecord.versions.resolve(parent_id=pid.object_uuid)
        if state and state.latest_id:
            return RDMRecord.get_record(state.latest_id).pid.pid_value
    except NoResultFound:
        pass
    return None


def resolve_cstr(cstr):
    """Redirect a CSTR to the record page of the dataset's latest version."""
    value = normalize_cstr(cstr)
    if len(value) > 255 or not is_cstr(value):
        return _error(400, cstr[:255])
    try:
        pid = PersistentIdentifier.get("cstr", value)
    except PIDDoesNotExistError:
        return _error(404, value)
    if pid.status not in (PIDStatus.RESERVED, PIDStatus.REGISTERED):
        return _error(404, value)
    recid = latest_recid(pid)
    if recid is None:
        return _error(404, value)
    return redirect(f"/records/{recid}", code=302)


def pending():
    """DOIs whose registration failed and awaits its retry (administrators only)."""
    if not _is_admin(g.identity):
        return jsonify({"status": 403, "message": "权限不足 / Permission denied"}), 403
    hits = sorted(failures().values(), key=lambda f: f.get("first_failed") or "")
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def _is_admin(identity):
    """Whether the identity may administer the site (superusers may too)."""
    from invenio_administration.permissions import administration_permission

    return administration_permission.allows(identity)


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
