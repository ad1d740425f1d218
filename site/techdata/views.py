"""UI blueprint of the site: registers the package's templates and static files."""

from flask import Blueprint


def create_blueprint(app):
    """Create the site blueprint (templates under ``techdata/``, static files)."""
    return Blueprint(
        "techdata", __name__, template_folder="templates", static_folder="static"
    )
