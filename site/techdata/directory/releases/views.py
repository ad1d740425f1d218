"""Pages of directory releases (UI app).

- ``/directory/releases`` — public list of published open-directory releases,
  with a download link per export format;
- ``/directory/releases/<number>`` — one release (stable URL): its facts and
  its entries, paginated;
- ``/directory/releases/manage`` — government roles: the current draft, its
  diff against the last release; the bureau compiles, submits and publishes,
  the confidentiality reviewer passes or fails it with the checklist.

The manage page's buttons are plain HTML forms posting to
``/directory/releases/manage/<action>`` (with the session's CSRF token),
which run the same service as the REST API and come back with a message.
"""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import login_required
from invenio_db import db
from sqlalchemy.exc import SQLAlchemyError

from ...kernel.csrf import check_csrf, generate_csrf
from ...kernel.errors import DomainError
from ...kernel.i18n import _, bilingual
from ...review.service import CHECKLIST
from ..fields import DIRECTORY_FIELDS
from ..proxies import current_release_service as releases
from .api import FORMATS, TITLES
from .service import ReleaseError

FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "ttl": "DCAT-AP (Turtle)",
                 "jsonld": "DCAT-AP (JSON-LD)"}
"""Link texts of the export formats."""


def release_list():
    """``/directory/releases``: the published releases of the open directory."""
    rows = list(releases.published(g.identity, "open"))
    return render_template("techdata/directory/releases/list.html", releases=rows,
                           formats=FORMATS, format_labels=FORMAT_LABELS, title_pair=TITLES["open"])


def release_detail(number):
    """``/directory/releases/<number>``: one release and a page of its entries."""
    release = releases.get(g.identity, "open", number)
    size = current_app.config["TECHDATA_DIRECTORY_RELEASE_PAGE_SIZE"]
    pages = max(1, -(-release.entry_count // size))
    page = request.args.get("page", "1")
    page = min(int(page), pages) if page.isdigit() and int(page) > 0 else 1
    return render_template(
        "techdata/directory/releases/detail.html", release=release,
        entries=releases.items_page(release, page, size), page=page, pages=pages,
        formats=FORMATS, format_labels=FORMAT_LABELS, title_pair=TITLES["open"],
        against=releases.previous(release), errata=releases.errata(release),
    )


def _audience():
    """The audience the manage page works on (``open`` unless told ``resource``)."""
    audience = (request.values.get("audience") or "open").strip()
    return audience if audience in ("open", "resource") else "open"


@login_required
def manage():
    """``/directory/releases/manage``: the draft, its diff and the actions."""
    releases.require(g.identity, "read_drafts", _("Only government roles may see a draft release."))
    audience = _audience()
    draft = releases.current_draft(audience)
    return render_template(
        "techdata/directory/releases/manage.html", audience=audience, draft=draft,
        diff=releases.diff(draft) if draft is not None else None,
        previous=releases.latest(audience), checklist=CHECKLIST,
        can_manage=releases.can(g.identity, "manage"),
        can_review=releases.can(g.identity, "review"),
        csrf_token=generate_csrf(), formats=FORMATS, format_labels=FORMAT_LABELS,
        field_names={f.key: f.zh if str(get_locale()).startswith("zh") else f.en
                     for f in DIRECTORY_FIELDS},
    )


DONE = {
    "compile": _("The draft release was compiled."),
    "submit": _("The draft release was sent to confidentiality review."),
    "review": _("The review decision was recorded."),
    "publish": _("The release was published."),
}
"""The message shown after each action."""


@login_required
def manage_action(action):
    """``POST /directory/releases/manage/<action>``: run one workflow step."""
    if action not in DONE:
        raise ReleaseError(404, _("Unknown release action; use submit, review or publish."))
    check_csrf()
    audience = _audience()
    try:
        if action == "compile":
            releases.compile(g.identity, audience)
        elif action == "submit":
            releases.submit(g.identity, audience)
        elif action == "publish":
            release = releases.publish(g.identity, audience)
            flash(f"{bilingual(DONE[action])} — {release.number}", "success")
            return redirect(url_for(".manage", audience=audience))
        else:
            data = {"decision": request.form.get("decision", ""),
                    "checklist": {c: True for c in request.form.getlist("checklist")},
                    "reasons": request.form.get("reasons", "")}
            releases.review(g.identity, audience, data)
    except SQLAlchemyError:  # a concurrent change or a trigger: nothing is stored
        db.session.rollback()
        flash(bilingual(_("The change was refused by the database (a concurrent change or a "
                          "published release); reload and try again.")), "error")
        return redirect(url_for(".manage", audience=audience))
    except DomainError as exc:
        if exc.code == 401:
            raise
        extra = " ".join(str(m) for e in exc.errors or [] for m in e.get("messages", []))
        flash(f"{exc.message} {extra}".strip(), "error")
        return redirect(url_for(".manage", audience=audience))
    flash(bilingual(DONE[action]), "success")
    return redirect(url_for(".manage", audience=audience))


def create_ui_blueprint(app):
    """The pages blueprint."""
    bp = Blueprint("techdata_directory_releases", __name__)
    bp.add_url_rule("/directory/releases", view_func=release_list)
    bp.add_url_rule("/directory/releases/manage", view_func=manage)
    bp.add_url_rule("/directory/releases/manage/<action>", view_func=manage_action,
                    methods=["POST"])
    bp.add_url_rule("/directory/releases/<int:number>", view_func=release_detail)
    return bp
