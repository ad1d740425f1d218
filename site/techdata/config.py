"""Site-wide configuration, shared by the served instance and the tests.

Loaded through the ``invenio_config.module`` entry point, after InvenioRDM's own
defaults and before ``invenio.cfg`` and ``INVENIO_*`` environment variables, so
everything here holds in tests too. Connection settings (database, search,
Redis) are the instance's business and live in ``invenio.cfg``.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from invenio_i18n import lazy_gettext as _

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

THEME_FOOTER_TEMPLATE = "techdata/footer.html"
"""Our footer: links of this repository, not of the InvenioRDM project."""

INSTANCE_THEME_FILE = "./less/theme.less"
"""The instance's semantic-ui theme entry file, relative to the assets folder."""

APP_RDM_DEPOSIT_FORM_DEFAULTS = {
    "publication_date": lambda: datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d"),
    "publisher": "成都科技数据汇交平台 Chengdu Tech-Data Repository",
    # Open is the rule (CD-TD Art. 18): the form starts unconditional. Set as
    # the whole ".custom_fields" object: a new record has none yet, so
    # APP_RDM_DEPOSIT_FORM_CUSTOM_FIELD_DEFAULTS would fail to set into it.
    ".custom_fields": lambda: {
        "cdtd:sharing_type": {"id": "unconditional"},
        "cdtd:opening_type": {"id": "unconditional"},
    },
}
"""Default values of the deposit form."""

# Security headers (served over plain HTTP on loopback by scripts/run)
# ====================================================================

APP_DEFAULT_SECURE_HEADERS = {
    "content_security_policy": {
        "default-src": ["'self'", "data:", "'unsafe-inline'", "blob:"],
        "script-src": ["'self'", "blob:", "'wasm-unsafe-eval'"],
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

SECURITY_CONFIRMABLE = False
"""No e-mail confirmation round-trip on this loopback deployment."""

SECURITY_LOGIN_WITHOUT_CONFIRMATION = True
"""Registered users may log in straight away."""

# Deposit model (custom fields, form sections, facets, search)
# ============================================================

from .deposit.config import (  # noqa: E402,F401  (re-exported as settings)
    RDM_CUSTOM_FIELDS,
    RDM_CUSTOM_FIELDS_UI,
    RDM_FACETS,
    RDM_NAMESPACES,
    RDM_RECORDS_SERVICE_COMPONENTS,
    RDM_SEARCH,
)

# Domain settings
# ===============

TECHDATA_DOMAIN_ROLES = {
    "admin": "平台管理员 Platform administrator",
    "bureau-admin": "市科技局 Tech bureau administrator",
    "program-manager": "科技计划管理部门 Program manager",
    "data-centre-curator": "科技数据中心 Data-centre curator",
    "confidentiality-reviewer": "保密审查员 Confidentiality reviewer",
    "entity-admin": "法人单位数据管理员 Legal-entity data administrator",
    "department-admin": "主管部门 Competent department",
    "expert-committee": "专家委员会 Expert committee (appeals)",
}
"""Roles of the domain (shared/DOMAIN.md "Who uses it"), created at set-up.

Role descriptions are stored in the database once, so they carry both
languages instead of a translatable string."""

# Data centres, deposit review, confidentiality review (CD-TD Art. 10-11, 24)
# ==========================================================================

from .permissions import (  # noqa: E402
    TechDataRecordPermissionPolicy,
    TechDataRequestsPermissionPolicy,
)
from .review.components import DepositReviewComponent  # noqa: E402
from .review.gate import ConfidentialityGate  # noqa: E402
from .review.config import (  # noqa: E402,F401  (re-exported as settings)
    CELERY_BEAT_SCHEDULE,
    COMMUNITIES_CUSTOM_FIELDS,
    COMMUNITIES_CUSTOM_FIELDS_UI,
    COMMUNITIES_NAMESPACES,
    RDM_RECORDS_REVIEWS,
    TECHDATA_CENTRE_ADMIN_ROLE,
    TECHDATA_CITY_CENTRE,
    TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE,
    TECHDATA_CURATOR_ROLE,
    TECHDATA_REVIEW_DEADLINES,
    TECHDATA_REVIEW_REMINDER_DAYS,
)
from .workdays.config import TECHDATA_WORKDAYS_TIMEZONE  # noqa: E402,F401

from .projects.components import ProjectLinkComponent  # noqa: E402
from .projects.config import TECHDATA_PROJECT_OVERDUE_DIGEST_DAYS  # noqa: E402,F401

from .directory.components import DirectoryEntryComponent  # noqa: E402

RDM_RECORDS_SERVICE_COMPONENTS = RDM_RECORDS_SERVICE_COMPONENTS + [
    ProjectLinkComponent,
    DepositReviewComponent,
    ConfidentialityGate,
    DirectoryEntryComponent,
]
"""Deposit rules, the deposit review, the confidentiality gate (CD-TD Art. 24), then the directory entry (CD-TD Art. 19)."""

RDM_PERMISSION_POLICY = TechDataRecordPermissionPolicy
"""Who reads not-opened and conditional records (see ``techdata.permissions``)."""

REQUESTS_PERMISSION_POLICY = TechDataRequestsPermissionPolicy
"""Request permissions with the deposit review's ``return`` action."""

from .exports.config import *  # noqa: F401,F403
from .identifiers.config import *  # noqa: F401,F403
from .certificates.config import *  # noqa: F401,F403
from .access.config import *  # noqa: E402,F401,F403
from .directory.releases.config import *  # noqa: E402,F401,F403
from .directory.config import *  # noqa: E402,F401,F403
from .directory.exports.config import *  # noqa: E402,F401,F403
