"""REST endpoints of directory releases (API app, under ``/api``).

Reading (published open-directory releases: anyone; drafts and the resource
directory: government roles):

- ``GET /api/directories/open/releases`` — published releases, newest first:
  ``{"hits": {"total", "hits": [{"number", "issued", "entry_count", "digest", "links"}]}}``;
- ``GET /api/directories/open/releases/{number|latest|draft}`` — one release;
- ``GET /api/directories/open/releases/{number|latest|draft}/export?format=csv|xlsx|json|ttl|jsonld``
  — the release's entries, streamed from the database;
- ``GET /api/directories/open/releases/{number|latest|draft}/diff[?size=N]`` — added,
  changed (with the fields) and withdrawn entries against the previous release.

Managing (the tech bureau, and the confidentiality reviewer for the review):

- ``POST /api/directories/open/releases/draft`` — compile (or recompile) the draft;
- ``POST /api/directories/open/releases/draft/submit`` — send it to review;
- ``POST /api/directories/open/releases/draft/review`` — ``{"decision": "pass"|"fail",
  "checklist": {...}, "reasons": "..."}`` (checklist of ``techdata.review.service.CHECKLIST``);
- ``POST /api/directories/open/releases/draft/publish`` — publish the reviewed draft;
- ``DELETE /api/directories/open/releases/draft`` — discard the draft.

The same changes addressed to a published release (``POST .../releases/3/publish``,
``DELETE .../releases/3``, ``PUT``/``PATCH``) are refused with 409: a published
release is immutable (CD-TD Art. 7, 11).

``resource`` in place of ``open`` does the same for the resource directory.
Errors: the kernel's ``DomainError`` answer ``{"status", "message": "中文 / English",
"errors"}`` with 400, 401, 403, 404 or 409, never a 500. The views parse, call
the release service (whose policy decides who may act) and render.
"""

from flask import Blueprint, current_app, g, jsonify, request
from invenio_db import db
from sqlalchemy.exc import SQLAlchemyError

from ...kernel.i18n import _
from ...kernel.input import int_arg
from ..exports import export_response
from ..proxies import current_release_service as releases
from .service import ReleaseError

FORMATS = ("csv", "xlsx", "json", "ttl", "jsonld")
"""Export formats of a release (those of ``techdata.directory.exports``)."""

TITLES = {
    "open": ("成都市科技数据开放目录", "Chengdu open tech-data directory"),
    "resource": ("成都市科技数据资源目录", "Chengdu tech-data resource directory"),
}
"""Chinese and English titles of the two directories."""


def _urls():
    """The API and UI base URLs of the site."""
    return (current_app.config.get("SITE_API_URL", "").rstrip("/"),
            current_app.config.get("SITE_UI_URL", "").rstrip("/"))


def release_ref(release):
    """How URLs name ``release``: its number, or ``draft``."""
    return str(release.number) if release.status == "published" else "draft"


def release_links(release):
    """Links of a release: API, page, diff and one export per format."""
    api, ui = _urls()
    ref = release_ref(release)
    base = f"{api}/directories/{release.audience}/releases/{ref}"
    page = (f"{ui}/directory/releases/{ref}" if release.audience == "open" and ref != "draft"
            else f"{ui}/directory/releases/manage?audience={release.audience}")
    return {"self": base, "html": page, "diff": f"{base}/diff",
            "exports": {fmt: f"{base}/export?format={fmt}" for fmt in FORMATS}}


def release_url(audience, number):
    """The page (open directory) or API URL of published release ``number``."""
    api, ui = _urls()
    return (f"{ui}/directory/releases/{number}" if audience == "open"
            else f"{api}/directories/{audience}/releases/{number}")


def erratum_json(release, erratum):
    """An erratum of ``release``: the notes, the corrected re-issue (number and URL), when."""
    return {
        "note_zh": erratum.note_zh, "note_en": erratum.note_en,
        "corrected_by": erratum.corrected_by,
        "corrected_by_url": (release_url(release.audience, erratum.corrected_by)
                             if erratum.corrected_by else None),
        "created_at": erratum.created_at.isoformat() if erratum.created_at else None,
    }


def release_json(release, identity):
    """The JSON of a release; who did what is shown to government roles only."""
    out = {
        "number": release.number, "audience": release.audience, "status": release.status,
        "issued": release.issued, "entry_count": release.entry_count, "digest": release.digest,
        "created_at": release.created_at.isoformat() if release.created_at else None,
        "published_at": release.published_at.isoformat() if release.published_at else None,
        "review": {
            "passed": release.review_passed,
            "reviewed_at": release.reviewed_at.isoformat() if release.reviewed_at else None,
            "checklist": release.review_checklist, "reasons": release.review_reasons,
            "reviewed_digest": release.reviewed_digest,
        },
        "links": release_links(release),
        "errata": [erratum_json(release, e) for e in releases.errata(release)],
    }
    if releases.is_government(identity):
        out.update(created_by=release.created_by, submitted_by=release.submitted_by,
                   submitted_at=release.submitted_at.isoformat() if release.submitted_at else None,
                   published_by=release.published_by)
        out["review"]["reviewed_by"] = release.reviewed_by
    return out


