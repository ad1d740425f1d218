"""The preservation report page (``/preservation/``), for administrators and the bureau.

Reached from the account menu (``profile-admin``, beside InvenioRDM's
Administration). The view only asks the service and renders.
"""

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required
from flask_menu import current_menu
from invenio_base.signals import app_loaded

from ..kernel.i18n import _
from .proxies import current_preservation_service


@login_required
def report_page():
    """Last backup, WAL lag, fixity runs and failures, last restore drill."""
    report = current_preservation_service.report(g.identity)
    return render_template("techdata/preservation/report.html", report=report)


def _can_read():
    """Whether the logged-in person may read the report (menu visibility)."""
    return current_user.is_authenticated and current_preservation_service.can(
        g.identity, "read")


def register_menu(sender, app=None, **kwargs):
    """Add the report to the account menu of a UI app once it is loaded."""
    if app is None or "menu" not in app.extensions or \
            "techdata_preservation.report_page" not in app.view_functions:
        return
    with app.app_context():
        current_menu.submenu("profile-admin.techdata_preservation").register(
            endpoint="techdata_preservation.report_page",
            text=_("Backups and file integrity"), order=5, visible_when=_can_read)


def create_ui_blueprint(app):
    """The report page's blueprint; its menu item is added when the app is loaded."""
    bp = Blueprint("techdata_preservation", __name__)
    bp.add_url_rule("/preservation/", view_func=report_page)
    app_loaded.connect(register_menu)
    return bp


__all__ = ("create_ui_blueprint", "register_menu", "report_page")
