"""Health report of the instance: database and search index, with counts."""

from invenio_db import db
from invenio_search import current_search_client
from invenio_search.utils import prefix_index
from sqlalchemy import text


def _db_counts():
    """Record, draft and user counts straight from PostgreSQL."""
    q = {
        # published, not deleted/withdrawn records ('P' = public)
        "records": "SELECT count(*) FROM rdm_records_metadata WHERE deletion_status = 'P'",
        # a soft-deleted row (e.g. a draft after publication) has no JSON
        "drafts": "SELECT count(*) FROM rdm_drafts_metadata WHERE json IS NOT NULL",
        "users": "SELECT count(*) FROM accounts_user",
    }
    return {k: db.session.execute(text(sql)).scalar() for k, sql in q.items()}


def _index_counts():
    """Document counts of the records and drafts indices."""
    out = {}
    for alias in ("rdmrecords-records", "rdmrecords-drafts"):
        name = prefix_index(alias)
        out[alias] = current_search_client.count(index=name)["count"]
    return out


def collect_health():
    """Return a dict of component -> status line (up/down and counts)."""
    report = {}
    try:
        report["database"] = "up " + " ".join(f"{k}={v}" for k, v in _db_counts().items())
    except Exception as exc:  # report, never raise: this is a health check
        report["database"] = f"DOWN ({exc.__class__.__name__}: {exc})"
    try:
        health = current_search_client.cluster.health()
        counts = _index_counts()
        report["search"] = f"up ({health['status']}) " + " ".join(
            f"{k}={v}" for k, v in counts.items()
        )
    except Exception as exc:
        report["search"] = f"DOWN ({exc.__class__.__name__}: {exc})"
    return report
