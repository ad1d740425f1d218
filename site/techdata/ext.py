"""The ``TechData`` Flask extension: registers the site's settings and services."""

from . import config


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
    def init_config(app):
        """Give every ``TECHDATA_*`` setting its default."""
        for key in dir(config):
            if key.startswith("TECHDATA_"):
                app.config.setdefault(key, getattr(config, key))
