"""Tables of the audit feature: the register of violations and the signed daily digests.

- :class:`Violation`: one finding of the register of violations and
  rectification (CD-TD Art. 27; CD-PD Art. 46; QY Art. 32): against which
  entity (and project), under which rule, found when, the rectification
  deadline in working days, its follow-up and its closing. A finding is
  never deleted (a trigger refuses DELETE): the register is evidence.
- :class:`AuditDigest`: the daily digest of the trail's hash chain (last
  position and hash, entry count, date), signed with the platform's Ed25519
  key (LZ Art. 38). Digests are only added (a trigger refuses UPDATE and
  DELETE).
"""

from datetime import datetime, timezone

from invenio_db import db

from ..kernel.audit_chain import append_only

VIOLATION_STATUSES = ("open", "rectified")
"""Life of a finding: open (rectification running) → rectified (closed by the bureau)."""


def utcnow():
    """Now in UTC, as a naive datetime (the columns have no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Violation(db.Model):
    """A finding of the register of violations and rectification (CD-TD Art. 27)."""

    __tablename__ = "techdata_audit_violation"
    __table_args__ = (
        db.CheckConstraint("status IN ('open', 'rectified')",
                           name="ck_techdata_audit_violation_status"),
        db.CheckConstraint("status <> 'rectified' OR rectified_on IS NOT NULL",
                           name="ck_techdata_audit_violation_rectified"),
        db.Index("ix_techdata_audit_violation_found", "found_on"),
    )

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    entity = db.Column(db.String(255), nullable=False, index=True)
    project = db.Column(db.String(255), nullable=True, index=True)
    kind = db.Column(db.String(32), nullable=False)
    article = db.Column(db.String(64), nullable=False)
    found_on = db.Column(db.Date, nullable=False)
    description = db.Column(db.Text, nullable=False)
    rectify_days = db.Column(db.Integer, nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open")
    rectified_on = db.Column(db.Date, nullable=True)
    rectification = db.Column(db.Text, nullable=True)
    follow_up = db.Column(db.JSON, nullable=False, default=list)
    registered_by = db.Column(db.Integer, nullable=True)
    registered_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    closed_by = db.Column(db.Integer, nullable=True)
    closed_at = db.Column(db.DateTime, nullable=True)

    @property
    def on_time(self):
        """Whether the finding was rectified by its deadline (``None`` while open)."""
        if self.rectified_on is None:
            return None
        return self.rectified_on <= self.due_on


class AuditDigest(db.Model):
    """A signed daily digest of the audit chain (LZ Art. 38)."""

    __tablename__ = "techdata_audit_digest"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    position = db.Column(db.BigInteger, nullable=False)
    last_hash = db.Column(db.String(64), nullable=False)
    count = db.Column(db.BigInteger, nullable=False)
    body = db.Column(db.Text, nullable=False)
    signature = db.Column(db.String(128), nullable=False)
    key_id = db.Column(db.String(64), nullable=False)
    created = db.Column(db.DateTime, nullable=False, default=utcnow)


# Triggers (the kernel's one guard function): no finding is deleted (follow-up and
# closing update it); no digest is changed or deleted.
append_only(Violation.__table__, update="allowed", article="CD-TD Art. 27; LZ Art. 38",
            trigger="techdata_audit_violation_kept")
append_only(AuditDigest.__table__, article="CD-TD Art. 27; LZ Art. 38",
            trigger="techdata_audit_digest_kept")