def catalog_of(release):
    """The ``catalog`` dict the exports describe the release with (DCAT-AP ``dcat:Catalog``)."""
    api, ui = _urls()
    zh, en = TITLES[release.audience]
    ref = release_ref(release)
    url = (f"{ui}/directory/releases/{ref}" if release.audience == "open" and ref != "draft"
           else f"{api}/directories/{release.audience}/releases/{ref}")
    if release.number is not None:
        zh, en = f"{zh}（第 {release.number} 版）", f"{en}, release {release.number}"
    return {"id": url, "title_zh": zh, "title_en": en, "number": release.number,
            "issued": release.issued,
            "errata": [erratum_json(release, e) for e in releases.errata(release)] or None,
            "publisher": current_app.config.get("TECHDATA_DIRECTORY_PUBLISHER",
                                                "成都市科学技术局 Chengdu Municipal Science and Technology Bureau"),
            "url": url}


def _database_error(exc):
    """A refused database write (a trigger, a concurrent publication): 409, nothing stored."""
    db.session.rollback()
    current_app.logger.warning("directory release: database refused a change: %s", exc)
    return ReleaseError(409, _("The change was refused by the database (a concurrent "
                               "change or a published release); reload and try again.")
                        ).get_response()


def list_releases(audience):
    """``GET /api/directories/<audience>/releases``."""
    hits = [release_json(r, g.identity) for r in releases.published(g.identity, audience)]
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def read_release(audience, ref):
    """``GET /api/directories/<audience>/releases/<ref>``."""
    return jsonify(release_json(releases.get(g.identity, audience, ref), g.identity))


def export_release(audience, ref):
    """``GET .../releases/<ref>/export?format=...``: B's streaming export of the items."""
    fmt = (request.args.get("format") or "").strip().lower()
    if fmt not in FORMATS:
        raise ReleaseError(400, _("Unknown export format; use csv, xlsx, json, ttl or jsonld."))
    release = releases.get(g.identity, audience, ref)
    stem = f"techdata-{audience}-directory-release-{release_ref(release)}"
    response = export_response(releases.iter_items(release), fmt, catalog_of(release), stem)
    if release.status == "published" and response.status_code == 200:
        # a numbered release never changes (CD-TD Art. 7): its file may be cached
        response.set_etag(f"{release.digest}-{fmt}")
        if str(ref).isdigit() and release.audience == "open":
            response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def diff_release(audience, ref):
    """``GET .../releases/<ref>/diff``: added, changed and withdrawn entries."""
    size = int_arg("size", None, 1, 10000, field="size")
    release = releases.get(g.identity, audience, ref)
    return jsonify(releases.diff(release, limit=size))


def _body():
    """The JSON object body of a POST (an empty one if there is none)."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ReleaseError(400, _("The request body must be a JSON object."))
    return data


def compile_draft(audience, ref="draft"):
    """``POST .../releases/draft``: compile (or recompile) the draft from the live directory."""
    releases.require_draft(audience, ref)
    _body()
    release = releases.compile(g.identity, audience)
    return jsonify(release_json(release, g.identity)), 201


def discard_draft(audience, ref):
    """``DELETE .../releases/draft``: discard the draft (a published release: 409)."""
    releases.require_draft(audience, ref)
    releases.discard(g.identity, audience)
    return "", 204


def add_erratum(audience, ref):
    """``POST .../releases/<number>/errata``: an erratum of a published release (201).

    Body: ``{"note_zh": ..., "note_en": ..., "corrected_by": <later number>}``;
    the release and its entries stay as published (CD-TD Art. 7, 11).
    """
    erratum = releases.add_erratum(g.identity, audience, ref, _body())
    release = releases.get(g.identity, audience, ref)
    return jsonify(erratum_json(release, erratum)), 201


def change_release(audience, ref):
    """``PUT``/``PATCH`` of a release: refused, releases change only by recompiling."""
    releases.require_draft(audience, ref)
    raise ReleaseError(405, _("A draft release changes only by recompiling it."))


def draft_action(audience, ref, action):
    """``POST .../releases/draft/{submit,review,publish}``: one workflow step."""
    releases.require_draft(audience, ref)
    data = _body()
    if action == "submit":
        release = releases.submit(g.identity, audience)
    elif action == "review":
        release = releases.review(g.identity, audience, data)
    elif action == "publish":
        release = releases.publish(g.identity, audience)
    else:
        raise ReleaseError(404, _("Unknown release action; use submit, review or publish."))
    return jsonify(release_json(release, g.identity))


def create_api_blueprint(app):
    """The ``/api/directories/<audience>/releases`` blueprint."""
    bp = Blueprint("techdata_directory_releases_api", __name__,
                   url_prefix="/directories/<audience>/releases")
    bp.add_url_rule("", view_func=list_releases)
    bp.add_url_rule("/draft", view_func=compile_draft, methods=["POST"])
    bp.add_url_rule("/<ref>", view_func=read_release)
    bp.add_url_rule("/<ref>", view_func=compile_draft, methods=["POST"])
    bp.add_url_rule("/<ref>", view_func=discard_draft, methods=["DELETE"])
    bp.add_url_rule("/<ref>", view_func=change_release, methods=["PUT", "PATCH"])
    bp.add_url_rule("/<ref>/export", view_func=export_release)
    bp.add_url_rule("/<ref>/diff", view_func=diff_release)
    bp.add_url_rule("/<ref>/errata", view_func=add_erratum, methods=["POST"])
    bp.add_url_rule("/<ref>/<action>", view_func=draft_action, methods=["POST"])
    bp.register_error_handler(SQLAlchemyError, _database_error)
    return bp
