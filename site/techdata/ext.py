"""The ``TechData`` Flask extension: registers the site's settings and services."""

from sqlalchemy.exc import StatementError

from . import config
from .access import config as access_config
from .access.service import AccessService, AccessServiceConfig
from .audit import config as audit_config
from .certificates import config as certificates_config
from .deposit import config as deposit_config
from .directory import config as directory_config
from .directory.exports import config as directory_exports_config
from .directory.releases import config as releases_config
from .directory.releases.service import ReleaseService, ReleaseServiceConfig
from .directory.services import DirectoryService, DirectoryServiceConfig
from .entities import config as entities_config
from .entities.identity import init_app as init_entity_scopes
from .entities.service import EntitiesService, EntitiesServiceConfig
from .exports import config as exports_config
from .identifiers import config as identifiers_config
from .kernel.errors import DomainError, handle_domain_error, handle_malformed_id
from .oai import init_app as init_oai
from .preservation import config as preservation_config
from .preservation.service import PreservationService, PreservationServiceConfig
from .navigation import init_app as init_navigation
from .projects import config as projects_config
from .projects.resources.resource import ProjectResource, ProjectResourceConfig
from .projects.services.config import ProjectServiceConfig
from .projects.services.service import ProjectService
from .review import config as review_config
from .review.service import ReviewService, ReviewServiceConfig
from .security import config as security_config
from .security import init_app as init_security_app

CONFIG_MODULES = (
    config,
    access_config,
    audit_config,
    certificates_config,
    deposit_config,
    directory_config,
    directory_exports_config,
    entities_config,
    releases_config,
    exports_config,
    identifiers_config,
    preservation_config,
    projects_config,
    review_config,
    security_config,
)
"""Where the ``TECHDATA_*`` settings default: the site's and each feature's ``config``."""


def ascii_etag(response):
    """Make a non-ASCII ``ETag`` header ASCII (each such character as ``u<hex>``).

    InvenioRDM's avatar (``/api/users/<id>/avatar.svg``) tags the image with
    the first character of the user's name; for a Chinese name (李研究员) that
    header is not latin-1, the WSGI server refuses it and every logged-in page
    got a 500 for its avatar (issue 13).
    """
    etag = response.headers.get("ETag")
    if etag and not etag.isascii():
        response.headers["ETag"] = "".join(c if c.isascii() else f"u{ord(c):x}" for c in etag)
    return response


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
        self.init_security(app)
        init_navigation(app)  # header menu, community request page, label globals (issue 13)
        init_entity_scopes(app)  # scope needs of verified memberships (issue 18)
        init_oai(app)  # OAI-PMH protocol errors and status codes at /oai2d (issue 14)
        app.after_request(ascii_etag)  # avatars of Chinese names (issue 13)
        app.extensions["techdata"] = self

    def init_services(self, app):
        """The services of the domain (reached through each package's ``proxies``).

        Projects and their REST resource (CD-TD Art. 15), directories and
        releases, reviews, requests from outside.
        """
        self.projects_service = ProjectService(ProjectServiceConfig.build(app))
        self.projects_resource = ProjectResource(
            ProjectResourceConfig.build(app), self.projects_service
        )

        # The directories (CD-TD Art. 7, 19, 24): the directory and the release service.
        self.directory_service = DirectoryService(DirectoryServiceConfig.build(app))
        self.directory_release_service = ReleaseService(ReleaseServiceConfig.build(app))

        # Review decisions, the review queue, revision reviews (CD-TD Art. 11, 24).
        self.review_service = ReviewService(ReviewServiceConfig.build(app))
        # Requests from outside (access, sharing, opening, appeals, corrections, services).
        self.access_service = AccessService(AccessServiceConfig.build(app))
        # Entities, departments, memberships: what the scopes rest on (issue 18).
        self.entities_service = EntitiesService(EntitiesServiceConfig.build(app))
        # The preservation report: backups, WAL, fixity, restore drills (issue 17).
        self.preservation_service = PreservationService(PreservationServiceConfig.build(app))

    def init_security(self, app):
        """The input layer and the per-account log-in throttle (issue 20).

        Hooks of the UI app and of the REST app alike (this extension is
        loaded in both); see ``techdata.security``.
        """
        self.login_throttle = init_security_app(app)

    @staticmethod
    def init_error_handlers(app):
        """One error type (``kernel.errors.DomainError``) answered the same everywhere.

        Our services refuse with ``DomainService.require`` (401/403, bilingual).
        """
        app.register_error_handler(DomainError, handle_domain_error)
        # issue 14: a malformed id in a request page's URL is a 404, not a 500
        app.register_error_handler(StatementError, handle_malformed_id)

    @staticmethod
    def init_config(app):
        """Give every ``TECHDATA_*`` setting the default of its ``config`` module.

        ``invenio.cfg``, ``INVENIO_*`` variables and the tests' ``app_config``
        came first and win.
        """
        for module in CONFIG_MODULES:
            for key in dir(module):
                if key.startswith("TECHDATA_"):
                    app.config.setdefault(key, getattr(module, key))
