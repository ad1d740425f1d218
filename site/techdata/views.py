"""UI blueprint of the site: registers the package's templates, static files,
the Jinja filters of dates in Beijing time (``techdata_datetime``, ``techdata_date``)
and the user dashboard's "My tasks" page (:mod:`.todo`)."""

from flask import Blueprint

from .kernel.time import format_date, format_datetime
from .todo import register_page as register_tasks_page


def create_blueprint(app):
    """Create the site blueprint (templates under ``techdata/``, static files, date filters)."""
    bp = Blueprint(
        "techdata", __name__, template_folder="templates", static_folder="static"
    )
    bp.add_app_template_filter(format_datetime, "techdata_datetime")
    bp.add_app_template_filter(format_date, "techdata_date")
    register_tasks_page(bp)
    return bp
