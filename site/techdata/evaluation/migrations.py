"""Set-up step of the evaluation (issue 19): indexes the tables no longer declare.

``techdata_evaluation_fact`` had an index on ``(year, basis)``, a prefix of its two
compound indexes, and ``techdata_evaluation_summary`` one on ``(year, period,
scope_kind, scope_id)``, a prefix of its unique constraint: each only slowed the
write of a year's facts and summaries. :func:`drop_redundant_indexes` drops them
where they exist (a database created before); idempotent. The catalogue is read
first, so an upgrade where they are gone takes no table lock, and a drop waits
for its table only briefly (``DROP INDEX`` would otherwise wait on any open
reader of the table).
"""

import logging

from invenio_db import db
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

logger = logging.getLogger(__name__)

REDUNDANT_INDEXES = ("ix_td_eval_fact_year_basis", "ix_td_eval_summary_lookup")
"""Indexes of earlier versions of the evaluation tables (see the module)."""


LOCK_TIMEOUT = "3s"
"""How long the drop waits for the table (an open reader holds it); then it is left for the
next upgrade."""


def drop_redundant_indexes():
    """Drop the :data:`REDUNDANT_INDEXES` that exist; returns the names dropped.

    Each drop waits at most :data:`LOCK_TIMEOUT` for its table: an index a reader
    keeps busy stays until the next upgrade (it only slows the writes), rather
    than the upgrade waiting behind the reader.
    """
    present = [name for name, in db.session.execute(
        text("SELECT indexname FROM pg_indexes WHERE indexname = ANY(:names)"),
        {"names": list(REDUNDANT_INDEXES)})]
    db.session.commit()
    dropped = []
    for name in present:
        try:
            db.session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            db.session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            db.session.commit()
            dropped.append(name)
        except OperationalError:  # lock not available: next time
            db.session.rollback()
            logger.warning("Index %s kept: its table is in use; the next upgrade drops it", name)
    return dropped
