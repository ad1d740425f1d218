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

from functools import wraps
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from ..kernel.csrf import check_csrf, generate_csrf
from ..kernel.errors import DomainError
from ..kernel.i18n import _
from . import catalogue
from .api import plan_year, search_params
from .fields import DIRECTORY_FIELDS
from .proxies import current_directory_service as service

FACET_TITLES = {
    "category": ("数据分类", "Data category"),
    "department": ("责任部门", "Responsible department"),
    "entity": ("提供单位", "Providing entity"),
    "opening_type": ("开放属性", "Opening type"),
    "update_cycle": ("更新周期", "Update cycle"),
}
"""Facet headings in Chinese and English."""


def _login():
    """The log-in page, coming back here afterwards."""
    return redirect(url_for("security.login", next=request.full_path))


def login_first(view):
    """Run ``view``; an anonymous visitor refused (401) is sent to the log-in page."""
    @wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            if exc.code == 401:
                return _login()
            raise
    return run


def _search_page(audience):
    """Render a directory's search page (a bad query shows its message, not a 500).

    NUL bytes, control characters and lone surrogates never get here: the
    kernel's input layer (``techdata.kernel.input``) refuses them (400).
    """
    service.check_audience(g.identity, audience)
    try:
        q, filters, page, size = search_params()
        error = None
    except DomainError as exc:
        q, filters, page, size = "", {}, 1, current_app.config["TECHDATA_DIRECTORY_PAGE_SIZE"]
        error = exc.message
    result = service.search(g.identity, audience, q, filters, page, size)
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


@login_first
def resource_directory():
    """``/directory/resource``: the resource directory, for government roles."""
    return _search_page("resource")


def entry_page(entry_id):
    """``/directory/entries/<entry_id>``: one entry with every directory field."""
    audience = service.reader_audience(g.identity)
    row = service.read(g.identity, audience, entry_id)
    doc = catalogue.entry_document(row, audience)
    return render_template("techdata/directory/entry.html", entry=doc, row=row,
                           fields=DIRECTORY_FIELDS, audience=audience,
                           may_check=service.can(g.identity, "check", record=row),
                           csrf_token=generate_csrf())


@login_first
def upkeep_page():
    """``/directory/upkeep``: pending changes and unchecked entries (bureau)."""
    upkeep = service.upkeep(g.identity)
    return render_template(
        "techdata/directory/upkeep.html", pending=upkeep["pending_changes"],
        unchecked=upkeep["unchecked"], days=upkeep["upkeep_days"],
        checked=request.args.get("checked"), csrf_token=generate_csrf())


@login_first
def mark_checked(entry_id):
    """POST ``/directory/entries/<entry_id>/checked``: the yearly check (QY Art. 8)."""
    if not service.may_check_some(g.identity):  # before the form is read; the entry's
        service.require(g.identity, "check",  # own entity is checked by the service
                        _("Only the tech bureau or an entity data administrator checks entries."))
    check_csrf()
    service.mark_checked(g.identity, entry_id)
    if request.form.get("next") == "entry":
        return redirect(url_for(".entry_page", entry_id=entry_id))
    return redirect(url_for(".upkeep_page", checked=entry_id))


def _plan_payload(form, year):
    """The plan item of the page's form (empty fields left out)."""
    payload = {k: v for k, v in form.items() if v not in ("", None)}
    payload["high_value"] = bool(form.get("high_value"))
    try:
        payload["year"] = int(payload.get("year", year))
    except ValueError:
        pass
    return payload


@login_first
def plan_page():
    """``/directory/plan?year=``: the open plan and progress; the bureau adds items."""
    year = plan_year()
    errors, form = [], {}
    plans = service.can(g.identity, "plan") or bool(service.own_entities(g.identity))
    if request.method == "POST":
        if not plans:  # the item's own entity is checked by the service (issue 18)
            service.require(g.identity, "plan", _("Only the tech bureau keeps the open plan."))
        check_csrf()
        form = request.form.to_dict()
        form.pop("csrf_token", None)
        payload = _plan_payload(form, year)
        try:
            service.create_plan_item(g.identity, payload)
            return redirect(url_for(".plan_page", year=payload["year"]))
        except DomainError as exc:
            if exc.code != 400:
                raise
            errors = exc.errors or [{"field": "", "messages": [exc.message]}]
    return render_template("techdata/directory/plan.html", progress=service.plan(g.identity, year),
                           year=year, is_bureau=plans, errors=errors,
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
    return {"resource": service.can(g.identity, "read_resource"),
            "bureau": service.can(g.identity, "upkeep"),
            # an entity's data admin keeps his own entity's entries (issue 18)
            "upkeep": bool(service.own_entities(g.identity))}
