"""Live exports of the directories: ``GET /api/directories/<audience>/entries/export``.

``?format=csv|xlsx|json|ttl|jsonld`` (default ``csv``). The open directory is
public (CD-PD Art. 31-33; QY Art. 23); the resource directory, which lists
not-opened entries too, only for the government roles that keep it
(the directory service's policy, as for the directory API; CD-TD Art. 7, 11, 19). Entries
stream from the database (``techdata.directory.store.iter_entries``) while
the file is sent.
"""

from flask import Blueprint, current_app, g, request

from ...kernel.time import today
from ..proxies import current_directory_service
from .response import export_response

AUDIENCES = ("open", "resource")
"""The two directories: open (everyone) and resource (government roles)."""

PAGES = {"open": "/directory/", "resource": "/directory/resource"}
"""The web page of each directory (the catalog's landing URL)."""


def live_catalog(audience):
    """The catalog dict of the live directory ``audience`` (no release number)."""
    config = current_app.config
    zh, en = config["TECHDATA_DIRECTORY_EXPORT_TITLES"][audience]
    site = config.get("SITE_UI_URL", "").rstrip("/")
    return {"id": f"{audience}-live", "title_zh": zh, "title_en": en, "number": None,
            "issued": None, "publisher": config["TECHDATA_DIRECTORY_PUBLISHER"],
            "url": site + PAGES[audience]}


def live_export(audience):
    """``GET /api/directories/<audience>/entries/export?format=...``: the live directory.

    The directory service checks the audience (404) and who may read it (401/403).
    """
    entries = current_directory_service.entries(g.identity, audience)
    stamp = today().strftime("%Y%m%d")
    return export_response(entries, request.args.get("format", "csv"),
                           live_catalog(audience), f"techdata-{audience}-directory-{stamp}")


def create_api_blueprint(app):
    """API blueprint: ``/api/directories/<audience>/entries/export``."""
    bp = Blueprint("techdata_directory_exports_api", __name__, url_prefix="/directories")
    bp.add_url_rule("/<audience>/entries/export", view_func=live_export)
    return bp
