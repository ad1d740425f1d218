"""Pages of entities, departments and memberships (logged in).

- ``/entities/`` — search entities; how many memberships wait for the user's
  decision, linking the memberships page; links to the import and departments
  for the bureau;
- ``/entities/new`` and ``/entities/<id>`` — the entity's form (the bureau
  edits all, the entity's data admin its named people; others read);
- ``/entities/<id>/members`` — redirects to the one memberships page
  (``/account/memberships?entity=<id>``: its members, pending ones with approve/
  refuse; CD-TD Art. 8; LZ Art. 9);
- ``/entities/import`` — CSV/XLSX upload (bureau);
- ``/departments/`` — the competent departments, and a form adding one (bureau);
- ``/entities/programs`` — who runs which programme (科技计划/专项): the bureau
  assigns a programme to a program manager or takes it back (CD-TD Art. 8-9).

Views parse the form, call the entities service, render; forms carry the CSRF token.
"""

import io

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import login_required

from ..kernel.csrf import check_csrf, generate_csrf
from ..kernel.errors import DomainError, forbidden
from ..kernel.i18n import _
from .importer import import_entities
from .models import KINDS
from .proxies import current_entities_service as service
from ..kernel.tables import read_rows
from .schemas import PEOPLE

MAX_IMPORT_BYTES = 5 * 1024 * 1024
"""Largest file the import page takes."""

KIND_LABELS = {
    "university": _("University"), "institute": _("Research institute"),
    "enterprise": _("Enterprise"), "government-department": _("Government department"),
    "district": _("District (county)"),
}
"""Labels of the kinds of entity."""


def localised_name(item):
    """The name of an entity or department dict (``name_zh``/``name_en`` or ``zh``/``en``)
    in the reader's language (template global ``techdata_name``)."""
    if not item:
        return ""
    zh = item.get("name_zh") or item.get("zh") or ""
    en = item.get("name_en") or item.get("en") or ""
    locale = get_locale()
    return en if (en and locale is not None and locale.language == "en") else zh


def entity_label(entity_id):
    """The name of entity ``entity_id`` (the id itself when unknown): template global
    ``techdata_entity_label``, so pages show names, not ids."""
    if not entity_id:
        return ""
    return localised_name(service.entity_names([entity_id]).get(entity_id)) or entity_id


def department_label(department_id):
    """The name of department ``department_id`` (the id when unknown): template global
    ``techdata_department_label``."""
    if not department_id:
        return ""
    return (localised_name(service.department_names([department_id]).get(department_id))
            or department_id)


def _page_data():
    """What every entity page needs: kinds, departments, the CSRF token."""
    return {"kinds": [(k, KIND_LABELS[k]) for k in KINDS],
            "departments": service.search_departments(g.identity)["hits"],
            "csrf_token": generate_csrf(), "kind_labels": KIND_LABELS,
            "may_manage": service.can(g.identity, "manage")}


def _form_entity(form):
    """Entity data of the posted form (empty fields left out of changes)."""
    data = {}
    for key in ("id", "credit_code", "name_zh", "name_en", "kind", "department"):
        value = (form.get(key) or "").strip()
        if value or key in ("name_en", "department"):
            data[key] = value or None
    if not data.get("id"):
        data.pop("id", None)
    for person in PEOPLE:
        name = (form.get(f"{person}_name") or "").strip() or None
        contact = (form.get(f"{person}_contact") or "").strip() or None
        data[person] = {"name": name, "contact": contact}
    return data


def _errors_of(err):
    """``{field: message}`` of a refusal, for the form."""
    return {e["field"]: " ".join(e["messages"]) for e in (err.errors or [])}


@login_required
def entity_list():
    """Entities (search) and the memberships waiting for the user's decision."""
    args = request.args
    try:
        page = min(max(int(args.get("page") or 1), 1), 10000)
    except ValueError:
        page = 1
    result = service.search_entities(g.identity, q=args.get("q") or None,
                                     kind=args.get("kind") or None,
                                     department=args.get("department") or None, page=page)
    return render_template("techdata/entities/list.html", result=result, args=args, page=page,
                           pending=len(service.membership_queue(g.identity)), **_page_data())


@login_required
def entity_new():
    """The bureau creates an entity."""
    if not service.can(g.identity, "manage"):
        raise forbidden()
    errors, values = {}, {}
    if request.method == "POST":
        check_csrf()
        values = _form_entity(request.form)
        try:
            created = service.create_entity(g.identity, values)
        except DomainError as err:
            errors = _errors_of(err) or {"_": err.message}
        else:
            return redirect(url_for(".entity_detail", entity_id=created["id"]))
    return render_template("techdata/entities/form.html", entity=None, values=values,
                           errors=errors, may_update=True, **_page_data()), (400 if errors else 200)


