"""Blueprints of projects: the REST resource and the program manager's pages.

Pages (logged in; what each user sees follows the project permissions):
- ``/projects/`` — projects with their gate status; filters ``program``,
  ``status``, ``overdue=1``; ``/projects/export.xlsx`` exports the same list;
- ``/projects/<number>`` — the gate's conditions, the acceptance form
  (which posts to ``POST /api/projects/<number>/acceptance``), the deposit
  certificates and, for those who may ask for one, the button that issues
  it (``POST /projects/<number>/certificate``, CD-TD Art. 15);
- ``/projects/import`` — upload an export of the program-management system.

Views parse, call the project service, render; forms carry the CSRF token.
"""

import io

from flask import Blueprint, current_app, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_principal import PermissionDenied
from invenio_pidstore.errors import PIDDoesNotExistError
from marshmallow import ValidationError

from ..kernel.csrf import check_csrf, generate_csrf
from ..kernel.errors import field_errors, forbidden, not_found
from ..kernel.i18n import _, bilingual
from ..kernel.tables import read_rows
from ..kernel.time import today
from .entity_ids import add_names
from .export import workbook_bytes
from .importer import import_projects
from .proxies import current_projects_service

MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""Largest file the import page takes (20 MB; larger files: the CLI)."""


def create_api_blueprint(app):
    """The ``/api/projects`` blueprint (the resource lives on the extension)."""
    return app.extensions["techdata"].projects_resource.as_blueprint()


def _rows(args):
    """Projects the user may see, with gate status, filtered by ``args``."""
    return add_names(current_projects_service.overview(
        g.identity, today(), program=args.get("program"), status=args.get("status"),
        overdue_only=bool(args.get("overdue"))))


@login_required
def project_list():
    """The program manager's list of projects."""
    rows = _rows(request.args)
    programs = sorted({r.get("program", "") for r in rows})
    return render_template("techdata/projects/list.html", rows=rows, args=request.args,
                           programs=programs)


@login_required
def project_export():
    """The same list as an XLSX workbook (Chinese headings, text cells)."""
    data = workbook_bytes(_rows(request.args))
    return send_file(
        io.BytesIO(data), as_attachment=True,
        download_name=f"projects-{today().isoformat()}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _detail(number, error=None, status=200):
    """Render a project page (a clean 404/403 page when unknown or not allowed)."""
    service = current_projects_service
    try:
        item = service.read(g.identity, number)
        gate = service.gate(g.identity, number)
        certificates = service.certificates(g.identity, number)
        may = service.may(g.identity, number, "decide", "certify")
        can_deposit = service.is_participant(g.identity, number)  # "deposit this dataset"
    except PIDDoesNotExistError:
        raise not_found(_("No such project."))
    except PermissionDenied:  # the services' PermissionDeniedError and a record's refusal
        raise forbidden()
    project = item.to_dict()
    deposits_done = all(c["passed"] for c in gate["conditions"] if c["id"] != "certificate")
    return render_template(
        "techdata/projects/detail.html", project=project, gate=gate,
        can_decide=may["decide"], can_certify=may["certify"], can_deposit=can_deposit,
        deposit_community=current_app.config["TECHDATA_CITY_CENTRE"]["slug"],
        deposits_done=deposits_done, certificates=certificates, certificate_error=error,
        csrf_token=generate_csrf(),
    ), status


def landing_certificates(record_ui):
    """The certificate panel of a dataset's record page (template global), or None.

    For a dataset linked to a project (``cdtd:project``), to whoever may read
    the project: its certificates (PDF links) and whether he may issue one.
    """
    number = ((record_ui or {}).get("custom_fields") or {}).get("cdtd:project")
    if not number or not current_user.is_authenticated:
        return None
    service = current_projects_service
    try:
        certificates = service.certificates(g.identity, number)
        may = service.may(g.identity, number, "certify")
    except (PIDDoesNotExistError, PermissionDenied):
        return None
    return {"number": number, "certificates": certificates, "can_certify": may["certify"]}


@login_required
def project_detail(number):
    """One project: its gate, certificates and the acceptance decision."""
    return _detail(number)


@login_required
def project_certificate(number):
    """Issue the deposit certificate from the project page (CD-TD Art. 15)."""
    check_csrf()
    try:
        current_projects_service.certify(g.identity, number)
    except PIDDoesNotExistError:
        raise not_found(_("No such project."))
    except PermissionDenied:  # the services' PermissionDeniedError and a record's refusal
        raise forbidden()
    except ValidationError as err:
        messages = [m for e in field_errors(err.messages) for m in e["messages"]]
        return _detail(number, error=messages, status=400)
    return redirect(url_for("techdata_projects_ui.project_detail", number=number)
                    + "#certificates")


@login_required
def project_import():
    """Upload a CSV/XLSX export of the program-management system (dry run first)."""
    service = current_projects_service
    if not service.check_permission(g.identity, "create"):
        raise forbidden()
    report = None
    error = None
    if request.method == "POST":
        check_csrf()
        upload = request.files.get("file")
        name = (upload.filename or "").lower() if upload else ""
        if not upload or not name.endswith((".csv", ".xlsx")):
            error = bilingual(_("Choose a CSV or XLSX file."))
        else:
            data = upload.read(MAX_IMPORT_BYTES + 1)
            if len(data) > MAX_IMPORT_BYTES:
                error = bilingual(_("File too large: use the CLI import."))
            else:
                try:
                    rows = list(read_rows(io.BytesIO(data), filename=name))
                except Exception:  # noqa: BLE001 unreadable workbook or encoding: say so, never a 500
                    rows = None
                    error = "无法读取文件（须为 UTF-8 CSV 或 XLSX）/ Cannot read the file (UTF-8 CSV or XLSX)."
                if rows is not None:
                    report = import_projects(service, rows,
                                             dry_run=bool(request.form.get("dry_run")),
                                             identity=g.identity)
                    service.indexer.refresh()
    return render_template("techdata/projects/import.html", report=report, error=error,
                           csrf_token=generate_csrf())


def create_ui_blueprint(app):
    """The pages blueprint."""
    bp = Blueprint("techdata_projects_ui", __name__)
    bp.add_url_rule("/projects/import", view_func=project_import, methods=["GET", "POST"])
    bp.add_url_rule("/projects/", view_func=project_list)
    bp.add_url_rule("/projects/export.xlsx", view_func=project_export)
    bp.add_url_rule("/projects/<number>", view_func=project_detail)
    bp.add_url_rule("/projects/<number>/certificate", view_func=project_certificate,
                    methods=["POST"])
    bp.add_app_template_global(landing_certificates, "techdata_project_certificates")
    return bp

