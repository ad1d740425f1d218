"""``EvaluationService``: the indicators, per year, period and scope (issue 19).

Reads the summaries (``models.EvaluationSummary``) that :mod:`.compute`
writes (nightly by Celery, or "recompute now"); a year never computed is
computed on its first reading. The drill-down reads the facts behind a number.

Who reads what (CD-TD Art. 8, 26): the bureau, administrators and auditors
every scope, the city included (``can_read_all``); a department's
administrators their department and its entities; an entity's data
administrators their entity; a programme's managers their programme (scope
needs of ``techdata.kernel.scopes``). Anyone else gets 401/403.
"""

import calendar
from datetime import date

from flask import current_app
from invenio_db import db
from sqlalchemy import func

from ..kernel.errors import DomainError, forbidden
from ..kernel.i18n import _, bilingual, in_languages
from ..kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, PROGRAM, scopes_of
from ..kernel.services import DomainService
from ..kernel.time import today
from . import compute
from .config import PERIODS, SCOPE_KINDS
from .indicators import BY_KEY, GROUP_NAMES, INDICATORS, NOT_RECORDED
from .models import EvaluationFact, EvaluationRun, EvaluationSummary

SUBSETS = (None, "numerator", "rest")
"""Drill-down subsets: every item, those counted in the numerator, the others
(for an on-time ratio: the late ones)."""

FACT_FIELDS = ("item", "kind", "label", "entity", "department", "centre", "program",
               "num", "den", "days", "detail")
"""Fields of a drill-down item (and ``on``, ISO)."""


def bad_param(field, message):
    """The bilingual 400 naming the query parameter ``field``."""
    return DomainError(400, _("Invalid query parameter."), errors=[
        {"field": field, "messages": [bilingual(message)]}])


def period_range(year, period):
    """``(first, last)`` dates of ``period`` (``""``, ``Q1``-``Q4``, ``H1``, ``H2``) of ``year``."""
    if not period:
        return date(year, 1, 1), date(year, 12, 31)
    months = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12),
              "H1": (1, 6), "H2": (7, 12)}[period]
    last_day = calendar.monthrange(year, months[1])[1]
    return date(year, months[0], 1), date(year, months[1], last_day)


