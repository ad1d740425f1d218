"""``ProjectRecord``: a funded project identified by its project number."""

from invenio_pidstore.models import PIDStatus
from invenio_pidstore.providers.base import BaseProvider
from invenio_records.systemfields import ConstantField
from invenio_records_resources.records.api import Record
from invenio_records_resources.records.systemfields import IndexField, PIDField

from .models import ProjectMetadata


class ProjectNumberProvider(BaseProvider):
    """The project number (项目编号) of the program-management system is the PID."""

    pid_type = "tdprj"
    default_status = PIDStatus.REGISTERED

    @classmethod
    def create(cls, object_type=None, object_uuid=None, record=None, **kwargs):
        """Register ``record["number"]`` as the PID value."""
        return super().create(
            pid_value=record["number"], object_type=object_type, object_uuid=object_uuid,
            status=PIDStatus.REGISTERED, **kwargs,
        )


class ProjectRecord(Record):
    """A government- or socially funded tech project (CD-TD Art. 15-16)."""

    model_cls = ProjectMetadata
    schema = ConstantField("$schema", "local://projects/project-v1.0.0.json")
    index = IndexField(
        "techdata-projects-project-v1.0.0", search_alias="techdata-projects"
    )
    pid = PIDField("id", provider=ProjectNumberProvider, create=False, delete=False)
