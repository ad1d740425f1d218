"""Pages of the directories (server-rendered, no JavaScript needed).

- ``/directory/``: the open directory (开放目录), public: search box, facets
  (category, department, entity, opening type, update cycle), results;
- ``/directory/resource``: the resource directory (资源目录), government roles;
- ``/directory/entries/<entry_id>``: one entry (open entries for everyone,
  the others for government roles);
- ``/directory/upkeep``: the bureau's upkeep list (changes due within 15
  working days, CD-PD Art. 14; entries unchecked for a year, QY Art. 8),
  with a "checked" button (every form posts the session's CSRF token);
- ``/directory/plan?year=``: the annual open plan and its progress per
  entity (public); the bureau adds items here (CD-PD Art. 33).
"""

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from invenio_db import db

from . import catalogue, permissions, plan, store
from .api import BilingualError, read_entry, search_params
from .csrf import check_csrf, generate_csrf
from .fields import DIRECTORY_FIELDS

FACET_TITLES = {
    "category": ("数据分类", "Data category"),
    "department": ("责任部门", "Responsible department"),
    "entity": ("提供单位", "Providing entity"),
    "opening_type": ("开放属性", "Opening type"),
    "update_cycle": ("更新周期", "Update cycle"),
}
"""Facet headings in Chinese and English."""


def _search_page(audience):
    """Render a directory's search page."""
    try:
        q, filters, page, size = search_params()
        error = None
    except BilingualError as exc:
        q, filters, page, size = "", {}, 1, current_app.config["TECHDATA_DIRECTORY_PAGE_SIZE"]
        error = exc.message
    result = store.search(audience, q, filters, page, size)
    total = result["hits"]["total"]
    pages = max(1, (total + size - 1) // size)
    return render_template(
        "techdata/directory/search.html", audience=audience, q=q, filters=filters,
        result=result, page=page, pages=pages, size=size, error=error,
        facet_titles=FACET_TITLES, args=request.args, page_url=_page_url)


def _page_url(number):
    """The current search's URL on page ``number``."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return "?" + urlencode(args, doseq=True)


def open_directory():
    """``/directory/``: the open directory, for everyone."""
    return _search_page("open")


def resource_directory():
    """``/directory/resource``: the resource directory, for government roles."""
    if not permissions.may_read_resource():
        if not permissions.is_authenticated():
            return redirect(url_for("security.login", next=request.full_path))
        abort(403)
    return _search_page("resource")


def entry_page(entry_id):
    """``/directory/entries/<entry_id>``: one entry with every directory field."""
    audience = "resource" if permissions.may_read_resource() else "open"
    try:
        row = read_entry(audience, entry_id)
    except BilingualError:
        abort(404)
    doc = catalogue.entry_document(row, audience)
    return render_template("techdata/directory/entry.html", entry=doc, row=row,
                           fields=DIRECTORY_FIELDS, audience=audience,
                           may_check=permissions.may_check(), csrf_token=generate_csrf())


def _login_or_403(check):
    """Redirect anonymous visitors to the login page; 403 when ``check()`` fails."""
    if not permissions.is_authenticated():
        return redirect(url_for("security.login", next=request.full_path))
    if not check():
        abort(403)
    return None


def upkeep_page():
    """``/directory/upkeep``: pending changes and unchecked entries (bureau)."""
    refused = _login_or_403(permissions.is_bureau)
    if refused is not None:
        return refused
    return render_template(
        "techdata/directory/upkeep.html", pending=store.pending_changes(),
        unchecked=store.unchecked_entries(),
        days=current_app.config["TECHDATA_DIRECTORY_UPKEEP_DAYS"],
        checked=request.args.get("checked"), csrf_token=generate_csrf())


def mark_checked(entry_id):
    """POST ``/directory/entries/<entry_id>/checked``: the yearly check (QY Art. 8)."""
    refused = _login_or_403(permissions.may_check)
    if refused is not None:
        return refused
    check_csrf()
    try:
        store.mark_checked(entry_id, g.identity.id)
    except store.EntryNotFound:
        abort(404)
    db.session.commit()
    target = request.form.get("next") or ""
    if target == "entry":
        return redirect(url_for(".entry_page", entry_id=entry_id))
    return redirect(url_for(".upkeep_page", checked=entry_id))


def plan_page():
    """``/directory/plan?year=``: the open plan and progress; the bureau adds items."""
    from .api import plan_year

    try:
        year = plan_year()
    except BilingualError:
        abort(400)
    errors, form = [], {}
    if request.method == "POST":
        refused = _login_or_403(permissions.is_bureau)
        if refused is not None:
            return refused
        check_csrf()
        form = request.form.to_dict()
        form.pop("csrf_token", None)
        payload = {k: v for k, v in form.items() if v not in ("", None)}
        payload["high_value"] = bool(form.get("high_value"))
        try:
            payload["year"] = int(payload.get("year", year))
        except ValueError:
            pass
        try:
            plan.create_item(payload, g.identity.id)
            db.session.commit()
            return redirect(url_for(".plan_page", year=payload["year"]))
        except BilingualError as exc:
            db.session.rollback()
            errors = exc.errors or [{"field": "", "messages": [exc.message]}]
    return render_template("techdata/directory/plan.html", progress=plan.progress(year),
                           year=year, is_bureau=permissions.is_bureau(), errors=errors,
                           form=form, csrf_token=generate_csrf())


def create_ui_blueprint(app):
    """UI blueprint: the ``/directory/...`` pages."""
    bp = Blueprint("techdata_directory", __name__, template_folder="../templates")
    bp.add_url_rule("/directory/", view_func=open_directory)
    bp.add_url_rule("/directory/resource", view_func=resource_directory)
    bp.add_url_rule("/directory/entries/<entry_id>", view_func=entry_page)
    bp.add_url_rule("/directory/entries/<entry_id>/checked", view_func=mark_checked,
                    methods=["POST"])
    bp.add_url_rule("/directory/upkeep", view_func=upkeep_page)
    bp.add_url_rule("/directory/plan", view_func=plan_page, methods=["GET", "POST"])
    bp.context_processor(lambda: {"directory_access": directory_access})
    return bp


def directory_access():
    """What the current user may open from the directory menu."""
    return {"resource": permissions.may_read_resource(), "bureau": permissions.is_bureau()}
