"""Tables of the evaluation: the facts behind each number and the summaries (issue 19).

``techdata_evaluation_fact``: one row per item an indicator basis looks at
(a planned dataset, a review, a request, a directory entry ...) with its
scopes (entity, department, data centre, programme), its date (``on``), its
numerator and denominator and, for durations, its working days. The
drill-down reads these rows.

``techdata_evaluation_summary``: the value of each indicator per year,
period (``""`` the whole year, ``Q1``-``Q4``, ``H1``/``H2``), scope kind and
scope id (``""`` for the city), written by :func:`techdata.evaluation.compute.recompute`
(Celery beat or "recompute now"); pages and the REST API read these.
Both tables are created by ``db.create_all`` (``invenio techdata upgrade``).
"""

from invenio_db import db
from sqlalchemy.dialects import postgresql

from ..kernel.time import utcnow as aware_utcnow


def utcnow():
    """Now in UTC, as a naive datetime (the columns have no time zone)."""
    return aware_utcnow().replace(tzinfo=None)


JSON = db.JSON().with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
"""JSON, stored as JSONB on PostgreSQL."""


class EvaluationFact(db.Model):
    """One item behind an indicator basis."""

    __tablename__ = "techdata_evaluation_fact"
    # (year, basis) lookups use either index's prefix: a third index on (year, basis)
    # only slowed the write of 300,000 facts (``migrations.REDUNDANT_INDEXES``).
    __table_args__ = (
        db.Index("ix_td_eval_fact_department", "year", "basis", "department"),
        db.Index("ix_td_eval_fact_entity", "year", "basis", "entity"),
    )

    id = db.Column(db.BigInteger, primary_key=True, autoincrement=True)
    year = db.Column(db.Integer, nullable=False)
    basis = db.Column(db.String(64), nullable=False)
    item = db.Column(db.String(128), nullable=False)
    kind = db.Column(db.String(32), nullable=False)
    label = db.Column(db.String(500), nullable=False, default="")
    on = db.Column(db.Date, nullable=False)
    entity = db.Column(db.String(200), nullable=True)
    department = db.Column(db.String(200), nullable=True)
    centre = db.Column(db.String(200), nullable=True)
    program = db.Column(db.String(200), nullable=True)
    num = db.Column(db.Float, nullable=False, default=0)
    den = db.Column(db.Float, nullable=False, default=0)
    days = db.Column(db.Float, nullable=True)
    detail = db.Column(JSON, nullable=True)


class EvaluationSummary(db.Model):
    """The value of one indicator for a year, period and scope."""

    __tablename__ = "techdata_evaluation_summary"
    # A scope's indicators are found by the unique constraint's prefix (year, period,
    # scope kind, scope id); a ranking by the second index.
    __table_args__ = (
        db.UniqueConstraint("year", "period", "scope_kind", "scope_id", "key",
                            name="uq_td_eval_summary"),
        db.Index("ix_td_eval_summary_ranking", "year", "period", "scope_kind", "key"),
    )

    id = db.Column(db.BigInteger, primary_key=True, autoincrement=True)
    year = db.Column(db.Integer, nullable=False)
    period = db.Column(db.String(8), nullable=False, default="")
    scope_kind = db.Column(db.String(16), nullable=False)
    scope_id = db.Column(db.String(200), nullable=False, default="")
    key = db.Column(db.String(64), nullable=False)
    value = db.Column(db.Float, nullable=True)
    numerator = db.Column(db.Float, nullable=True)
    denominator = db.Column(db.Float, nullable=True)
    computed_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class EvaluationRun(db.Model):
    """When a year was last computed (and how long it took)."""

    __tablename__ = "techdata_evaluation_run"

    year = db.Column(db.Integer, primary_key=True)
    computed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    seconds = db.Column(db.Float, nullable=False, default=0)
    facts = db.Column(db.Integer, nullable=False, default=0)
