"""Linking a deposit to its funded project (CD-TD Art. 15)."""

from invenio_access.permissions import system_process
from invenio_drafts_resources.services.records.components import ServiceComponent
from marshmallow import ValidationError

from ..kernel.i18n import _, bilingual
from ..kernel.labels import NAMESPACE
from .proxies import current_projects_service

PROJECT = f"{NAMESPACE}:project"
"""Custom field naming the project number of a deposit."""

DATASET = f"{NAMESPACE}:project_dataset"
"""Custom field naming the key of the dataset in the project's deposit plan."""


def not_your_project(number):
    """One message for "no such project" and "not your project" (issue 20).

    A depositor who takes no part in a project must not learn whether its
    number exists, so both refusals read the same.
    """
    return bilingual(_("You take part in no project numbered %(number)s: only a project's "
                       "PI and members may deposit for it (CD-TD Art. 15).",
                       number=str(number)[:64]))


class ProjectLinkComponent(ServiceComponent):
    """A deposit names an existing project; only its PI and members deposit for it."""

    def _check(self, identity, record):
        """Project exists and identity participates (one answer for both); the key is planned."""
        cf = record.get("custom_fields") or {}
        number = cf.get(PROJECT)
        if not number:
            if cf.get(DATASET):
                raise ValidationError({f"custom_fields.{DATASET}": [
                    bilingual(_("Name the project too."))]})
            return
        projects = current_projects_service
        if system_process in identity.provides:
            allowed = projects.exists(number)
        else:
            allowed = projects.is_participant(identity, number)
        if not allowed:
            raise ValidationError({f"custom_fields.{PROJECT}": [not_your_project(number)]})
        key = cf.get(DATASET)
        if key and key not in projects.plan_keys(number):
            raise ValidationError({f"custom_fields.{DATASET}": [
                f"汇交计划中没有数据集 {key} / '{key}' is not in the project's deposit plan."]})

    def create(self, identity, data=None, record=None, **kwargs):
        """Check the link of a new draft."""
        self._check(identity, record)

    def update_draft(self, identity, data=None, record=None, **kwargs):
        """Check the link of an edited draft."""
        self._check(identity, record)
