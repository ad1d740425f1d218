"""The repository's audit actions: id, label (zh/en via the catalogue), object type, article.

Each class is registered under the entry point group
``invenio_audit_logs.actions`` (``pyproject.toml``), next to InvenioRDM's own
actions (``draft.create``, ``record.publish``, grants ...), so there is one
trail. Services record them with :func:`techdata.kernel.audit.log`.
"""

from ..kernel.audit import TechDataAuditAction
from ..kernel.i18n import _


def _action(action_id, resource_type, label, article):
    """A :class:`TechDataAuditAction` subclass for ``action_id``."""
    name = "".join(part.capitalize() for part in action_id.replace("-", ".").split(".")[1:])
    return type(f"{name}Audit", (TechDataAuditAction,), {
        "id": action_id, "resource_type": resource_type, "label": label,
        "article": article, "__doc__": f"Audit action {action_id} ({article}).",
    })


REVIEW_DECIDED = _action("techdata.review.decide", "record",
                         _("Deposit review decided"), "CD-TD Art. 11")
CONFIDENTIALITY_DECIDED = _action("techdata.confidentiality.decide", "record",
                                  _("Confidentiality review decided"), "CD-TD Art. 24")
ACCEPTANCE_DECIDED = _action("techdata.acceptance.decide", "project",
                             _("Project acceptance decided"), "CD-TD Art. 15")
CERTIFICATE_ISSUED = _action("techdata.certificate.issue", "project",
                             _("Deposit certificate issued"), "CD-TD Art. 15")
ACCESS_DECIDED = _action("techdata.access.decide", "request",
                         _("Request decided or closed"), "CD-PD Art. 26, 34")
ACCESS_GRANTED = _action("techdata.access.grant", "record",
                         _("Access granted"), "CD-PD Art. 26; QY Art. 24")
ACCESS_REVOKED = _action("techdata.access.revoke", "record",
                         _("Access grant withdrawn"), "QY Art. 24; LZ Art. 25-26")
RELEASE_CHANGED = _action("techdata.release.change", "release",
                          _("Directory release action"), "CD-TD Art. 7")
ROLE_CHANGED = _action("techdata.role.change", "user",
                       _("Role changed"), "LZ Art. 21")
CALENDAR_LOADED = _action("techdata.calendar.load", "calendar",
                          _("Calendar year loaded"), "CD-TD Art. 11")
FILE_DOWNLOADED = _action("techdata.file.download", "record",
                          _("Protected file downloaded"), "LZ Art. 21, 40")

VIOLATION_REGISTERED = _action("techdata.violation.register", "violation",
                               _("Violation registered"), "CD-TD Art. 27; QY Art. 32")
VIOLATION_FOLLOWED_UP = _action("techdata.violation.follow_up", "violation",
                                _("Violation followed up"), "CD-TD Art. 27; QY Art. 32")
VIOLATION_CLOSED = _action("techdata.violation.close", "violation",
                           _("Violation rectified and closed"), "CD-TD Art. 27; QY Art. 32")
DEPOSIT_SUBMITTED = _action("techdata.deposit.submit", "record",
                            _("Deposit submitted for review"), "CD-TD Art. 10-11")
DEPOSIT_RETURNED = _action("techdata.deposit.return", "record",
                           _("Deposit returned or declined"), "CD-TD Art. 11")
DIRECTORY_CATALOGUED = _action("techdata.directory.catalogue", "directory-entry",
                               _("Directory entry catalogued"), "CD-TD Art. 9, 19")
DIRECTORY_CHECKED = _action("techdata.directory.check", "directory-entry",
                            _("Directory entry checked"), "QY Art. 8")
DIRECTORY_WITHDRAWN = _action("techdata.directory.withdraw", "directory-entry",
                              _("Directory entry withdrawn"), "CD-TD Art. 9")
PROJECT_STATUS_DECIDED = _action("techdata.project.status", "project",
                                 _("Project status decided"), "CD-TD Art. 15")
SETTINGS_CHANGED = _action("techdata.settings.change", "settings",
                           _("Setting changed"), "CD-TD Art. 11")
DIGEST_SIGNED = _action("techdata.audit.digest", "audit-digest",
                        _("Daily audit digest signed"), "LZ Art. 38")

ACTIONS = (REVIEW_DECIDED, CONFIDENTIALITY_DECIDED, ACCEPTANCE_DECIDED, CERTIFICATE_ISSUED,
           ACCESS_DECIDED, ACCESS_GRANTED, ACCESS_REVOKED, RELEASE_CHANGED, ROLE_CHANGED, CALENDAR_LOADED,
           FILE_DOWNLOADED, VIOLATION_REGISTERED, VIOLATION_FOLLOWED_UP, VIOLATION_CLOSED,
           DEPOSIT_SUBMITTED, DEPOSIT_RETURNED, DIRECTORY_CATALOGUED, DIRECTORY_CHECKED,
           DIRECTORY_WITHDRAWN, PROJECT_STATUS_DECIDED, SETTINGS_CHANGED, DIGEST_SIGNED)
"""Our actions, in the order the audit pages offer them."""

INVENIO_LABELS = {
    "draft.create": _("Draft created"),
    "draft.edit": _("Draft edited"),
    "draft.delete": _("Draft deleted"),
    "draft.new_version": _("New version created"),
    "record.publish": _("Record published"),
    "record.grant_update": _("Record access grants changed"),
    "draft.grant_update": _("Draft access grants changed"),
    "record.secret_link_update": _("Record share link changed"),
    "draft.secret_link_update": _("Draft share link changed"),
    "record.access_settings_update": _("Record access settings changed"),
    "draft.access_settings_update": _("Draft access settings changed"),
}
"""Labels of InvenioRDM's own actions in the same trail."""


def label(action_id):
    """The label (lazy, translated) of ``action_id``; the id itself if unknown."""
    for cls in ACTIONS:
        if cls.id == action_id:
            return cls.label
    return INVENIO_LABELS.get(action_id, action_id)


def choices():
    """``[(id, label)]`` of every action, ours first."""
    return [(cls.id, cls.label) for cls in ACTIONS] + list(INVENIO_LABELS.items())
