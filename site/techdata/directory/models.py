"""Tables of the directories: entries and the annual open plan (CD-TD Art. 19; CD-PD Art. 33)."""

from datetime import datetime, timezone

from invenio_db import db
from sqlalchemy.dialects import postgresql


def utcnow():
    """Now in UTC, as a naive datetime (the columns have no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


JSONType = db.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""JSON, stored as JSONB on PostgreSQL."""


class DirectoryEntry(db.Model):
    """One dataset in the resource directory (资源目录), and maybe the open one (开放目录).

    ``data`` is the entry dict of ``techdata.directory.fields`` (keys
    ``FIELD_KEYS``). The other columns repeat what the directories filter and
    count on, so a search or a facet count is one indexed SQL query.

    - ``source``: ``deposited`` (derived from a record published here) or
      ``catalogued`` (data held elsewhere, metadata only; CD-TD Art. 19).
    - ``in_open``: in the open directory, i.e. the confidentiality review
      passed (CD-TD Art. 24) and the opening type is 无条件开放 or 有条件开放
      (QY Art. 22) and nothing withdrew it.
    - ``changed_at``: when the entry's facts last changed (CD-PD Art. 14);
      ``last_released_at``: when a published release last carried it (set by
      the releases); ``last_checked``: the last yearly check (QY Art. 8).
    """

    __tablename__ = "techdata_directory_entry"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    entry_id = db.Column(db.String(64), nullable=False, unique=True)
    source = db.Column(db.String(16), nullable=False, index=True)
    record_pid = db.Column(db.String(64), nullable=True, index=True)
    parent_pid = db.Column(db.String(64), nullable=True, unique=True)
    category = db.Column(db.String(64), nullable=True, index=True)
    department = db.Column(db.String(128), nullable=True, index=True)
    entity = db.Column(db.String(128), nullable=True, index=True)
    opening_type = db.Column(db.String(32), nullable=True, index=True)
    update_cycle = db.Column(db.String(64), nullable=True, index=True)
    review_passed = db.Column(db.Boolean, nullable=False, default=False)
    review = db.Column(JSONType, nullable=True)
    in_open = db.Column(db.Boolean, nullable=False, default=False, index=True)
    withdrawn = db.Column(db.Boolean, nullable=False, default=False, index=True)
    data = db.Column(JSONType, nullable=False)
    search_text = db.Column(db.Text, nullable=False, default="")
    created = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    changed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_released_at = db.Column(db.DateTime, nullable=True)
    last_checked = db.Column(db.DateTime, nullable=False, default=utcnow)
    checked_by = db.Column(db.String(255), nullable=True)
    updated_by = db.Column(db.String(255), nullable=True)


class OpenPlanItem(db.Model):
    """A dataset an entity plans to open in a year (开放计划, CD-PD Art. 33).

    The dataset is an entry of the directory (``entry_id``) or, when it is not
    catalogued yet, a free ``title``. ``high_value`` marks the high-value data
    the plan puts first.
    """

    __tablename__ = "techdata_directory_plan_item"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    year = db.Column(db.Integer, nullable=False, index=True)
    entity = db.Column(db.String(128), nullable=False, index=True)
    entry_id = db.Column(db.String(64), nullable=True, index=True)
    title = db.Column(db.String(500), nullable=False, default="")
    planned_date = db.Column(db.Date, nullable=False)
    high_value = db.Column(db.Boolean, nullable=False, default=False)
    note = db.Column(db.Text, nullable=False, default="")
    created = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by = db.Column(db.String(255), nullable=True)
