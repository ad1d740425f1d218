"""Components of the project service."""

from invenio_records_resources.services.records.components import (
    DataComponent,
    ServiceComponent,
)
from marshmallow import ValidationError


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
    """Set the submitted fields; keep what only the system writes (the acceptance)."""

    def update(self, identity, data=None, record=None, **kwargs):
        """An update from the program-management system never drops the decision."""
        kept = {k: record[k] for k in ("acceptance",) if k in record}
        super().update(identity, data=data, record=record, **kwargs)
        record.update(kept)
