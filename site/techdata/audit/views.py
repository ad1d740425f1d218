"""Audit pages (``/audit``) and the CSV export: search the trail by person, entity, object,
action and date (LZ Art. 21, 40). Read-only, for the bureau, auditors and administrators
(``AuditTrailPermissionPolicy``); the REST API is InvenioRDM's ``/api/audit-logs``.

The register of violations (CD-TD Art. 27; QY Art. 32), pages under
``/audit/violations/`` (list and filters, register form, a finding with its
follow-up and closing forms, CSV) and REST under ``/api/audit/violations``:

- ``GET /api/audit/violations?entity=&status=open|rectified&year=&overdue=1``:
  ``{"hits": {"total", "hits": [finding]}}``;
- ``POST /api/audit/violations`` ``{"entity", "project"?, "kind", "article"?,
  "found_on", "description", "rectify_days"}`` → 201, the finding with its
  ``due_on``; bad input 400 naming the field;
- ``GET /api/audit/violations/<id>``; ``POST .../<id>/follow-up`` ``{"note"}``;
  ``POST .../<id>/close`` ``{"rectified_on", "rectification"}``;
- ``GET /api/audit/violations/counts?year=&entity=``: the evaluation's figures.
"""

import csv
import io

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_principal import PermissionDenied

from ..kernel.csrf import check_csrf, generate_csrf
from ..kernel.errors import forbidden, invalid
from ..kernel.i18n import _, bilingual
from ..kernel.roles import AUDIT_ROLES, has_role
from ..kernel.time import today
from . import service
from .actions import choices
from .archive import archive_zip, xlsx_bytes
from .permissions import AuditTrailPermissionPolicy
from .violations import KINDS, STATUS_LABELS, current_violation_service


def _filters():
    """The checked filters of the query string."""
    return service.parse_filters(request.args)


@login_required
def audit_search():
    """The audit page: filters, one page of entries, newest first."""
    filters = _filters()
    try:
        rows, total = service.search(g.identity, filters)
    except PermissionDenied:
        raise forbidden()
    args = {k: v for k, v in request.args.items() if k in service.FILTERS and v}
    return render_template("techdata/audit/search.html", rows=rows, total=total,
                           args=args, filters=filters, actions=choices())


