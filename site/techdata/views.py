"""UI blueprint of the site: registers the package's templates."""

from flask import Blueprint


def create_blueprint(app):
    """Create the site blueprint (templates under ``techdata/``)."""
    return Blueprint("techdata", __name__, template_folder="templates")
