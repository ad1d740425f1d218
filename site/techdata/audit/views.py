"""Audit pages (``/audit``) and the CSV export: search the trail by person, entity, object,
action and date (LZ Art. 21, 40). Read-only, for the bureau, auditors and administrators
(``AuditTrailPermissionPolicy``); the REST API is InvenioRDM's ``/api/audit-logs``.
"""

from flask import Blueprint, Response, g, render_template, request
from flask_login import current_user, login_required
from flask_principal import PermissionDenied

from ..kernel.errors import forbidden
from ..kernel.roles import AUDIT_ROLES, has_role
from ..kernel.time import today
from . import service
from .actions import choices


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


def create_ui_blueprint(app):
    """The audit pages' blueprint."""
    bp = Blueprint("techdata_audit_ui", __name__)
    bp.add_url_rule("/audit/", view_func=audit_search)
    bp.add_url_rule("/audit/export.csv", view_func=audit_export)
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
