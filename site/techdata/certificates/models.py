"""The register of issued deposit certificates (CD-TD Art. 15)."""

from datetime import datetime, timezone

from invenio_db import db


def utcnow():
    """Now in UTC, as a naive datetime (the column has no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DepositCertificate(db.Model):
    """A signed deposit certificate (汇交凭证) of a project.

    ``body`` is the certified statement exactly as signed; ``signature`` is
    the base64 Ed25519 signature of its canonical form by the platform key
    ``key_id`` (LZ Art. 38: digital signatures, tamper evidence). A row is
    never updated: a project that deposits more data gets a new certificate.
    """

    __tablename__ = "techdata_certificate"

    id = db.Column(db.String(64), primary_key=True)
    project_number = db.Column(db.String(255), nullable=False, index=True)
    body = db.Column(db.JSON, nullable=False)
    signature = db.Column(db.Text, nullable=False)
    key_id = db.Column(db.String(16), nullable=False)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    issued_by = db.Column(db.String(255), nullable=True)

    def to_document(self):
        """The signed document: what ``GET /api/certificates/{id}`` returns, minus links."""
        return {
            "id": self.id,
            "body": self.body,
            "signature": self.signature,
            "key_id": self.key_id,
            "algorithm": "Ed25519",
        }
