"""Database model of projects."""

from invenio_db import db
from invenio_records.models import RecordMetadataBase


class ProjectMetadata(db.Model, RecordMetadataBase):
    """A funded project (JSON document, versioned like every Invenio record)."""

    __tablename__ = "techdata_project_metadata"
