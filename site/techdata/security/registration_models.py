"""What a registration gives besides the account (issue 18; LZ Art. 9, 26): name, phone,
the entity named and the role asked for there. Kept apart from the user profile, which
InvenioRDM may show to other users and index for the user search (a phone must not be)."""

from datetime import datetime, timezone

from invenio_db import db


def _utcnow():
    """Naive UTC now (the column type of the other tables)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Registration(db.Model):
    """One account's registration details, read by whoever verifies its membership."""

    __tablename__ = "techdata_registration"

    user_id = db.Column(db.Integer, db.ForeignKey("accounts_user.id", ondelete="CASCADE"),
                        primary_key=True)
    full_name = db.Column(db.String(255), nullable=False)
    phone = db.Column(db.String(32), nullable=False)
    entity_id = db.Column(db.String(64), nullable=True)
    role = db.Column(db.String(32), nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_utcnow)
