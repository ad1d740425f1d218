"""Linking a deposit to its funded project (CD-TD Art. 15)."""

from flask import current_app
from invenio_access.permissions import system_process
from invenio_drafts_resources.services.records.components import ServiceComponent
from marshmallow import ValidationError

PROJECT = "cdtd:project"
DATASET = "cdtd:project_dataset"


class ProjectLinkComponent(ServiceComponent):
    """A deposit names an existing project; only its PI and members deposit for it."""

    def _check(self, identity, record):
        """Project exists, identity participates, the plan key is in its plan."""
        cf = record.get("custom_fields") or {}
        number = cf.get(PROJECT)
        if not number:
            if cf.get(DATASET):
                raise ValidationError({f"custom_fields.{DATASET}": [
                    "须同时填写项目编号 / Name the project too."]})
            return
        projects = current_app.extensions["techdata"].projects_service
        from invenio_pidstore.errors import PIDDoesNotExistError

        try:
            project = projects.record_cls.pid.resolve(number)
        except PIDDoesNotExistError:
            raise ValidationError({f"custom_fields.{PROJECT}": [
                f"没有编号为 {number} 的项目 / No project numbered {number}."]})
        people = [project.get("pi") or {}] + list(project.get("members") or [])
        ids = {str(p.get("user")) for p in people}
        is_system = system_process in identity.provides
        if not is_system and str(identity.id) not in ids:
            raise ValidationError({f"custom_fields.{PROJECT}": [
                "只有项目负责人和成员可为该项目汇交 / Only the project's PI and members may "
                "deposit for it (CD-TD Art. 15)."]})
        key = cf.get(DATASET)
        keys = {p["key"] for p in project.get("plan") or []}
        if key and key not in keys:
            raise ValidationError({f"custom_fields.{DATASET}": [
                f"汇交计划中没有数据集 {key} / '{key}' is not in the project's deposit plan."]})

    def create(self, identity, data=None, record=None, **kwargs):
        """Check the link of a new draft."""
        self._check(identity, record)

    def update_draft(self, identity, data=None, record=None, **kwargs):
        """Check the link of an edited draft."""
        self._check(identity, record)
