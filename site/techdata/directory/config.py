"""Settings of the directories (CD-TD Art. 7, 11, 19; CD-PD Art. 12-14, 31-33).

The role lists default from the kernel's role sets (``techdata.kernel.roles``);
a deployment may move a duty to other roles here.
"""

from ..kernel import roles
from .releases.notify import BUILDERS as RELEASE_BUILDERS

TECHDATA_DIRECTORY_RESOURCE_ROLES = [roles.ADMIN, *roles.GOVERNMENT_READERS]
"""Government roles that read the resource directory (CD-TD Art. 7, 11, 19)."""

TECHDATA_DIRECTORY_SCOPED_RESOURCE_ROLES = [roles.DEPARTMENT_ADMIN]
"""Of those, the roles that read only their part of it: the open entries and those of their
departments and of the entities these supervise (issue 18; CD-TD Art. 8), unless they also
hold another resource role."""

TECHDATA_DIRECTORY_BUREAU_ROLES = list(roles.BUREAU_ROLES)
"""Roles that compile the directories: catalogued entries, checks, the open plan (CD-TD Art. 7)."""

TECHDATA_DIRECTORY_CHECK_ROLES = list(roles.CHECK_ROLES)
"""Roles that may mark an entry as checked in the yearly check (QY Art. 8; CD-TD Art. 9)."""

TECHDATA_DIRECTORY_UPKEEP_DAYS = 15
"""Working days within which a changed entry must reach the directory (CD-PD Art. 14; QY Art. 8)."""

TECHDATA_DIRECTORY_CHECK_INTERVAL_DAYS = 365
"""Days after its last check when an entry is flagged for the yearly check (QY Art. 8)."""

TECHDATA_DIRECTORY_PAGE_SIZE = 20
"""Entries per page of a directory search (API default and pages)."""

TECHDATA_DIRECTORY_MAX_PAGE_SIZE = 100
"""Largest ``size`` a directory search accepts."""

TECHDATA_DIRECTORY_OAI_SET = "open-directory"
"""OAI-PMH set spec of the open directory (QY Art. 23; LZ Art. 22)."""


NOTIFICATION_BUILDERS = dict(RELEASE_BUILDERS)
"""Notification builders of the release workflow: submitted, passed, failed (merged into
``NOTIFICATIONS_BUILDERS``; templates ``invenio_notifications/directory-release-*.jinja``)."""
