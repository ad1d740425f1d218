"""Keeping the directory entries in step with the records (CD-TD Art. 19; CD-PD Art. 14).

A component of the RDM records service: whatever publishes, deletes,
restores or lifts an embargo (REST, the form, a curator's acceptance, the
confidentiality review, a new version, an edit) updates the dataset's entry
in the same transaction. A deleted record's entry is withdrawn from both
directories at once.
"""

from invenio_drafts_resources.services.records.components import ServiceComponent

from .records import sync_record
from .store import deposited_entry_id, withdraw_entry


def _latest(record):
    """Whether ``record`` is the latest published version of its dataset."""
    versions = getattr(record, "versions", None)
    return versions is None or getattr(versions, "is_latest", True)


class DirectoryEntryComponent(ServiceComponent):
    """Update a dataset's directory entry when its record changes."""

    def publish(self, identity, draft=None, record=None, **kwargs):
        """A published version (new, new version, edit) describes the dataset."""
        if record is not None and _latest(record):
            # The ConfidentialityGate ran before and refused open data without a
            # passed review of this content (CD-TD Art. 24); look it up anyway.
            sync_record(record)

    def delete_record(self, identity, data=None, record=None, **kwargs):
        """A deleted (tombstoned) latest version takes its dataset out of both directories.

        The component runs before the record is marked deleted, so the entry
        is withdrawn here rather than synced; restoring it brings it back.
        """
        if record is not None and _latest(record):
            withdraw_entry(deposited_entry_id(record.parent.pid.pid_value))

    def restore_record(self, identity, record=None, **kwargs):
        """A restored record comes back as its state says."""
        if record is not None and _latest(record):
            sync_record(record)

    def lift_embargo(self, identity, draft=None, record=None, **kwargs):
        """Lifting an embargo changes what the entry offers."""
        if record is not None and _latest(record):
            sync_record(record)
