"""Site-wide configuration, shared by the served instance and the tests.

Loaded through the ``invenio_config.module`` entry point, after InvenioRDM's own
defaults and before ``invenio.cfg`` and ``INVENIO_*`` environment variables, so
everything here holds in tests too. Connection settings (database, search,
Redis) are the instance's business and live in ``invenio.cfg``.

This is the one place where InvenioRDM's keys are assigned. Feature packages
provide the values (their ``config`` modules hold building blocks and assign
no InvenioRDM key); their own ``TECHDATA_*`` settings get their defaults from
their ``config`` module through ``TechData.init_config``.

Every upper-case name here becomes a setting, so modules are imported by
module name (``deposit_config.FACETS``), never their upper-case names.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from invenio_app_rdm import config as app_rdm
from invenio_i18n import lazy_gettext as _
from invenio_rdm_records import config as rdm
from invenio_rdm_records.resources.config import record_serializers
from invenio_rdm_records.services.components import DefaultRecordsComponents
from invenio_records_resources.services.files.config import FileServiceConfig
from invenio_records_resources.services.records.facets import TermsFacet
from invenio_requests import config as requests_config
from invenio_requests.services.requests import facets as request_facets

from .access import config as access_config
from .audit import config as audit_config
from .audit.permissions import AuditTrailPermissionPolicy
from .components import DepositRulesComponent
from .deposit import config as deposit_config
from .deposit import fields as deposit_fields
from .deposit import form as deposit_form
from .deposit import schema as deposit_schema
from .directory import config as directory_config
from .directory.components import DirectoryEntryComponent
from .evaluation import config as evaluation_config
from .exports import config as exports_config
from .identifiers import config as identifiers_config
from .kernel import roles
from .kernel.audit_index import IndexAfterCommitComponent
from .kernel.cache import RequestMemoCache
from .kernel.labels import REQUEST_TYPE_LABELS
from .oai import config as oai_config
from .permissions import TechDataRecordPermissionPolicy, TechDataRequestsPermissionPolicy
from .preservation.components import Sha256Component
from .projects import config as projects_config
from .projects.components import ProjectLinkComponent
from .review import centres
from .review import config as review_config
from .review.components import DepositReviewComponent
from .review.gate import ConfidentialityGate
from .security import communities as community_security
from .security import config as security_config

# Language and time
# =================

BABEL_DEFAULT_LOCALE = "zh"
"""Default UI language: Chinese, Simplified script (zh-Hans).

Invenio keys languages by bare language code (user preferences, vocabulary
titles, the language switcher), so the code is ``zh``; the catalogue for it is
built from the installed zh_CN catalogues plus ours (``techdata.i18n``).
"""

BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
"""All dates are shown in China Standard Time."""

TECHDATA_TIMEZONE = BABEL_DEFAULT_TIMEZONE
"""Zone of "today" and of working-day deadlines (``techdata.kernel.time``)."""

I18N_LANGUAGES = [("en", _("English"))]
"""Other selectable UI languages (the default is not repeated here)."""

# Theme
# =====

THEME_SITENAME = _("Chengdu Tech-Data Repository")
"""Site name in the header and page titles."""

THEME_FRONTPAGE_TITLE = _("Chengdu Tech-Data Repository")
"""Title on the front page."""

THEME_FRONTPAGE_SUBTITLE = _(
    "Data of publicly funded projects: deposit first, then acceptance"
)
"""Subtitle on the front page."""

THEME_LOGO = "images/techdata-logo.svg"
"""Header logo (site/techdata/static, collected into the instance)."""

THEME_SHOW_FRONTPAGE_INTRO_SECTION = False
"""No "you have installed InvenioRDM" box on the front page."""

INSTANCE_THEME_FILE = "./less/theme.less"
"""The instance's semantic-ui theme entry file, relative to the assets folder."""

# Deposit form
# ============

