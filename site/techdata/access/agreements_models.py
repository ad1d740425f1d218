"""The table of data-use agreements (数据利用协议), one row per dataset and version."""

from invenio_db import db

from ..kernel.time import utcnow


def naive_utcnow():
    """Now in UTC, as a naive datetime (the column has no time zone)."""
    return utcnow().replace(tzinfo=None)


class DataUseAgreement(db.Model):
    """One version of a dataset's data-use agreement (QY Art. 24; CD-PD Art. 30).

    Rows are never updated: a provider changing the text adds a version, so
    the text an applicant accepted (its SHA-256 is in the request payload)
    can always be shown again.
    """

    __tablename__ = "techdata_access_agreement"
    __table_args__ = (db.UniqueConstraint("parent_id", "version"),)

    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.String(64), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    text_zh = db.Column(db.Text, nullable=False)
    text_en = db.Column(db.Text, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=naive_utcnow)
    created_by = db.Column(db.String(64), nullable=True)
