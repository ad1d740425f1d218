"""Components of the project service."""

from invenio_records_resources.services.records.components import (
    DataComponent,
    ServiceComponent,
)
from marshmallow import ValidationError

from ...kernel.i18n import _, bilingual
from .schema import INITIAL_STATUS

SYSTEM_KEYS = ("acceptance", "transitions", "status")
"""Keys only the service's decisions write (CD-TD Art. 15): kept on every update."""


def status_not_writable(submitted, current):
    """The 400 of a submitted ``status`` that differs from the project's ``current`` one."""
    return ValidationError({"status": [bilingual(_(
        "The status changes only through a recorded decision (CD-TD Art. 15): the "
        "acceptance decision or a status decision; it cannot be set to \"%(submitted)s\" "
        "by saving the project (current status \"%(current)s\").",
        submitted=submitted, current=current))]})


class ProjectNumberComponent(ServiceComponent):
    """The project number is the PID: registered on create, never changed."""

    def create(self, identity, data=None, record=None, **kwargs):
        """Register the number once the data is on the record."""
        type(record).pid.field.create(record)

    def update(self, identity, data=None, record=None, **kwargs):
        """A project keeps its number."""
        if data.get("number") != record.pid.pid_value:
            raise ValidationError({"number": [
                bilingual(_("The project number cannot change."))]})
        record["id"] = record.pid.pid_value


class ProjectDataComponent(DataComponent):
    """Set the submitted fields; the status and decisions only decisions write (CD-TD Art. 15).

    A new project starts ``in-progress``; a ``status`` in the body of a
    ``POST`` or ``PUT`` that differs from the current one is refused (400
    naming ``status``), the current one is accepted and ignored, so a client
    may send back what it read. An update (``PUT``, or a re-import from the
    program-management system) never drops a recorded decision.
    """

    def create(self, identity, data=None, record=None, **kwargs):
        """A new project: the submitted fields, status ``in-progress``."""
        submitted = data.get("status", INITIAL_STATUS)
        if submitted != INITIAL_STATUS:
            raise status_not_writable(submitted, INITIAL_STATUS)
        super().create(identity, data=data, record=record, **kwargs)
        record["status"] = INITIAL_STATUS

    def update(self, identity, data=None, record=None, **kwargs):
        """Update the submitted fields; status and decisions stay as recorded."""
        current = record.get("status", INITIAL_STATUS)
        submitted = data.get("status", current)
        if submitted != current:
            raise status_not_writable(submitted, current)
        kept = {k: record[k] for k in SYSTEM_KEYS if k in record}
        kept.setdefault("status", current)
        super().update(identity, data=data, record=record, **kwargs)
        record.update(kept)
