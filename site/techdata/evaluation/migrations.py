"""Set-up step of the evaluation (issue 19): indexes the tables no longer declare.

``techdata_evaluation_fact`` had an index on ``(year, basis)``, a prefix of its two
compound indexes, and ``techdata_evaluation_summary`` one on ``(year, period,
scope_kind, scope_id)``, a prefix of its unique constraint: each only slowed the
write of a year's facts and summaries. :func:`drop_redundant_indexes` drops them
where they exist (a database created before); idempotent. The catalogue is read
first, so an upgrade where they are gone takes no table lock (``DROP INDEX``
would wait on any open reader of the table).
"""

from invenio_db import db
from sqlalchemy import text

REDUNDANT_INDEXES = ("ix_td_eval_fact_year_basis", "ix_td_eval_summary_lookup")
"""Indexes of earlier versions of the evaluation tables (see the module)."""


def drop_redundant_indexes():
    """Drop the :data:`REDUNDANT_INDEXES` that exist; returns their names."""
    present = [name for name, in db.session.execute(
        text("SELECT indexname FROM pg_indexes WHERE indexname = ANY(:names)"),
        {"names": list(REDUNDANT_INDEXES)})]
    for name in present:
        db.session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    db.session.commit()
    return present