@login_required
def entity_detail(entity_id):
    """One entity; its form for whoever may change it."""
    entity_row = service.get_entity(entity_id)
    may_update = service.can(g.identity, "update", record=entity_row)
    errors, saved = {}, False
    if request.method == "POST":
        check_csrf()
        if not may_update:
            raise forbidden()
        try:
            service.update_entity(g.identity, entity_id, _form_entity(request.form))
            saved = True
        except DomainError as err:
            errors = _errors_of(err) or {"_": err.message}
    entity = service.read_entity(g.identity, entity_id)
    return render_template(
        "techdata/entities/form.html", entity=entity, values=entity, errors=errors, saved=saved,
        may_update=may_update,
        may_members=service.can(g.identity, "read_members", record=entity_row),
        **_page_data()), (400 if errors else 200)


def entity_members(entity_id):
    """The former members page: the memberships page of the entity."""
    return redirect(url_for("techdata_registration.memberships", entity=entity_id), code=301)


@login_required
def entity_import():
    """The bureau uploads a CSV/XLSX list of entities (dry run first)."""
    if not service.can(g.identity, "manage"):
        raise forbidden()
    report = error = None
    if request.method == "POST":
        check_csrf()
        upload = request.files.get("file")
        name = (upload.filename or "").lower() if upload else ""
        if not upload or not name.endswith((".csv", ".xlsx")):
            error = _("Choose a CSV or XLSX file.")
        else:
            data = upload.read(MAX_IMPORT_BYTES + 1)
            if len(data) > MAX_IMPORT_BYTES:
                error = _("File too large: use the command line import.")
            else:
                try:
                    rows = list(read_rows(io.BytesIO(data), filename=name))
                except Exception:  # noqa: BLE001 unreadable workbook or encoding: say so, no 500
                    rows = None
                    error = _("Cannot read the file (UTF-8 CSV or XLSX).")
                if rows is not None:
                    report = import_entities(service, rows,
                                             dry_run=bool(request.form.get("dry_run")),
                                             identity=g.identity)
    return render_template("techdata/entities/import.html", report=report, error=error,
                           **_page_data())


@login_required
def department_list():
    """The competent departments; the bureau adds one."""
    errors, values = {}, {}
    if request.method == "POST":
        check_csrf()
        values = {k: (request.form.get(k) or "").strip() or None
                  for k in ("id", "name_zh", "name_en")}
        try:
            service.create_department(g.identity, values)
            return redirect(url_for(".department_list"))
        except DomainError as err:
            if err.code in (401, 403):
                raise
            errors = _errors_of(err) or {"_": err.message}
    return render_template("techdata/entities/departments.html", errors=errors, values=values,
                           **_page_data()), (400 if errors else 200)


@login_required
def program_managers():
    """The bureau's page of programme assignments: add (programme, account) or remove one."""
    if not service.can(g.identity, "manage"):
        raise forbidden()
    errors, values = {}, {}
    if request.method == "POST":
        check_csrf()
        values = {k: (request.form.get(k) or "").strip() for k in ("program", "user")}
        try:
            if request.form.get("action") == "remove":
                service.remove_program_manager(g.identity, values["program"], values["user"])
            else:
                service.add_program_manager(g.identity, values["program"], values["user"])
        except DomainError as err:
            if err.code in (401, 403):
                raise
            errors = _errors_of(err) or {"_": err.message}
        else:
            return redirect(url_for(".program_managers"))
    return render_template("techdata/entities/programs.html", errors=errors, values=values,
                           assignments=service.program_assignments(g.identity),
                           **_page_data()), (400 if errors else 200)


def create_ui_blueprint(app):
    """The pages blueprint."""
    bp = Blueprint("techdata_entities_ui", __name__)
    bp.add_url_rule("/entities/", view_func=entity_list)
    bp.add_url_rule("/entities/new", view_func=entity_new, methods=["GET", "POST"])
    bp.add_url_rule("/entities/import", view_func=entity_import, methods=["GET", "POST"])
    bp.add_url_rule("/entities/programs", view_func=program_managers, methods=["GET", "POST"])
    bp.add_url_rule("/entities/<entity_id>", view_func=entity_detail, methods=["GET", "POST"])
    bp.add_url_rule("/entities/<entity_id>/members", view_func=entity_members)
    bp.add_url_rule("/departments/", view_func=department_list, methods=["GET", "POST"])
    bp.add_app_template_global(localised_name, "techdata_name")
    bp.add_app_template_global(entity_label, "techdata_entity_label")
    bp.add_app_template_global(department_label, "techdata_department_label")
    return bp
