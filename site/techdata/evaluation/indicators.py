"""The evaluation indicators (考核指标), each defined once (issue 19).

The bureau evaluates how the rules are kept (CD-TD Art. 26; CD-PD Art. 41;
QY Art. 31-32; LZ Art. 39). Each :class:`Indicator` says what it counts:

- ``key``: stable id (REST, summaries, charts), ``group`` (one of :data:`GROUPS`);
- ``name``: English msgid (Chinese in the catalogue), ``formula``: how it is
  computed, in words (msgid too), ``unit``: ``count``, ``ratio`` or ``days``;
- ``source``: the table or index it is read from, ``article``: the rule it serves;
- ``basis``: the set of *facts* it is computed from (``compute.py`` writes
  one fact per item: a plan item, a request, an entry ...; several indicators
  can share one basis, e.g. an on-time ratio and the median days of the same
  reviews) and ``agg``: how facts become a value:

  ``num``   the sum of the facts' numerators (a count);
  ``den``   the sum of their denominators (a count of the items looked at);
  ``rest``  denominators minus numerators (e.g. refusals of the decided);
  ``ratio`` numerator / denominator (None when nothing is looked at);
  ``median``/``p90`` of the facts' ``days``.

- ``recorded``: False for what the product does not record yet; such an
  indicator is listed with the value None and its ``note``, never invented.
  ``optional_source`` names a source that may be absent from an installation
  (``violations``: the register of ``audit/``); absent, it is not recorded.

Every fact has an ``on`` date; an indicator for a year (or a period of it)
counts the facts whose date falls in it. The fact dates are in ``formula``.
"""

from dataclasses import dataclass

from ..kernel.i18n import _

GROUPS = ("deposit", "reviews", "requests", "directories", "use", "violations", "stale")
"""Indicator groups, in report order (one XLSX sheet each)."""

GROUP_NAMES = {
    "deposit": _("Deposit"),
    "reviews": _("Reviews"),
    "requests": _("Requests from outside"),
    "directories": _("Directories"),
    "use": _("Use"),
    "violations": _("Violations"),
    "stale": _("Stale data"),
}
"""Names of the groups (msgids)."""

UNITS = ("count", "ratio", "days")
"""Units of an indicator's value."""

AGGS = ("num", "den", "rest", "ratio", "median", "p90")
"""How an indicator's facts become its value."""

EVALUATION = "CD-TD Art. 26; CD-PD Art. 41; QY Art. 31-32; LZ Art. 39"
"""The articles every indicator serves: evaluation of deposit, opening and sharing work."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the evaluation."""

    key: str
    group: str
    name: object
    formula: object
    unit: str
    source: str
    article: str
    basis: str = None
    agg: str = "ratio"
    recorded: bool = True
    note: object = None
    optional_source: str = None

    @property
    def fact_basis(self):
        """The fact set the indicator is computed from (default: its key)."""
        return self.basis or self.key

    @property
    def articles(self):
        """The indicator's own article and the evaluation articles."""
        return f"{self.article}; {EVALUATION}"


PROJECTS = "techdata_project_metadata (plan, acceptance, transitions)"
RECORDS = "rdm_records_metadata (cdtd:project, cdtd:project_dataset)"
REQUESTS = "request_metadata (payload: received_on, due_date, decided_at / answered_on)"
ENTRIES = "techdata_directory_entry"
PLAN = "techdata_directory_plan_item + techdata_directory_entry"
STATS = "InvenioRDM statistics events (events-stats-record-view / file-download)"
AUDIT = "audit_logs_metadata (techdata.file.download)"
VIOLATIONS = "violations register (audit/)"

REQUEST_TYPES = (
    ("conditional-access", _("Conditional access"), "QY Art. 24; LZ Art. 25-26"),
    ("conditional-sharing", _("Conditional sharing"), "CD-PD Art. 26; QY Art. 16"),
    ("opening-application", _("Opening application"), "CD-PD Art. 34; LZ Art. 23"),
    ("appeal", _("Appeal"), "CD-PD Art. 28, 34"),
    ("correction", _("Correction"), "CD-PD Art. 27; QY Art. 18; LZ Art. 31"),
    ("data-service", _("Data service"), "CD-TD Art. 20, 22"),
)
"""The request types from outside (``access.registry``): id, name, articles."""

