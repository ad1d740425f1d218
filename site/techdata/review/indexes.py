"""Set-up step of the review path: database indexes its look-ups need at scale (issue 21).

Measured at 100,000 datasets (200,000 requests) on 2 Dec 2026, each of these read a
whole table, several times a review step (the steps doubled from 10,000 to 100,000):

* :func:`techdata.review.generators.under_review` asks once a request for the parents
  of every record with a submitted confidentiality review (CD-TD Art. 24): two keys of
  ``request_metadata.json``, InvenioRDM's table, with no index for them (230 ms);
* the acceptance gate and the directory look up a record's passed confidentiality
  review by its parent (the same table, 56-86 ms);
* InvenioRDM's versions of a record and of a draft are read by ``parent_id``, which its
  tables do not index (36-66 ms).

:data:`INDEXES` holds one index for each (partial and on expressions where the query
filters JSON, written as SQLAlchemy writes the queries, so the planner matches them);
:func:`ensure_indexes` creates the missing ones (``techdata upgrade``); idempotent.
"""

from invenio_db import db
from sqlalchemy import text

OPEN_REVIEWS_INDEX = "ix_td_request_open_confidentiality"
"""Name of the partial index of the open confidentiality reviews."""

_PARENT = "(CAST((json #>> '{payload,parent}') AS VARCHAR))"
_CONFIDENTIALITY = "CAST((json ->> 'type') AS VARCHAR) = 'confidentiality-review'"

INDEXES = {
    OPEN_REVIEWS_INDEX:
        f"ON request_metadata ((json #>> '{{payload,parent}}')) WHERE {_CONFIDENTIALITY} "
        "AND CAST((json ->> 'status') AS VARCHAR) = 'submitted'",
    "ix_td_request_confidentiality_parent":
        f"ON request_metadata ({_PARENT}) WHERE {_CONFIDENTIALITY}",
    "ix_td_rdm_records_parent": "ON rdm_records_metadata (parent_id)",
    "ix_td_rdm_drafts_parent": "ON rdm_drafts_metadata (parent_id)",
}
"""Index name -> the rest of its ``CREATE INDEX`` statement."""

LOCK_TIMEOUT = "10s"
"""How long a creation waits for its table (a long writer holds it); then it is left for
the next upgrade."""


def ensure_indexes():
    """Create the :data:`INDEXES` that are missing; returns the names created."""
    present = {name for name, in db.session.execute(
        text("SELECT indexname FROM pg_indexes WHERE indexname = ANY(:names)"),
        {"names": list(INDEXES)})}
    db.session.commit()
    created = []
    for name, rest in INDEXES.items():
        if name in present:
            continue
        db.session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        db.session.execute(text(f"CREATE INDEX IF NOT EXISTS {name} {rest}"))
        db.session.commit()
        created.append(name)
    return created
