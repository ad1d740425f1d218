"""Set-up step of the review: the database index behind the reviewers' preview check.

:func:`techdata.review.generators.under_review` asks once a request for the parents of
every record with a submitted confidentiality review (CD-TD Art. 24): a filter on two
keys of ``request_metadata.json``, InvenioRDM's table, which has no index for them. At
100,000 datasets (200,000 requests) that query read the whole table, 230 ms, several
times a review step (the steps doubled from 10,000 to 100,000 records; issue 21). The
partial expression index :data:`OPEN_REVIEWS_INDEX` holds only the open confidentiality
reviews, so the query reads those. :func:`ensure_open_reviews_index` creates it where it
is missing (``techdata upgrade``); idempotent.
"""

from invenio_db import db
from sqlalchemy import text

OPEN_REVIEWS_INDEX = "ix_td_request_open_confidentiality"
"""Name of the partial index of the open confidentiality reviews."""

LOCK_TIMEOUT = "10s"
"""How long the creation waits for the table (a long writer holds it); then it is left
for the next upgrade."""


def ensure_open_reviews_index():
    """Create :data:`OPEN_REVIEWS_INDEX` if it is missing; returns its name when created,
    else ``None``."""
    present = db.session.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :name"),
                                 {"name": OPEN_REVIEWS_INDEX}).scalar()
    if present:
        db.session.commit()
        return None
    db.session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    db.session.execute(text(
        f"CREATE INDEX IF NOT EXISTS {OPEN_REVIEWS_INDEX} ON request_metadata "
        "((json #>> '{payload,parent}')) "  # the predicate as SQLAlchemy writes the query's
        "WHERE CAST((json ->> 'type') AS VARCHAR) = 'confidentiality-review' "
        "AND CAST((json ->> 'status') AS VARCHAR) = 'submitted'"))
    db.session.commit()
    return OPEN_REVIEWS_INDEX