GRANTING_TYPES = ("conditional-access", "conditional-sharing", "opening-application")
"""Types whose answer is a grant or a refusal."""

_RECEIVED_NAMES = {
    "conditional-access": _("Conditional access requests received"),
    "conditional-sharing": _("Conditional sharing requests received"),
    "opening-application": _("Opening applications received"),
    "appeal": _("Appeals received"),
    "correction": _("Corrections received"),
    "data-service": _("Data-service requests received"),
}
_ON_TIME_NAMES = {
    "conditional-access": _("Conditional access requests answered on time"),
    "conditional-sharing": _("Conditional sharing requests answered on time"),
    "opening-application": _("Opening applications answered on time"),
    "appeal": _("Appeals answered on time"),
    "correction": _("Corrections answered on time"),
    "data-service": _("Data-service requests answered on time"),
}
_RECEIVED_FORMULA = _("Requests of the type received (received_on) in the period.")
_ON_TIME_FORMULA = _(
    "Requests of the type answered (answered_on) in the period, or still open past their due "
    "date: answered on or before the due date (working days, paused while returned) / all.")


def _per_type():
    """The two indicators of each request type: received, answered on time."""
    out = []
    for type_id, _name, article in REQUEST_TYPES:
        out.append(Indicator(
            f"requests.received.{type_id}", "requests", _RECEIVED_NAMES[type_id],
            _RECEIVED_FORMULA, "count", REQUESTS, article,
            basis=f"requests.received.{type_id}", agg="den"))
        out.append(Indicator(
            f"requests.on_time.{type_id}", "requests", _ON_TIME_NAMES[type_id],
            _ON_TIME_FORMULA, "ratio", REQUESTS, article,
            basis=f"requests.answers.{type_id}", agg="ratio"))
    return out


