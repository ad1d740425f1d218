"""The SHA-256 of each uploaded file, recorded in the transaction that commits the upload."""

import hashlib

from invenio_db import db
from invenio_records_resources.services.files.components import FileServiceComponent

from .models import FileSha256

CHUNK = 1 << 20


def sha256_of(file_instance):
    """The hex SHA-256 of a file instance's bytes, read from its storage."""
    digest = hashlib.sha256()
    with file_instance.storage().open() as fp:
        while block := fp.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def record_sha256(file_instance):
    """Record the SHA-256 of ``file_instance`` unless known; returns the hex digest."""
    row = db.session.get(FileSha256, file_instance.id)
    if row is None:
        row = FileSha256(file_id=file_instance.id, sha256=sha256_of(file_instance))
        db.session.add(row)
    return row.sha256


class Sha256Component(FileServiceComponent):
    """On ``commit_file`` (after InvenioRDM's components, so the upload is complete and its
    MD5 known): read the stored bytes once more and record their SHA-256 in the same unit of
    work. An upload killed before its commit leaves no row, like it leaves no committed file."""

    def commit_file(self, identity, id_, file_key, record):
        """Record the committed file's SHA-256."""
        entry = record.files.get(file_key)
        instance = getattr(getattr(entry, "file", None), "file_model", None)
        if instance is not None and instance.uri:
            record_sha256(instance)
