"""Settings of the evaluation (issue 19) and its scheduled recomputation."""

from celery.schedules import crontab
from invenio_records_permissions.generators import SystemProcess

from ..kernel import roles
from ..kernel.generators import DomainRoles
from ..kernel.services import DomainPermissionPolicy, DomainServiceConfig

READERS = (roles.ADMIN, roles.BUREAU, roles.AUDITOR)
"""Roles that read every indicator of every scope (CD-TD Art. 26)."""

RECOMPUTERS = roles.BUREAU_ROLES
"""Roles that may ask for a recomputation now (the bureau, administrators)."""

TECHDATA_EVALUATION_YEARS_BACK = 1
"""The scheduled task recomputes the current year and this many years before it."""

TECHDATA_EVALUATION_ITEMS_MAX = 5000
"""Most items one drill-down answer lists."""

ITEMS_PAGE = 200
"""Default of ``TECHDATA_EVALUATION_ITEMS_PAGE``: items a page of the drill-down lists (a
department's late requests of a year can be thousands; one page of them answers fast)."""

REPORT_CACHE_SECONDS = 86400
"""Default of ``TECHDATA_EVALUATION_REPORT_CACHE_SECONDS``: how long a PDF report is kept in
the cache (a recomputation makes a new one at once; names of scopes changed since show
after this at the latest)."""

SCOPE_KINDS = ("city", "department", "entity", "centre", "program")
"""Scopes an indicator is computed for."""

PERIODS = ("", "Q1", "Q2", "Q3", "Q4", "H1", "H2")
"""Periods of a year (``""``: the whole year)."""

BEAT_SCHEDULE = {
    "techdata-evaluation-recompute": {
        "task": "techdata.evaluation.tasks.recompute_indicators",
        "schedule": crontab(minute=40, hour=2),
    },
}
"""Nightly recomputation of the summaries (merged into ``CELERY_BEAT_SCHEDULE``)."""


class EvaluationPermissionPolicy(DomainPermissionPolicy):
    """Who reads the evaluation; scopes of department and entity admins are checked by
    the service (``techdata.kernel.scopes``)."""

    can_read_all = [DomainRoles(*READERS), SystemProcess()]
    """Every scope, the city included."""

    can_recompute = [DomainRoles(*RECOMPUTERS), SystemProcess()]
    """Recompute the summaries now."""


class EvaluationServiceConfig(DomainServiceConfig):
    """Config of :class:`~techdata.evaluation.service.EvaluationService`."""

    service_id = "techdata-evaluation"
    permission_policy_cls = EvaluationPermissionPolicy


__all__ = (
    "TECHDATA_EVALUATION_YEARS_BACK",
    "TECHDATA_EVALUATION_ITEMS_MAX",
)