INDICATORS = (
    # Deposit (CD-TD Art. 15-16; LZ Art. 12)
    Indicator("deposit.planned", "deposit", _("Planned datasets"),
              _("Datasets in the deposit plans of projects due for acceptance (acceptance_due) "
                "in the period."),
              "count", PROJECTS, "CD-TD Art. 15; LZ Art. 12",
              basis="deposit.deposited", agg="den"),
    Indicator("deposit.deposited", "deposit", _("Planned datasets deposited"),
              _("Planned datasets with a published record linked to the project and plan key "
                "/ planned datasets (projects due for acceptance in the period)."),
              "ratio", f"{PROJECTS}; {RECORDS}", "CD-TD Art. 15; LZ Art. 12"),
    Indicator("deposit.accepted", "deposit", _("Planned datasets accepted by a data centre"),
              _("Planned datasets whose deposit a data centre accepted (deposit review "
                "accepted) / planned datasets (projects due for acceptance in the period)."),
              "ratio", f"{PROJECTS}; {RECORDS}; request_metadata", "CD-TD Art. 11, 15"),
    Indicator("deposit.before_acceptance", "deposit", _("Deposited before the acceptance"),
              _("Planned datasets of projects accepted in the period (acceptance.decided_at) "
                "first published before the acceptance decision / planned datasets of those "
                "projects."),
              "ratio", f"{PROJECTS}; {RECORDS}", "CD-TD Art. 15"),
    Indicator("deposit.overrides", "deposit", _("Acceptances with a gate override"),
              _("Acceptance decisions in the period that overrode a failing gate (numerator) "
                "of all acceptance decisions in the period (denominator)."),
              "count", PROJECTS, "CD-TD Art. 15, 27", agg="num"),
    Indicator("deposit.post_acceptance", "deposit", _("Deposits after the acceptance"),
              _("Datasets of accepted projects first published in the period after the "
                "project's acceptance decision."),
              "count", f"{PROJECTS}; {RECORDS}", "CD-TD Art. 15", agg="num"),
    # Reviews (CD-TD Art. 11, 24)
    Indicator("reviews.deposit_on_time", "reviews", _("Deposit reviews decided on time"),
              _("Deposit reviews decided (decided_at) in the period, or still open past their "
                "due date: decided on or before the due date (working days) / all."),
              "ratio", REQUESTS, "CD-TD Art. 11", basis="reviews.deposit"),
    Indicator("reviews.deposit_median_days", "reviews", _("Deposit reviews: median days"),
              _("Median working days from received_on to the decision, deposit reviews decided "
                "in the period."),
              "days", REQUESTS, "CD-TD Art. 11", basis="reviews.deposit", agg="median"),
    Indicator("reviews.deposit_p90_days", "reviews", _("Deposit reviews: 90th percentile days"),
              _("90th percentile of the working days from received_on to the decision, deposit "
                "reviews decided in the period."),
              "days", REQUESTS, "CD-TD Art. 11", basis="reviews.deposit", agg="p90"),
    Indicator("reviews.deposit_returns", "reviews", _("Deposits returned for changes"),
              _("Deposit reviews received in the period that the data centre returned to the "
                "depositor at least once."),
              "count", f"{REQUESTS}; request_events", "CD-TD Art. 11", agg="num"),
    Indicator("reviews.deposit_declines", "reviews", _("Deposits declined"),
              _("Deposit reviews declined in the period (numerator) of those decided in the "
                "period (denominator)."),
              "count", REQUESTS, "CD-TD Art. 11", agg="num"),
    Indicator("reviews.confidentiality_on_time", "reviews",
              _("Confidentiality reviews decided on time"),
              _("Confidentiality reviews decided (decided_at) in the period, or still open "
                "past their due date: decided on or before the due date / all."),
              "ratio", REQUESTS, "CD-TD Art. 24; LZ Art. 23", basis="reviews.confidentiality"),
    Indicator("reviews.confidentiality_median_days", "reviews",
              _("Confidentiality reviews: median days"),
              _("Median working days from received_on to the decision, confidentiality reviews "
                "decided in the period."),
              "days", REQUESTS, "CD-TD Art. 24", basis="reviews.confidentiality", agg="median"),
    Indicator("reviews.confidentiality_p90_days", "reviews",
              _("Confidentiality reviews: 90th percentile days"),
              _("90th percentile of the working days from received_on to the decision, "
                "confidentiality reviews decided in the period."),
              "days", REQUESTS, "CD-TD Art. 24", basis="reviews.confidentiality", agg="p90"),
    Indicator("reviews.confidentiality_fails", "reviews", _("Confidentiality reviews failed"),
              _("Confidentiality reviews failed in the period (numerator) of those decided in "
                "the period (denominator)."),
              "count", REQUESTS, "CD-TD Art. 24", agg="num"),
    # Requests from outside (DOMAIN "Requests and their deadlines")
    *_per_type(),
    Indicator("requests.on_time", "requests", _("Requests answered on time"),
              _("Requests from outside (all types) answered in the period, or still open past "
                "their due date: answered on or before the due date / all."),
              "ratio", REQUESTS, "CD-PD Art. 26-28, 34; QY Art. 16, 24; LZ Art. 25, 31",
              basis="requests.answers.*"),
    Indicator("requests.median_days", "requests", _("Requests: median days to answer"),
              _("Median working days from received_on to answered_on, requests from outside "
                "answered in the period."),
              "days", REQUESTS, "CD-PD Art. 26-28, 34", basis="requests.answers.*", agg="median"),
    Indicator("requests.p90_days", "requests", _("Requests: 90th percentile days to answer"),
              _("90th percentile of the working days from received_on to answered_on, requests "
                "answered in the period."),
              "days", REQUESTS, "CD-PD Art. 26-28, 34", basis="requests.answers.*", agg="p90"),
    Indicator("requests.granted", "requests", _("Grants"),
              _("Conditional access, conditional sharing and opening applications granted in "
                "the period (numerator) of those decided (denominator)."),
              "count", REQUESTS, "CD-PD Art. 26, 34; QY Art. 24", basis="requests.decisions",
              agg="num"),
    Indicator("requests.grant_ratio", "requests", _("Grant ratio"),
              _("Granted / decided (grants and refusals) in the period, for conditional access, "
                "conditional sharing and opening applications."),
              "ratio", REQUESTS, "CD-PD Art. 26, 34; QY Art. 24", basis="requests.decisions"),
    Indicator("requests.refused", "requests", _("Refusals"),
              _("Conditional access, conditional sharing and opening applications refused in "
                "the period (numerator) of those decided (denominator)."),
              "count", REQUESTS, "CD-PD Art. 26, 34; QY Art. 24", basis="requests.decisions",
              agg="rest"),
    Indicator("requests.overturned", "requests", _("Appeals overturning a refusal"),
              _("Appeals decided in the period that overturned the refusal (numerator) of the "
                "appeals decided (denominator)."),
              "count", REQUESTS, "CD-PD Art. 28, 34", agg="num"),
    Indicator("requests.corrections_fixed", "requests", _("Corrections fixed"),
              _("Corrections answered in the period with the data fixed and re-deposited "
                "(numerator) of the corrections answered (denominator)."),
              "count", REQUESTS, "CD-PD Art. 27; QY Art. 18; LZ Art. 31", agg="num"),
    # Directories (CD-TD Art. 7, 9, 18-19)
    Indicator("directories.updated_on_time", "directories",
              _("Directory changes released within 15 working days"),
              _("Entries changed (changed_at) in the period whose due date has passed or whose "
                "change was released: released within 15 working days of the change / all. "
                "Only an entry's latest change is stored."),
              "ratio", ENTRIES, "CD-PD Art. 14; QY Art. 8"),
    Indicator("directories.checked", "directories", _("Directory entries checked this year"),
              _("Live entries whose last check (last_checked) is in the period / live entries. "
                "Only the latest check is stored, so past years read today's entries."),
              "ratio", ENTRIES, "QY Art. 8"),
    Indicator("directories.open_plan_delivered", "directories", _("Open-plan items delivered"),
              _("Items of the year's open plan whose entry is in the open directory / items "
                "planned (dated by planned_date)."),
              "ratio", PLAN, "CD-PD Art. 33"),
    Indicator("directories.openness", "directories", _("Openness ratio"),
              _("Live entries in the open directory / all live entries (today's directory, "
                "dated by the entry's creation)."),
              "ratio", ENTRIES, "CD-TD Art. 18"),
    # Use (CD-TD Art. 20, 22; LZ Art. 21)
    Indicator("use.views", "use", _("Record views"),
              _("Views of record pages in the period (InvenioRDM statistics events)."),
              "count", STATS, "CD-TD Art. 20", agg="num"),
    Indicator("use.downloads", "use", _("File downloads"),
              _("File downloads in the period (InvenioRDM statistics events)."),
              "count", STATS, "CD-TD Art. 20", agg="num"),
    Indicator("use.conditional_downloads", "use", _("Downloads of protected data"),
              _("Downloads of files of conditionally opened or not-opened datasets in the "
                "period (the audit trail's download entries)."),
              "count", AUDIT, "LZ Art. 21, 40", agg="num"),
    Indicator("use.services_delivered", "use", _("Data services delivered"),
              _("Value-added data services delivered in the period (numerator) of the "
                "data-service requests answered (denominator)."),
              "count", REQUESTS, "CD-TD Art. 20, 22", agg="num"),
    Indicator("use.vouchers", "use", _("Data services paid by innovation vouchers"),
              _("Data services delivered in the period that an innovation voucher paid for."),
              "count", REQUESTS, "CD-TD Art. 22", agg="num"),
    # Violations (QY Art. 32; CD-TD Art. 27)
    Indicator("violations.registered", "violations", _("Violations registered"),
              _("Violations entered in the violations register in the period."),
              "count", VIOLATIONS, "QY Art. 32; CD-TD Art. 27", agg="num",
              optional_source="violations"),
    Indicator("violations.rectified_on_time", "violations", _("Violations rectified on time"),
              _("Violations found in the period, rectified or past their rectification "
                "deadline: rectified on or before the deadline / all."),
              "ratio", VIOLATIONS, "QY Art. 32; CD-TD Art. 27", optional_source="violations"),
    # Stale data (LZ Art. 30; CD-PD Art. 29)
    Indicator("stale.datasets", "stale", _("Stale datasets"),
              _("Published datasets with a fixed update cycle whose last version is older than "
                "the cycle (numerator) of the datasets with a fixed cycle (denominator); "
                "counted on the day of the computation."),
              "count", "rdm_records_metadata (cdtd:update_cycle, versions)",
              "LZ Art. 30; CD-PD Art. 29", agg="num"),
)
"""Every indicator, in report order."""

BY_KEY = {i.key: i for i in INDICATORS}
"""Indicators by key."""

NOT_RECORDED = _("Not recorded by the platform yet.")
"""The note of an indicator whose source does not exist (yet)."""


def get(key):
    """The indicator ``key`` (``KeyError`` when unknown)."""
    return BY_KEY[key]


def bases():
    """The fact bases the indicators need, each once."""
    return sorted({i.fact_basis for i in INDICATORS})
