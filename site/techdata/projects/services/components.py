"""Components of the project service."""

from invenio_records_resources.services.records.components import (
    DataComponent,
    ServiceComponent,
)
from marshmallow import ValidationError

from .schema import ACCEPTED

SYSTEM_KEYS = ("acceptance",)
"""Keys only the service writes (the acceptance decision, CD-TD Art. 15)."""


class ProjectNumberComponent(ServiceComponent):
    """The project number is the PID: registered on create, never changed."""

    def create(self, identity, data=None, record=None, **kwargs):
        """Register the number once the data is on the record."""
        type(record).pid.field.create(record)

    def update(self, identity, data=None, record=None, **kwargs):
        """A project keeps its number."""
        if data.get("number") != record.pid.pid_value:
            raise ValidationError({"number": [
                "项目编号不可修改 / The project number cannot change."]})
        record["id"] = record.pid.pid_value


class ProjectDataComponent(DataComponent):
    """Set the submitted fields; keep what only the decision writes (CD-TD Art. 15).

    An update (``PUT``, or a re-import from the program-management system)
    never drops the recorded decision, and never moves a project out of the
    status ``accepted`` that its decision gave it.
    """

    def update(self, identity, data=None, record=None, **kwargs):
        """Update the submitted fields; the decision and its status stay."""
        kept = {k: record[k] for k in SYSTEM_KEYS if k in record}
        if record.get("status") == ACCEPTED and (record.get("acceptance") or {}).get(
                "decision") == ACCEPTED:
            kept["status"] = ACCEPTED
        super().update(identity, data=data, record=record, **kwargs)
        record.update(kept)
