"""Tables of directory releases and their entries (CD-TD Art. 7, 11).

A published release is immutable twice over: the service refuses any change,
and PostgreSQL triggers (created with the tables) reject an UPDATE or DELETE
of a published release and any INSERT, UPDATE or DELETE of its items, so not
even a direct SQL statement can rewrite what the bureau published.
"""

from datetime import datetime, timezone

from invenio_db import db
from sqlalchemy import DDL, event

STATUSES = ("draft", "in_review", "approved", "published")
"""Life of a release: draft → in_review → approved (review passed) → published;
a failed review returns it to draft."""

AUDIENCES = ("open", "resource")
"""The directory a release is cut from (open: everyone; resource: government roles)."""


def utcnow():
    """Now in UTC, as a naive datetime (the columns have no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class OpenDirectoryRelease(db.Model):
    """One release of a directory: a numbered, dated snapshot of its entries.

    ``number`` is given at publication: one more than the highest published
    number of the audience, so numbers run 1, 2, 3… and, since a published
    release can be neither changed nor deleted, are never reused. Drafts have
    no number; at most one unpublished release exists per audience.
    ``digest`` is the SHA-256 over the released content (see :mod:`.digest`);
    ``reviewed_digest`` is the digest the confidentiality reviewer passed.
    """

    __tablename__ = "techdata_directory_release"
    __table_args__ = (
        db.UniqueConstraint("audience", "number", name="uq_techdata_directory_release_number"),
        db.Index("uq_techdata_directory_release_one_draft", "audience", unique=True,
                 postgresql_where=db.text("status <> 'published'")),
        db.CheckConstraint("status IN ('draft', 'in_review', 'approved', 'published')",
                           name="ck_techdata_directory_release_status"),
        db.CheckConstraint("status <> 'published' OR number IS NOT NULL",
                           name="ck_techdata_directory_release_numbered"),
    )

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    audience = db.Column(db.String(16), nullable=False, default="open")
    number = db.Column(db.Integer, nullable=True)
    status = db.Column(db.String(16), nullable=False, default="draft")
    created_by = db.Column(db.String(255), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_by = db.Column(db.String(255), nullable=True)
    submitted_at = db.Column(db.DateTime, nullable=True)
    reviewed_by = db.Column(db.String(255), nullable=True)
    reviewed_at = db.Column(db.DateTime, nullable=True)
    review_passed = db.Column(db.Boolean, nullable=True)
    review_checklist = db.Column(db.JSON, nullable=True)
    review_reasons = db.Column(db.Text, nullable=True)
    reviewed_digest = db.Column(db.String(64), nullable=True)
    published_by = db.Column(db.String(255), nullable=True)
    published_at = db.Column(db.DateTime, nullable=True)
    entry_count = db.Column(db.Integer, nullable=False, default=0)
    digest = db.Column(db.String(64), nullable=True)

    @property
    def issued(self):
        """The release date (ISO), or ``None`` before publication."""
        return self.published_at.date().isoformat() if self.published_at else None


class OpenDirectoryReleaseItem(db.Model):
    """One entry of a release: the entry dict as released and its content hash."""

    __tablename__ = "techdata_directory_release_item"
    __table_args__ = (
        db.UniqueConstraint("release_id", "entry_id", name="uq_techdata_directory_release_item"),
    )

    id = db.Column(db.BigInteger, primary_key=True, autoincrement=True)
    release_id = db.Column(db.Integer, db.ForeignKey(OpenDirectoryRelease.id), nullable=False)
    entry_id = db.Column(db.String(255), nullable=False)
    data = db.Column(db.JSON, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)


class OpenDirectoryReleaseErratum(db.Model):
    """An erratum of a published release: what is wrong, and the corrected re-issue.

    A published release cannot change (CD-TD Art. 7, 11), so a mistake found
    later (issue 14: release no. 1 lists download URLs that do not work) is
    stated next to it: a Chinese (and English) note and, once published, the
    number of the later release that corrects it. The original is kept as
    published; errata are only ever added (a trigger refuses UPDATE and
    DELETE).
    """

    __tablename__ = "techdata_directory_release_erratum"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    release_id = db.Column(db.Integer, db.ForeignKey(OpenDirectoryRelease.id), nullable=False,
                           index=True)
    note_zh = db.Column(db.Text, nullable=False)
    note_en = db.Column(db.Text, nullable=True)
    corrected_by = db.Column(db.Integer, nullable=True)
    created_by = db.Column(db.String(255), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


def _immutability_guard(table, events, refused, message, declare="", prelude=""):
    """DDL of a trigger refusing ``events`` on ``table`` when ``refused`` holds.

    ``refused`` is a PL/pgSQL condition, ``message`` the RAISE arguments
    (``%%`` for a placeholder), ``declare``/``prelude`` the function's
    variables and first statements; the function is ``<table>_guard`` and
    the trigger ``<table>_immutable`` (CD-TD Art. 7, 11).
    """
    return DDL(f"""
CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
{declare}BEGIN
  -- CD-TD Art. 7, 11: a published directory release and its entries are fixed
  {prelude}
  IF {refused} THEN
    RAISE EXCEPTION {message}
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_immutable
  BEFORE {events} ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_guard();
""")


RELEASE_GUARD = _immutability_guard(
    "techdata_directory_release", "UPDATE OR DELETE",
    "OLD.status = 'published'",
    "'directory release %% (%%) is published and immutable', OLD.number, OLD.audience")
"""Trigger: UPDATE/DELETE of a published release fails (CD-TD Art. 7)."""

ITEM_GUARD = _immutability_guard(
    "techdata_directory_release_item", "INSERT OR UPDATE OR DELETE",
    """EXISTS (SELECT 1 FROM techdata_directory_release r
             WHERE r.id = rid AND r.status = 'published')
     OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM techdata_directory_release r
             WHERE r.id = NEW.release_id AND r.status = 'published'))""",
    "'entries of published directory release %% are immutable', rid",
    declare="DECLARE rid integer;\n",
    prelude="IF TG_OP = 'INSERT' THEN rid := NEW.release_id; ELSE rid := OLD.release_id; END IF;")
"""Trigger: any change to the items of a published release fails (CD-TD Art. 7)."""

ERRATUM_GUARD = _immutability_guard(
    "techdata_directory_release_erratum", "UPDATE OR DELETE", "TRUE",
    "'errata of directory releases are only added (%%)', TG_OP")
"""Trigger: an erratum, once stated, stays as it is (CD-TD Art. 7)."""

event.listen(OpenDirectoryReleaseErratum.__table__, "after_create",
             ERRATUM_GUARD.execute_if(dialect="postgresql"))
event.listen(OpenDirectoryRelease.__table__, "after_create",
             RELEASE_GUARD.execute_if(dialect="postgresql"))
event.listen(OpenDirectoryReleaseItem.__table__, "after_create",
             ITEM_GUARD.execute_if(dialect="postgresql"))