class EvaluationService(DomainService):
    """Indicators, series, rankings, drill-down and recomputation."""

    # Input
    # -----

    @staticmethod
    def check_year(year):
        """``year`` as an int within 2000..2100 (400 naming ``year``)."""
        try:
            value = int(year)
        except (TypeError, ValueError):
            value = None
        if value is None or not 2000 <= value <= 2100:
            raise bad_param("year", _("Must be a year from 2000 to 2100."))
        return value

    @staticmethod
    def check_period(period):
        """``period`` (``""`` or None: the whole year) or a 400 naming ``period``."""
        period = (period or "").strip().upper()
        if period not in PERIODS:
            raise bad_param("period", _("Must be Q1, Q2, Q3, Q4, H1 or H2 (empty: the year)."))
        return period

    @staticmethod
    def check_scope(scope_kind, scope_id):
        """``(kind, id)``; a 400 naming ``scope`` or ``id`` when bad."""
        kind = (scope_kind or "city").strip().lower()
        if kind not in SCOPE_KINDS:
            raise bad_param("scope", _("Must be city, department, entity, centre or program."))
        scope_id = (scope_id or "").strip()
        if kind == "city":
            return kind, ""
        if not scope_id or len(scope_id) > 200:
            raise bad_param("id", _("Name the department, entity, centre or program (its id)."))
        return kind, scope_id

    @staticmethod
    def check_key(key):
        """The indicator of ``key`` or a 400 naming ``key``."""
        if key not in BY_KEY:
            raise bad_param("key", _("No such indicator."))
        return BY_KEY[key]

    # Permission
    # ----------

    def reads_all(self, identity):
        """True when ``identity`` reads every scope (bureau, administrator, auditor)."""
        return self.can(identity, "read_all")

    def visible(self, identity, scope_kind):
        """The ``scope_kind`` ids ``identity`` may read, or None for every one."""
        if self.reads_all(identity):
            return None
        if scope_kind == DEPARTMENT:
            return scopes_of(identity, DEPARTMENT)
        if scope_kind == PROGRAM:
            return scopes_of(identity, PROGRAM)
        if scope_kind == ENTITY:
            departments = scopes_of(identity, DEPARTMENT)
            return scopes_of(identity, ENTITY, DATA_ADMIN) | (
                self._entities_of(departments) if departments else set())
        return set()

    def allowed(self, identity, scope_kind, scope_id):
        """True when ``identity`` may read the ``scope_kind`` scope ``scope_id``."""
        if self.reads_all(identity):
            return True
        if scope_kind == DEPARTMENT:
            return scope_id in scopes_of(identity, DEPARTMENT)
        if scope_kind == PROGRAM:
            return scope_id in scopes_of(identity, PROGRAM)
        if scope_kind == ENTITY:
            if scope_id in scopes_of(identity, ENTITY, DATA_ADMIN):
                return True
            departments = scopes_of(identity, DEPARTMENT)
            return bool(departments) and scope_id in self._entities_of(departments)
        return False

    @staticmethod
    def _entities_of(departments):
        """Entities the facts place in one of ``departments``."""
        rows = db.session.query(EvaluationFact.entity).filter(
            EvaluationFact.department.in_(sorted(departments)),
            EvaluationFact.entity.isnot(None)).distinct()
        return {r[0] for r in rows}

    def require_scope(self, identity, scope_kind, scope_id):
        """Refuse (401/403, bilingual) unless ``identity`` may read the scope."""
        if not self.allowed(identity, scope_kind, scope_id):
            raise forbidden()

    def may_evaluate(self, identity):
        """True when ``identity`` reads some scope (the evaluation menu entry)."""
        return bool(self.reads_all(identity) or scopes_of(identity, DEPARTMENT)
                    or scopes_of(identity, PROGRAM) or scopes_of(identity, ENTITY, DATA_ADMIN))

    def default_scope(self, identity):
        """``(kind, id)`` a reader starts with: the city, else one of their scopes."""
        if self.reads_all(identity):
            return "city", ""
        for kind, roles in ((DEPARTMENT, ()), (ENTITY, (DATA_ADMIN,)), (PROGRAM, ())):
            ids = sorted(scopes_of(identity, kind, *roles))
            if ids:
                return kind, ids[0]
        raise forbidden()

    def scopes(self, identity, year, scope_kind):
        """Ids of the ``scope_kind`` scopes of ``year`` that ``identity`` may read (filters)."""
        year = self.check_year(year)
        kind, _id = self.check_scope(scope_kind, "-")
        if kind == "city":
            return [""] if self.reads_all(identity) else []
        if not self.may_evaluate(identity):
            raise forbidden()  # before anything is computed: a refused read stores nothing
        self.ensure(year)
        ids = [r[0] for r in db.session.query(EvaluationSummary.scope_id).filter_by(
            year=year, period="", scope_kind=kind).distinct().order_by(EvaluationSummary.scope_id)]
        visible = self.visible(identity, kind)
        return [i for i in ids if visible is None or i in visible]

    # Reading
    # -------

    def ensure(self, year, on=None):
        """Compute ``year`` once if it never was (a page reading an uncomputed year)."""
        if db.session.get(EvaluationRun, year) is None:
            compute.recompute(year, on=on)

    @staticmethod
    def describe(indicator, summary=None):
        """The dict of one indicator and its value (``summary`` row or None)."""
        recorded = indicator.recorded and compute.source_available(indicator.optional_source)
        if not recorded:
            value = numerator = denominator = None
        elif summary is not None:
            value, numerator, denominator = summary.value, summary.numerator, summary.denominator
        elif indicator.agg in ("num", "den"):
            value, numerator, denominator = 0, 0, 0
        else:
            value, numerator, denominator = None, 0, 0
        return {
            "key": indicator.key, "group": indicator.group,
            "group_name": str(GROUP_NAMES[indicator.group]),
            "name": str(indicator.name), "names": in_languages(indicator.name),
            "formula": str(indicator.formula), "unit": indicator.unit,
            "source": indicator.source, "article": indicator.articles,
            "value": value, "numerator": numerator, "denominator": denominator,
            "recorded": recorded,
            "note": None if recorded else str(indicator.note or NOT_RECORDED),
        }

    def indicators(self, identity, year, period=None, scope_kind="city", scope_id=None):
        """Every indicator of ``year`` (and ``period``) for one scope, in report order."""
        year, period = self.check_year(year), self.check_period(period)
        kind, scope_id = self.check_scope(scope_kind, scope_id)
        self.require_scope(identity, kind, scope_id)
        self.ensure(year)
        rows = {s.key: s for s in EvaluationSummary.query.filter_by(
            year=year, period=period, scope_kind=kind, scope_id=scope_id)}
        return [self.describe(i, rows.get(i.key)) for i in INDICATORS]

    def computed_at(self, year):
        """When ``year`` was last computed (naive UTC) and its fact count, or None."""
        run = db.session.get(EvaluationRun, self.check_year(year))
        return None if run is None else {"computed_at": run.computed_at.isoformat(),
                                         "seconds": run.seconds, "facts": run.facts}

    def series(self, identity, key, years, period=None, scope_kind="city", scope_id=None):
        """``[{"year", "value", "numerator", "denominator"}]`` of ``key`` over ``years``."""
        indicator = self.check_key(key)
        years = [self.check_year(y) for y in years]
        period = self.check_period(period)
        kind, scope_id = self.check_scope(scope_kind, scope_id)
        self.require_scope(identity, kind, scope_id)
        out = []
        for year in years:  # a year never computed has nothing counted (no computation here)
            summary = EvaluationSummary.query.filter_by(
                year=year, period=period, scope_kind=kind, scope_id=scope_id,
                key=key).one_or_none()
            row = self.describe(indicator, summary)
            out.append({"year": year, "value": row["value"], "numerator": row["numerator"],
                        "denominator": row["denominator"]})
        return out

    def ranking(self, identity, key, year, scope_kind, period=None):
        """The ``scope_kind`` scopes ranked by ``key`` (highest first; empty values last).

        Only the scopes ``identity`` may read are listed.
        """
        indicator = self.check_key(key)
        year, period = self.check_year(year), self.check_period(period)
        kind, _id = self.check_scope(scope_kind, "-")
        if not self.may_evaluate(identity):
            raise forbidden()
        if kind == "city":
            raise bad_param("scope", _("Rank departments, entities, centres or programs."))
        self.ensure(year)
        rows = db.session.query(
            EvaluationSummary.scope_id, EvaluationSummary.value, EvaluationSummary.numerator,
            EvaluationSummary.denominator).filter_by(year=year, period=period,
                                                     scope_kind=kind, key=key)
        visible = self.visible(identity, kind)
        out = [{"scope_id": sid, "value": value, "numerator": num, "denominator": den}
               for sid, value, num, den in rows
               if indicator.recorded and (visible is None or sid in visible)]
        out.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["scope_id"]))
        for rank, row in enumerate(out, 1):
            row["rank"] = rank
        return out

    def items(self, identity, key, year, period=None, scope_kind="city", scope_id=None,
              subset=None, limit=None):
        """The items behind ``key``'s number (projects, requests, entries ...), oldest first.

        ``subset``: None (all), ``numerator`` (those counted), ``rest`` (the
        others: for an on-time ratio, the late ones).
        """
        indicator = self.check_key(key)
        year, period = self.check_year(year), self.check_period(period)
        kind, scope_id = self.check_scope(scope_kind, scope_id)
        if subset not in SUBSETS:
            raise bad_param("subset", _("Must be numerator or rest (empty: all)."))
        self.require_scope(identity, kind, scope_id)
        self.ensure(year)
        first, last = period_range(year, period)
        basis = indicator.fact_basis
        bases = [basis]
        if basis.endswith(".*"):  # the concrete bases it gathers (an index lookup each)
            bases = sorted({i.fact_basis for i in INDICATORS
                            if i.fact_basis.startswith(basis[:-1]) and i.fact_basis != basis})
        columns = [getattr(EvaluationFact, f) for f in ("on", *FACT_FIELDS)]
        query = db.session.query(*columns).filter(
            EvaluationFact.year == year, EvaluationFact.basis.in_(bases))
        if basis not in compute.SNAPSHOT_BASES:
            query = query.filter(EvaluationFact.on >= first, EvaluationFact.on <= last)
        if kind != "city":
            query = query.filter(getattr(EvaluationFact, kind) == scope_id)
        if indicator.agg in ("median", "p90"):
            query = query.filter(EvaluationFact.days.isnot(None))
        if subset == "numerator":
            query = query.filter(EvaluationFact.num > 0)
        elif subset == "rest":
            query = query.filter(EvaluationFact.den > 0, EvaluationFact.num <= 0)
        limit = limit or current_app.config.get("TECHDATA_EVALUATION_ITEMS_MAX", 5000)
        rows = query.order_by(EvaluationFact.on, EvaluationFact.item).limit(limit)
        return [{"on": r[0].isoformat(), **dict(zip(FACT_FIELDS, r[1:]))} for r in rows]

    def stale_datasets(self, identity):
        """Stale datasets (LZ Art. 30; CD-PD Art. 29) ``identity`` answers for.

        The bureau, administrators and auditors: all; department and entity
        administrators: their scope's; a depositor: the datasets they own.
        Read from the latest computation of the current year.
        """
        if not getattr(identity, "id", None) and not self.reads_all(identity):
            raise forbidden()
        year = today().year
        if self.may_evaluate(identity):
            self.ensure(year)  # a depositor reads the last computation, never starts one
        query = EvaluationFact.query.filter(
            EvaluationFact.year == year, EvaluationFact.basis == "stale.datasets",
            EvaluationFact.num > 0).order_by(EvaluationFact.on, EvaluationFact.item)
        if not self.reads_all(identity):
            entities = scopes_of(identity, ENTITY, DATA_ADMIN)
            departments = scopes_of(identity, DEPARTMENT)
            uid = str(identity.id)
            query = [r for r in query
                     if r.entity in entities or r.department in departments
                     or uid in ((r.detail or {}).get("owners") or [])]
        return [{"on": r.on.isoformat(), **{f: getattr(r, f) for f in FACT_FIELDS}}
                for r in query]

    # Computing
    # ---------

    def recompute(self, identity, year=None, on=None):
        """Recompute the summaries of ``year`` (default: this year and the last); admins only."""
        self.require(identity, "recompute")
        if year is None:
            this = (on or today()).year
            back = int(current_app.config.get("TECHDATA_EVALUATION_YEARS_BACK", 1))
            years = list(range(this - back, this + 1))
        else:
            years = [self.check_year(year)]
        return [compute.recompute(y, on=on) for y in years]

    @staticmethod
    def fact_count(year):
        """How many facts ``year`` has (tests, bench)."""
        return db.session.query(func.count(EvaluationFact.id)).filter_by(year=year).scalar()
