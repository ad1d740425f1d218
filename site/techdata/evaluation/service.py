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
from invenio_communities.communities.records.models import CommunityMetadata
from invenio_communities.communities.records.systemfields.deletion_status import (
    CommunityDeletionStatusEnum,
)
from invenio_db import db
from sqlalchemy import func

from ..kernel.errors import DomainError, forbidden
from ..kernel.i18n import _, bilingual, in_languages
from ..kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, PROGRAM, scopes_of
from ..kernel.services import DomainService
from ..kernel.time import today
from . import compute
from .config import ITEMS_PAGE, PERIODS, SCOPE_KINDS
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

    def scope_ids(self, identity, years, kinds):
        """``{kind: [id]}``: the scopes of each of ``kinds`` computed in any of ``years``
        that ``identity`` may read (the page's filters), read with one query."""
        years = sorted({self.check_year(y) for y in years})
        kinds = [self.check_scope(kind, "-")[0] for kind in kinds]
        if not self.may_evaluate(identity):
            raise forbidden()  # before anything is computed: a refused read stores nothing
        for year in years:
            self.ensure(year)
        found = {kind: set() for kind in kinds}
        if years and kinds:
            rows = db.session.query(EvaluationSummary.scope_kind,
                                    EvaluationSummary.scope_id).filter(
                EvaluationSummary.year.in_(years), EvaluationSummary.period == "",
                EvaluationSummary.scope_kind.in_(sorted(set(kinds)))).distinct()
            for kind, scope_id in rows:
                found[kind].add(scope_id)
        reads_all = self.reads_all(identity)
        out = {}
        for kind, ids in found.items():
            if kind == "city":
                out[kind] = [""] if reads_all else []
                continue
            visible = None if reads_all else self.visible(identity, kind)
            out[kind] = sorted(i for i in ids if visible is None or i in visible)
        return out

    @staticmethod
    def centre_titles(slugs):
        """``{slug: title}`` of the data centres (communities) ``slugs``, read with one
        query; a centre gone since (deleted) has none (the pages show its slug)."""
        rows = db.session.query(CommunityMetadata.slug, CommunityMetadata.json).filter(
            CommunityMetadata.slug.in_(sorted(set(slugs))),
            CommunityMetadata.deletion_status == CommunityDeletionStatusEnum.PUBLISHED)
        return {slug: ((data or {}).get("metadata") or {}).get("title") for slug, data in rows}

    # Reading
    # -------

    def ensure(self, year, on=None):
        """Compute ``year`` once if it never was (a page reading an uncomputed year)."""
        if db.session.get(EvaluationRun, year) is None:
            compute.recompute(year, on=on)

    @staticmethod
    def recorded(indicator):
        """True when ``indicator`` is counted here (its optional source is installed)."""
        return indicator.recorded and compute.source_available(indicator.optional_source)

    @staticmethod
    def values(indicator, summary, recorded):
        """``(value, numerator, denominator)`` of ``indicator`` from its ``summary`` row (or
        None: nothing counted), ``recorded`` as :meth:`recorded` says."""
        if not recorded:
            return None, None, None
        if summary is not None:
            return summary.value, summary.numerator, summary.denominator
        if indicator.agg in ("num", "den"):
            return 0, 0, 0
        return None, 0, 0

    @classmethod
    def describe(cls, indicator, summary=None):
        """The dict of one indicator and its value (``summary`` row or None)."""
        recorded = cls.recorded(indicator)
        value, numerator, denominator = cls.values(indicator, summary, recorded)
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
        return self.trends(identity, [key], years, period, scope_kind, scope_id)[key]

    def trends(self, identity, keys, years, period=None, scope_kind="city", scope_id=None):
        """``{key: [{"year", "value", "numerator", "denominator"}]}`` of every indicator of
        ``keys`` over ``years``, read with one query (a page's trend lines: ~100 points).

        A year never computed has nothing counted (no computation here).
        """
        indicators = [self.check_key(key) for key in keys]
        years = [self.check_year(y) for y in years]
        period = self.check_period(period)
        kind, scope_id = self.check_scope(scope_kind, scope_id)
        self.require_scope(identity, kind, scope_id)
        found = {}
        if indicators and years:
            rows = db.session.query(
                EvaluationSummary.year, EvaluationSummary.key, EvaluationSummary.value,
                EvaluationSummary.numerator, EvaluationSummary.denominator).filter(
                EvaluationSummary.year.in_(sorted(set(years))),
                EvaluationSummary.period == period, EvaluationSummary.scope_kind == kind,
                EvaluationSummary.scope_id == scope_id,
                EvaluationSummary.key.in_(sorted({i.key for i in indicators})))
            found = {(row.year, row.key): row for row in rows}
        out = {}
        for indicator in indicators:
            recorded = self.recorded(indicator)
            points = []
            for year in years:
                value, num, den = self.values(indicator, found.get((year, indicator.key)),
                                              recorded)
                points.append({"year": year, "value": value, "numerator": num,
                               "denominator": den})
            out[indicator.key] = points
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

    def _items_query(self, identity, key, year, period, scope_kind, scope_id, subset):
        """The query of the facts behind ``key``'s number (checked input and scope)."""
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
        return query

    @staticmethod
    def _item_rows(query, offset, limit):
        """Rows of an items query, oldest first, as dicts."""
        rows = query.order_by(EvaluationFact.on, EvaluationFact.item).offset(offset).limit(limit)
        return [{"on": r[0].isoformat(), **dict(zip(FACT_FIELDS, r[1:]))} for r in rows]

    def items(self, identity, key, year, period=None, scope_kind="city", scope_id=None,
              subset=None, limit=None):
        """The items behind ``key``'s number (projects, requests, entries ...), oldest first.

        ``subset``: None (all), ``numerator`` (those counted), ``rest`` (the
        others: for an on-time ratio, the late ones).
        """
        query = self._items_query(identity, key, year, period, scope_kind, scope_id, subset)
        limit = limit or current_app.config.get("TECHDATA_EVALUATION_ITEMS_MAX", 5000)
        return self._item_rows(query, 0, limit)

    def items_page(self, identity, key, year, period=None, scope_kind="city", scope_id=None,
                   subset=None, page=1, size=None):
        """One page of :meth:`items`: ``{"items", "total", "page", "pages", "size"}``.

        ``page`` from 1 (a 400 naming ``page`` otherwise; past the last: the last);
        ``size`` items a page (default ``TECHDATA_EVALUATION_ITEMS_PAGE``).
        """
        try:
            page = int(page)
        except (TypeError, ValueError):
            page = 0
        if not 1 <= page <= 100000:
            raise bad_param("page", _("Must be a page number from 1."))
        size = size or int(current_app.config.get("TECHDATA_EVALUATION_ITEMS_PAGE",
                                                  ITEMS_PAGE))
        query = self._items_query(identity, key, year, period, scope_kind, scope_id, subset)
        total = query.order_by(None).count()
        pages = max(1, -(-total // size))
        page = min(page, pages)
        return {"items": self._item_rows(query, (page - 1) * size, size), "total": total,
                "page": page, "pages": pages, "size": size}

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
