"""Evaluation pages (``/evaluation/``, issue 19; CD-TD Art. 26; CD-PD Art. 41).

The bureau reads every scope, a department's administrators their
department, an entity's data administrators their entity (the service checks
it: 401/403 otherwise). Filters by year, period, department, entity, data
centre and program; a table of every indicator with its formula and article;
trend lines and a ranking drawn with ECharts (bundle ``techdata-evaluation``),
a table under every chart; the items behind a number; the annual report as
XLSX and as a PDF in Chinese; "recompute now" for the bureau.
"""

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_login import login_required

from ..kernel.csrf import check_csrf, generate_csrf
from . import report
from .indicators import INDICATORS
from .proxies import current_evaluation_service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters():
    """The checked filters of the query string."""
    return report.parse_filters(g.identity, request.args)


def _download(body, mimetype, name):
    """A file download response."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required
def evaluation_page():
    """The evaluation page of the chosen year, period and scope."""
    filters = _filters()
    data = report.overview(g.identity, filters)
    return render_template(
        "techdata/evaluation/index.html", data=data, filters=filters,
        args=report.query_args(filters), options=report.scope_options(g.identity, filters["year"]),
        periods=report.PERIOD_LABELS, rank_kinds=report.RANK_KINDS,
        scope_labels=report.SCOPE_LABELS, indicators=INDICATORS,
        can_recompute=current_evaluation_service.can(g.identity, "recompute"),
        csrf_token=generate_csrf())


@login_required
def items_page():
    """The items behind one number (``key``; ``subset``: numerator or rest; ``page``)."""
    filters = _filters()
    key = (request.args.get("key") or "").strip()
    subset = (request.args.get("subset") or "").strip() or None
    page = (request.args.get("page") or "1").strip()[:10]
    data = report.drill_down(g.identity, filters, key, subset, page)
    return render_template("techdata/evaluation/items.html", data=data, filters=filters,
                           args=report.query_args(filters))


@login_required
def report_xlsx():
    """The annual report as XLSX (one sheet per indicator group, definitions first)."""
    filters = _filters()
    return _download(report.report_xlsx(g.identity, filters), XLSX,
                     report.report_name(filters, "xlsx"))


@login_required
def report_pdf():
    """The annual report as a PDF in Chinese, with its charts."""
    filters = _filters()
    return _download(report.report_pdf(g.identity, filters), "application/pdf",
                     report.report_name(filters, "pdf"))


@login_required
def recompute():
    """Recompute the chosen year now (bureau and administrators), then show it again."""
    check_csrf()
    filters = _filters()
    current_evaluation_service.recompute(g.identity, filters["year"])
    return redirect(url_for(".evaluation_page", **report.query_args(filters), recomputed=1))


def create_ui_blueprint(app):
    """The evaluation pages' blueprint."""
    bp = Blueprint("techdata_evaluation_ui", __name__)
    bp.add_url_rule("/evaluation/", view_func=evaluation_page)
    bp.add_url_rule("/evaluation/items", view_func=items_page)
    bp.add_url_rule("/evaluation/report.xlsx", view_func=report_xlsx)
    bp.add_url_rule("/evaluation/report.pdf", view_func=report_pdf)
    bp.add_url_rule("/evaluation/recompute", view_func=recompute, methods=["POST"])
    return bp
