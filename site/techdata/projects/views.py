"""Blueprints of projects: the REST resource and the program manager's pages.

Pages (logged in; what each user sees follows the project permissions):
- ``/projects/`` — projects with their gate status; filters ``program``,
  ``status``, ``overdue=1``; ``/projects/export.xlsx`` exports the same list;
- ``/projects/<number>`` — the gate's conditions and the acceptance form
  (which posts to ``POST /api/projects/<number>/acceptance``).
"""

import io
from datetime import date

from flask import Blueprint, abort, current_app, g, render_template, request, send_file
from flask_login import login_required
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_records_resources.services.errors import PermissionDeniedError

from ..review.deadlines import today
from .gate import AcceptanceGate


def create_api_blueprint(app):
    """The ``/api/projects`` blueprint (the resource lives on the extension)."""
    return app.extensions["techdata"].projects_resource.as_blueprint()


def _service():
    """The project service."""
    return current_app.extensions["techdata"].projects_service


def _rows(args):
    """Projects the user may see, with gate status, filtered by ``args``."""
    from .services.service import _certificate_id

    params = {"size": 500, "sort": "acceptance_due"}
    for key in ("program", "status"):
        if args.get(key):
            params.setdefault("facets", {})[key] = [args[key]]
    hits = list(_service().search(g.identity, params=params).hits)
    now = today().isoformat()
    rows = []
    for hit in hits:
        record = _service().record_cls.pid.resolve(hit["id"])
        gate_check = AcceptanceGate(record, _certificate_id)
        gate = gate_check.evaluate()
        overdue = (hit.get("acceptance_due", "9999") < now
                   and hit.get("status") not in ("accepted", "terminated"))
        if args.get("overdue") and not overdue:
            continue
        rows.append({**hit, "gate": gate, "overdue": overdue,
                     "deposits": len(gate_check.linked())})
    return rows


@login_required
def project_list():
    """The program manager's list of projects."""
    rows = _rows(request.args)
    programs = sorted({r.get("program", "") for r in rows})
    return render_template("techdata/projects/list.html", rows=rows, args=request.args,
                           programs=programs)


@login_required
def project_export():
    """The same list as an XLSX workbook (Chinese headings)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目 Projects")
    sheet.append(["项目编号", "项目名称", "计划类别", "承担单位", "项目负责人", "验收日期",
                  "状态", "已汇交数据集", "验收条件", "逾期", "验收结论", "特批"])
    for r in _rows(request.args):
        acceptance = r.get("acceptance") or {}
        sheet.append([
            r["id"], r.get("title_zh"), r.get("program"), r.get("lead_entity"),
            (r.get("pi") or {}).get("email"), r.get("acceptance_due"), r.get("status"),
            r["deposits"], "通过" if r["gate"]["passed"] else "未通过",
            "是" if r["overdue"] else "否", acceptance.get("decision", ""),
            "是" if acceptance.get("overridden") else "",
        ])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(
        out, as_attachment=True, download_name=f"projects-{date.today().isoformat()}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def project_detail(number):
    """One project: its gate and the acceptance decision."""
    try:
        item = _service().read(g.identity, number)
        gate = _service().gate(g.identity, number)
    except PIDDoesNotExistError:
        abort(404)
    except PermissionDeniedError:
        abort(403)
    can_decide = _service().check_permission(g.identity, "decide")
    return render_template("techdata/projects/detail.html", project=item.to_dict(),
                           gate=gate, can_decide=can_decide)


MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""Largest file the import page takes (20 MB; larger files: the CLI)."""


@login_required
def project_import():
    """Upload a CSV/XLSX export of the program-management system (dry run first)."""
    report = None
    error = None
    if request.method == "POST":
        if not _service().check_permission(g.identity, "create"):
            abort(403)
        upload = request.files.get("file")
        name = (upload.filename or "").lower() if upload else ""
        if not upload or not name.endswith((".csv", ".xlsx")):
            error = "请选择 CSV 或 XLSX 文件 / Choose a CSV or XLSX file."
        else:
            data = upload.read(MAX_IMPORT_BYTES + 1)
            if len(data) > MAX_IMPORT_BYTES:
                error = "文件过大，请用命令行导入 / File too large: use the CLI import."
            else:
                from .importer import import_projects, read_rows

                try:
                    rows = list(read_rows(io.BytesIO(data), filename=name))
                except Exception:  # unreadable workbook or encoding: say so, never a 500
                    rows = None
                    error = "无法读取文件（须为 UTF-8 CSV 或 XLSX）/ Cannot read the file (UTF-8 CSV or XLSX)."
                if rows is not None:
                    report = import_projects(_service(), rows,
                                             dry_run=bool(request.form.get("dry_run")),
                                             identity=g.identity)
                    _service().indexer.refresh()
    elif not _service().check_permission(g.identity, "create"):
        abort(403)
    return render_template("techdata/projects/import.html", report=report, error=error)


def create_ui_blueprint(app):
    """The pages blueprint."""
    bp = Blueprint("techdata_projects_ui", __name__)
    bp.add_url_rule("/projects/import", view_func=project_import, methods=["GET", "POST"])
    bp.add_url_rule("/projects/", view_func=project_list)
    bp.add_url_rule("/projects/export.xlsx", view_func=project_export)
    bp.add_url_rule("/projects/<number>", view_func=project_detail)
    return bp
