"""Live exports of the directories: ``GET /api/directories/<audience>/entries/export``.

``?format=csv|xlsx|json|ttl|jsonld`` (default ``csv``). The open directory is
public (CD-PD Art. 31-33; QY Art. 23); the resource directory, which lists
not-opened entries too, only for the government roles that keep it
(``techdata.directory.permissions.may_read``, the check of the directory
API; CD-TD Art. 7, 11, 19). Entries
stream from the database (``techdata.directory.store.iter_entries``) while
the file is sent.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, request
from invenio_i18n import lazy_gettext as _

from ...certificates.api import bilingual
from ..permissions import is_authenticated, may_read
from .response import export_response

AUDIENCES = ("open", "resource")
"""The two directories: open (everyone) and resource (government roles)."""

PAGES = {"open": "/directory/", "resource": "/directory/resource"}
"""The web page of each directory (the catalog's landing URL)."""


def _error(status, message):
    """A JSON error with a bilingual message."""
    response = jsonify({"status": status, "message": bilingual(message)})
    response.status_code = status
    return response


def live_catalog(audience):
    """The catalog dict of the live directory ``audience`` (no release number)."""
    config = current_app.config
    zh, en = config["TECHDATA_DIRECTORY_EXPORT_TITLES"][audience]
    site = config.get("SITE_UI_URL", "").rstrip("/")
    return {"id": f"{audience}-live", "title_zh": zh, "title_en": en, "number": None,
            "issued": None, "publisher": config["TECHDATA_DIRECTORY_PUBLISHER"],
            "url": site + PAGES[audience]}


def live_export(audience):
    """``GET /api/directories/<audience>/entries/export?format=...``: the live directory."""
    if audience not in AUDIENCES:
        return _error(404, _("There is no directory “%(name)s”; use open or resource.",
                             name=str(audience)[:32]))
    if not may_read(audience):
        if not is_authenticated():
            return _error(401, _("Log in with a government role to export the resource directory."))
        return _error(403, _("Only government roles may export the resource directory."))
    from ..store import iter_entries

    today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    return export_response(iter_entries(audience), request.args.get("format", "csv"),
                           live_catalog(audience), f"techdata-{audience}-directory-{today}")


def create_api_blueprint(app):
    """API blueprint: ``/api/directories/<audience>/entries/export``."""
    bp = Blueprint("techdata_directory_exports_api", __name__, url_prefix="/directories")
    bp.add_url_rule("/<audience>/entries/export", view_func=live_export)
    return bp
