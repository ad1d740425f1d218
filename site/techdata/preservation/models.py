"""The second, independent checksum of every stored file (CD-TD Art. 25)."""

from datetime import datetime, timezone

from invenio_db import db
from invenio_files_rest.models import FileInstance
from sqlalchemy_utils.types import UUIDType


def _utcnow():
    """Now in UTC, naive (the column has no time zone, as InvenioRDM's)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class FileSha256(db.Model):
    """The SHA-256 of a file instance, recorded when its upload was committed.

    InvenioRDM keeps an MD5 (``files_files.checksum``); this row is a second
    digest of the same bytes computed by another algorithm, so a file that
    matches one and not the other is found damaged or tampered with. File
    instances never change (a new version of a file is a new instance), so the
    row is written once; it goes with its file instance.
    """

    __tablename__ = "techdata_file_sha256"

    file_id = db.Column(UUIDType, db.ForeignKey(FileInstance.id, ondelete="CASCADE"),
                        primary_key=True)
    sha256 = db.Column(db.String(64), nullable=False)
    recorded = db.Column(db.DateTime, nullable=False, default=_utcnow)