APP_RDM_DEPOSIT_FORM_DEFAULTS = {
    "publication_date": lambda: datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d"),
    "publisher": "成都科技数据汇交平台 Chengdu Tech-Data Repository",
    "resource_type": {"id": "dataset"},  # what is deposited here (CD-TD Art. 2)
    # Open is the rule (CD-TD Art. 18): the form starts unconditional. Set as
    # the whole ".custom_fields" object: a new record has none yet, so
    # APP_RDM_DEPOSIT_FORM_CUSTOM_FIELD_DEFAULTS would fail to set into it.
    # The project page's "deposit this dataset" adds ?project=&plan_key= (issue 13).
    ".custom_fields": deposit_form.initial_custom_fields,
}
"""Default values of the deposit form."""

# Security headers (served over plain HTTP on loopback by scripts/run)
# ====================================================================

APP_DEFAULT_SECURE_HEADERS = {
    "content_security_policy": {
        "default-src": ["'self'", "data:", "blob:"],
        # No inline scripts (script-src has no 'unsafe-inline').
        "script-src": ["'self'", "blob:", "'wasm-unsafe-eval'"],
        # Inline styles stay allowed: InvenioRDM's React and Semantic UI
        # components set style attributes.
        "style-src": ["'self'", "data:", "'unsafe-inline'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],  # no click-jacking by framing (issue 20)
    },
    "content_security_policy_report_only": False,
    "content_security_policy_report_uri": None,
    "force_file_save": False,
    "force_https": False,
    "force_https_permanent": False,
    "frame_options": "sameorigin",
    "frame_options_allow_from": None,
    "session_cookie_http_only": True,
    "session_cookie_secure": False,
    "strict_transport_security": False,
    "strict_transport_security_include_subdomains": False,
    "strict_transport_security_max_age": 0,
    "strict_transport_security_preload": False,
}
"""Talisman headers; HTTPS is the reverse proxy's job in production."""

# Accounts
# ========

SECURITY_REGISTERABLE = True
"""Researchers and companies register themselves (CD-TD Art. 20, 22)."""

SECURITY_CONFIRMABLE = True
"""A registered account confirms its e-mail address by the mailed link (LZ Art. 9, 26;
issue 18); demo and test accounts are created confirmed."""

SECURITY_LOGIN_WITHOUT_CONFIRMATION = False
"""No log-in before the e-mail address is confirmed."""

USERPROFILES_REGISTER_USER_BASE_TEMPLATE = "techdata/security/register_user.html"
"""The registration form with phone, entity and role (``techdata.security.registration``)."""

# Deposit model: custom fields, form sections, facets, search
# ===========================================================

RDM_NAMESPACES = deposit_config.NAMESPACES
"""Custom-field namespace of the Chengdu tech-data model (``cdtd``)."""

RDM_CUSTOM_FIELDS = deposit_fields.CUSTOM_FIELDS
"""The ``cdtd:`` fields (``techdata.deposit.fields``)."""

RDM_CUSTOM_FIELDS_UI = exports_config.landing_custom_fields_ui(deposit_config.FORM_SECTIONS)
"""The deposit form's ``cdtd:`` sections (``techdata.deposit.config``); those shown as
our landing-page panels are hidden from InvenioRDM's generic "Additional details"."""

RDM_FACETS = {**rdm.RDM_FACETS, **deposit_config.FACETS}
"""InvenioRDM's facets plus those of the deposit model."""

RDM_SEARCH = deposit_config.SEARCH
"""Record search: our facets, and a query analysed with OpenSearch's ``cjk`` analyzer."""

RDM_RECORD_SCHEMA = deposit_schema.RecordSchema
"""InvenioRDM's record schema, the ``cdtd:`` custom fields' schema built once per process
instead of once per dumped record (``techdata.deposit.schema``, issue 21)."""

# Records service and permissions
# ===============================

ACCESS_CACHE = RequestMemoCache(app_rdm.ACCESS_CACHE)
"""InvenioRDM's action cache (Redis), each action read once per request (issue 21: a
landing page asked Redis 235 times for a handful of keys)."""

RDM_RECORDS_SERVICE_COMPONENTS = [
    *DefaultRecordsComponents,
    DepositRulesComponent,
    ProjectLinkComponent,
    DepositReviewComponent,
    ConfidentialityGate,
    DirectoryEntryComponent,
]
"""InvenioRDM's components, then the deposit rules (CD-TD Art. 2, 14, 18), the project
link (CD-TD Art. 15), the deposit review, the confidentiality gate (CD-TD Art. 24) and
the directory entry (CD-TD Art. 19)."""

RDM_DRAFT_FILES_SERVICE_COMPONENTS = [*FileServiceConfig.components, Sha256Component]
"""InvenioRDM's file components, then the SHA-256 of each committed upload, a second checksum
beside the MD5 (CD-TD Art. 25; issue 17)."""

RDM_PERMISSION_POLICY = TechDataRecordPermissionPolicy
"""Who reads not-opened and conditional records (see ``techdata.permissions``)."""

# Data centres, deposit review, confidentiality review (CD-TD Art. 10-11, 24)
# ==========================================================================

COMMUNITIES_NAMESPACES = centres.CENTRE_NAMESPACES
"""Namespace of our community custom fields (the records one)."""

COMMUNITIES_CUSTOM_FIELDS = centres.CENTRE_CUSTOM_FIELDS
"""Community custom fields: the data-centre level (CD-TD Art. 10)."""

COMMUNITIES_CUSTOM_FIELDS_UI = review_config.CENTRE_FORM_SECTIONS
"""The centre level in the community settings form."""

RDM_RECORDS_REVIEWS = review_config.REVIEWS
"""Reviews a draft can be submitted with; a community submission to a data centre
becomes a deposit review (CD-TD Art. 11)."""

REQUESTS_PERMISSION_POLICY = TechDataRequestsPermissionPolicy
"""Request permissions with the deposit review's ``return`` action."""

REQUEST_TYPE_FACET_LABELS = {k: v for k, v in REQUEST_TYPE_LABELS.items()
                             if k != "community-submission"}
"""Labels of our request types in the type facet of InvenioRDM's request lists (issue 13)."""

REQUESTS_FACETS = {
    **requests_config.REQUESTS_FACETS,
    "type": {
        "facet": TermsFacet(field="type", label=_("Type"), value_labels={
            **(request_facets.type._value_labels or {}), **REQUEST_TYPE_FACET_LABELS}),
        "ui": {"field": "type"},
    },
}
"""InvenioRDM's request facets, the type facet naming our request types (not their ids)."""


COMMUNITIES_PERMISSION_POLICY = community_security.TechDataCommunityPermissionPolicy
"""Only the bureau and the administrator create communities (CD-TD Art. 10; issue 20)."""

COMMUNITIES_SERVICE_COMPONENTS = community_security.COMMUNITIES_SERVICE_COMPONENTS
"""InvenioRDM's community components; only the bureau sets ``cdtd:centre_level``."""

# Identifiers: DataCite DOIs and CSTR (GB/T 32843)
# ================================================

RDM_PERSISTENT_IDENTIFIER_PROVIDERS = identifiers_config.with_doi_retries(
    exports_config.with_our_datacite(rdm.RDM_PERSISTENT_IDENTIFIER_PROVIDERS)
)
"""InvenioRDM's record PID providers; DOIs registered with our DataCite metadata, with retries."""

RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS = identifiers_config.with_doi_retries(
    exports_config.with_our_datacite(rdm.RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS,
                                     is_parent=True)
) + [identifiers_config.CSTR_PROVIDER]
"""Concept DOI (our metadata, with retries) and the dataset's CSTR."""

RDM_PARENT_PERSISTENT_IDENTIFIERS = {
    **rdm.RDM_PARENT_PERSISTENT_IDENTIFIERS,
    "cstr": identifiers_config.CSTR_PARENT_PID,
}
"""Parent (concept) PIDs: InvenioRDM's concept DOI and our CSTR, required."""

# Exports and the record page
# ===========================

APP_RDM_RECORD_EXPORTERS = exports_config.with_our_exporters(app_rdm.APP_RDM_RECORD_EXPORTERS)
"""InvenioRDM's export menu, DataCite and DCAT-AP with the ``cdtd`` classification."""

RDM_RECORDS_SERIALIZERS = identifiers_config.with_cstr_citation(
    exports_config.with_our_serializers(record_serializers)
)
"""REST content negotiation: our DataCite and DCAT serializers; the citation names the CSTR."""

APP_RDM_RECORD_LANDING_PAGE_TEMPLATE = exports_config.LANDING_TEMPLATE
"""The record page: InvenioRDM's, with panels of the classification and directory
fields (CD-TD Art. 2, 18, 19; LZ Art. 11; QY Art. 8)."""

# OAI-PMH (/oai2d; QY Art. 23; LZ Art. 22)
# ========================================

OAISERVER_REPOSITORY_NAME = oai_config.REPOSITORY_NAME
"""A plain string (the default, ``THEME_SITENAME``, is lazy: Identify was HTTP 500)."""

OAISERVER_SEARCH_CLS = oai_config.SEARCH_CLS
"""InvenioRDM's OAI search, paged statelessly: resumption tokens can be retried."""

OAISERVER_RESUMPTION_TOKEN_EXPIRE_TIME = oai_config.RESUMPTION_TOKEN_EXPIRE_TIME
"""Resumption tokens stay valid one hour."""

OAISERVER_METADATA_FORMATS = oai_config.with_our_formats(app_rdm.OAISERVER_METADATA_FORMATS)
"""InvenioRDM's formats; ``oai_dc`` and DataCite through our serializers."""

# Scheduled tasks
# ===============

CELERY_BEAT_SCHEDULE = {
    **app_rdm.CELERY_BEAT_SCHEDULE,
    **review_config.BEAT_SCHEDULE,
    **projects_config.BEAT_SCHEDULE,
    **access_config.BEAT_SCHEDULE,
    **audit_config.BEAT_SCHEDULE,
    **evaluation_config.BEAT_SCHEDULE,
}
"""InvenioRDM's schedule plus each package's tasks: review and access reminders and
escalations, the overdue-project digest, the daily expiry of access grants, the nightly
evaluation summaries (issue 19)."""

# Audit trail (LZ Art. 21, 38, 40; CD-PD Art. 23; issue 16)
# =========================================================

AUDIT_LOGS_ENABLED = True
"""InvenioRDM's audit log is the one trail of who did what (``techdata.kernel.audit``)."""

AUDIT_LOGS_PERMISSION_POLICY = AuditTrailPermissionPolicy
"""The bureau, auditors and administrators read the trail; nobody changes it."""

AUDIT_LOGS_SERVICE_COMPONENTS = [IndexAfterCommitComponent]
"""InvenioRDM's own entries (``draft.create``, ``record.publish``...) are indexed after the
commit by a task, as ours are: no act waits for the search engine (issue 16)."""

STATS_EVENTS = audit_config.stats_events(app_rdm.STATS_EVENTS)
"""InvenioRDM's statistics events; downloads of protected data also go to the trail."""

# Notifications
# =============

NOTIFICATIONS_BUILDERS = {
    **app_rdm.NOTIFICATIONS_BUILDERS,
    **review_config.NOTIFICATION_BUILDERS,
    **directory_config.NOTIFICATION_BUILDERS,
    **access_config.NOTIFICATION_BUILDERS,
    **audit_config.NOTIFICATION_BUILDERS,
    **projects_config.NOTIFICATION_BUILDERS,
    **security_config.NOTIFICATION_BUILDERS,
}
"""InvenioRDM's notifications plus ours: review reminders and escalations, the
directory release workflow, requests from outside, the overdue-project digest,
the log-in lock notice (templates ``invenio_notifications/<type>.jinja``, zh and en)."""

# Domain
# ======

TECHDATA_DOMAIN_ROLES = roles.DOMAIN_ROLES
"""Roles of the domain (shared/DOMAIN.md "Who uses it"), created at set-up
(``techdata.kernel.roles``)."""
