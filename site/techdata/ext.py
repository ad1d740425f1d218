"""The ``TechData`` Flask extension: registers the site's settings and services."""

from . import config
from .kernel.errors import DomainError, handle_domain_error


class TechData:
    """Flask extension of the Chengdu tech-data repository."""

    def __init__(self, app=None):
        """Initialise the extension, optionally on ``app``."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Register the extension on ``app``."""
        self.init_config(app)
        self.init_services(app)
        self.init_error_handlers(app)
        app.extensions["techdata"] = self

    def init_services(self, app):
        """The project service and its REST resource (CD-TD Art. 15)."""
        from .projects.resources.resource import ProjectResource, ProjectResourceConfig
        from .projects.services.config import ProjectServiceConfig
        from .projects.services.service import ProjectService

        self.projects_service = ProjectService(ProjectServiceConfig.build(app))
        self.projects_resource = ProjectResource(
            ProjectResourceConfig.build(app), self.projects_service
        )

    @staticmethod
    def init_error_handlers(app):
        """One error type (``kernel.errors.DomainError``) answered the same everywhere.

        Our services refuse with ``DomainService.require`` (401/403, bilingual).
        """
        app.register_error_handler(DomainError, handle_domain_error)

    @staticmethod
    def init_config(app):
        """Give every ``TECHDATA_*`` setting its default."""
        for key in dir(config):
            if key.startswith("TECHDATA_"):
                app.config.setdefault(key, getattr(config, key))
