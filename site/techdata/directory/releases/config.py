"""Settings of directory releases (CD-TD Art. 7, 11, 24).

The role lists default from the kernel's role names and sets
(``techdata.kernel.roles``).
"""

from ...kernel import roles

TECHDATA_DIRECTORY_RELEASE_BUREAU_ROLES = [roles.BUREAU]
"""Roles that compile, submit and publish directory releases (the tech bureau, CD-TD Art. 7)."""

TECHDATA_DIRECTORY_RELEASE_GOVERNMENT_ROLES = list(roles.GOVERNMENT_READERS)
"""Roles that read draft releases and resource-directory releases (CD-TD Art. 7, 11)."""

TECHDATA_DIRECTORY_RELEASE_CHUNK = 1000
"""Entries inserted (and read back) per database round trip when compiling a release."""

TECHDATA_DIRECTORY_RELEASE_PAGE_SIZE = 50
"""Entries per page on a release's page."""

TECHDATA_DIRECTORY_RELEASE_DIFF_LIMIT = 500
"""Default number of entries listed per diff section (counts are always complete)."""