@login_required
def audit_export():
    """The entries matching the filters as CSV (UTF-8, Beijing time)."""
    filters = _filters()
    try:
        rows = service.export_rows(g.identity, filters)
    except PermissionDenied:
        raise forbidden()
    name = service.export_name(today())
    return Response(service.csv_text(rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


VIOLATION_FILTERS = ("entity", "status", "year", "overdue")
"""Query arguments of the register's list, page and REST alike."""

VIOLATION_COLUMNS = (
    ("id", _("No.")), ("entity", _("Entity")), ("project", _("Project")),
    ("kind_label", _("Violation")), ("article", _("Rule")), ("found_on", _("Found on")),
    ("description", _("Description")), ("rectify_days", _("Working days to rectify")),
    ("due_on", _("Rectify by")), ("status_label", _("Status")),
    ("rectified_on", _("Rectified on")), ("on_time", _("On time")),
    ("rectification", _("Rectification")),
)
"""Columns of the register's CSV export, with their headings."""


def _violation_filters(args):
    """The register's filters from ``args`` (a bad year names its field)."""
    out = {"entity": (args.get("entity") or "").strip()[:255] or None,
           "status": args.get("status") if args.get("status") in STATUS_LABELS else None,
           "overdue": (args.get("overdue") or "").lower() in ("1", "true", "yes")}
    year = (args.get("year") or "").strip()
    if year and not (year.isdigit() and 1949 <= int(year) <= 2199):
        raise invalid(errors=[{"field": "year", "messages": [bilingual(
            _("A year between 1949 and 2199."))]}])
    out["year"] = int(year) if year else None
    return out


def _violations():
    """The findings the caller may read, filtered by the query string."""
    return current_violation_service.search(g.identity, **_violation_filters(request.args))


def _body():
    """The JSON object of the request body (``{}`` when empty)."""
    data = request.get_json(silent=True)
    if data is None and not request.data:
        return {}
    return data


def api_violations():
    """``GET``: the filtered findings; ``POST``: register one."""
    if request.method == "POST":
        return jsonify(current_violation_service.register(g.identity, _body())), 201
    rows = _violations()
    return jsonify({"hits": {"total": len(rows), "hits": rows}})


def api_violation(violation_id):
    """One finding."""
    return jsonify(current_violation_service.read(g.identity, violation_id))


def api_violation_follow_up(violation_id):
    """Add a follow-up note."""
    return jsonify(current_violation_service.follow_up(g.identity, violation_id, _body()))


def api_violation_close(violation_id):
    """Close a finding as rectified."""
    return jsonify(current_violation_service.close(g.identity, violation_id, _body()))


def api_violation_counts():
    """The figures of a year (CD-TD Art. 26-27): platform-wide or of one entity."""
    filters = _violation_filters(request.args)
    year = filters["year"] or today().year
    return jsonify({"year": year, "entity": filters["entity"],
                    **current_violation_service.count(year, filters["entity"],
                                                      identity=g.identity)})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""Media type of an XLSX file."""


@login_required
def audit_export_xlsx():
    """The entries matching the filters as XLSX (Beijing time), next to the CSV."""
    filters = _filters()
    try:
        rows = service.export_rows(g.identity, filters)
    except PermissionDenied:
        raise forbidden()
    name = service.export_name(today()).replace(".csv", ".xlsx")
    return Response(xlsx_bytes(service.CSV_COLUMNS, rows, service.cell), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required
def audit_archive():
    """A period's entries and digests as a signed ZIP archive (CD-PD Art. 23; LZ Art. 38)."""
    if not AuditTrailPermissionPolicy(action="export").allows(g.identity):
        raise forbidden()
    filters = _filters()
    data, manifest = archive_zip(filters["date_from"], filters["date_to"])
    period = f"{manifest['period']['from'] or 'start'}_{manifest['period']['to'] or today()}"
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="audit-archive-{period}.zip"'})


def create_api_blueprint(app):
    """The audit feature's REST blueprint (the register of violations)."""
    bp = Blueprint("techdata_audit_api", __name__, url_prefix="/audit")
    bp.add_url_rule("/violations", view_func=api_violations, methods=["GET", "POST"])
    bp.add_url_rule("/violations/counts", view_func=api_violation_counts)
    bp.add_url_rule("/violations/<int:violation_id>", view_func=api_violation)
    bp.add_url_rule("/violations/<int:violation_id>/follow-up",
                    view_func=api_violation_follow_up, methods=["POST"])
    bp.add_url_rule("/violations/<int:violation_id>/close", view_func=api_violation_close,
                    methods=["POST"])
    return bp


@login_required
def violations_page():
    """The register: filters, findings, the registration form for the bureau."""
    if request.method == "POST":
        check_csrf()
        found = current_violation_service.register(g.identity, request.form.to_dict())
        return redirect(url_for("techdata_audit_ui.violation_page", violation_id=found["id"]))
    rows = _violations()
    args = {k: v for k, v in request.args.items() if k in VIOLATION_FILTERS and v}
    registrar = current_violation_service.is_registrar(g.identity)
    proposed = current_violation_service.candidates(g.identity) if registrar else []
    return render_template(
        "techdata/audit/violations.html", rows=rows, args=args, kinds=KINDS, proposed=proposed,
        statuses=STATUS_LABELS, today=today().isoformat(), csrf_token=generate_csrf(),
        registrar=current_violation_service.is_registrar(g.identity))


@login_required
def violation_page(violation_id):
    """One finding: its deadline, follow-up and closing; the forms for the bureau."""
    return render_template(
        "techdata/audit/violation.html", v=current_violation_service.read(g.identity, violation_id),
        today=today().isoformat(), csrf_token=generate_csrf(),
        registrar=current_violation_service.is_registrar(g.identity))


@login_required
def violation_act(violation_id, act):
    """The follow-up or closing form posted."""
    check_csrf()
    method = {"follow-up": current_violation_service.follow_up,
              "close": current_violation_service.close}[act]
    method(g.identity, violation_id, request.form.to_dict())
    return redirect(url_for("techdata_audit_ui.violation_page", violation_id=violation_id))


def violations_csv(rows):
    """The register as CSV (UTF-8 with BOM; formula-leading text neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(heading) for _key, heading in VIOLATION_COLUMNS])
    for r in rows:
        writer.writerow([service.cell(r[key]) for key, _heading in VIOLATION_COLUMNS])
    return "\ufeff" + out.getvalue()


@login_required
def violations_export():
    """The filtered register as CSV."""
    name = f"violations-{today().isoformat()}.csv"
    return Response(violations_csv(_violations()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def create_ui_blueprint(app):
    """The audit pages' blueprint."""
    bp = Blueprint("techdata_audit_ui", __name__)
    bp.add_url_rule("/audit/", view_func=audit_search)
    bp.add_url_rule("/audit/export.csv", view_func=audit_export)
    bp.add_url_rule("/audit/export.xlsx", view_func=audit_export_xlsx)
    bp.add_url_rule("/audit/archive.zip", view_func=audit_archive)
    bp.add_url_rule("/audit/violations/", view_func=violations_page, methods=["GET", "POST"])
    bp.add_url_rule("/audit/violations/export.csv", view_func=violations_export)
    bp.add_url_rule("/audit/violations/<int:violation_id>", view_func=violation_page)
    for act in ("follow-up", "close"):
        bp.add_url_rule(f"/audit/violations/<int:violation_id>/{act}",
                        endpoint=f"violation_{act.replace('-', '_')}", view_func=violation_act,
                        defaults={"act": act}, methods=["POST"])
    bp.add_app_template_global(landing_downloads, "techdata_audit_downloads")
    return bp


def landing_downloads(record_ui):
    """"Who took my data": downloads of this dataset, for its owner and the audit roles.

    A template global of the record page (LZ Art. 21, 40); ``None`` for anyone
    else and for datasets whose downloads are not recorded.
    """
    if not record_ui or not current_user.is_authenticated:
        return None
    owner = (((record_ui.get("parent") or {}).get("access") or {}).get("owned_by") or {})
    is_owner = str(owner.get("user")) == str(current_user.id)
    if not (is_owner or has_role(g.identity, *AUDIT_ROLES)):
        return None
    return service.downloads(record_ui.get("id"))
