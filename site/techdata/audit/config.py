"""Settings of the audit trail (``TECHDATA_AUDIT_*``) and its download hook."""

import copy

TECHDATA_AUDIT_RETENTION_YEARS = 5
"""Entries are kept at least this many years (CD-PD Art. 23); nothing deletes them."""

TECHDATA_AUDIT_PROTECTED_OPENING_TYPES = ("conditional", "none")
"""Opening types whose file downloads are recorded per user: 有条件开放 and 不予开放
(LZ Art. 21, 40)."""

TECHDATA_AUDIT_PAGE_SIZE = 50
"""Entries per audit page."""

TECHDATA_AUDIT_EXPORT_MAX = 10000
"""Most entries one CSV export holds (narrow the filters for more)."""

DOWNLOAD_BUILDER = "techdata.audit.downloads.record_download"
"""The stats event builder that records a download of protected data in the trail."""


def stats_events(events):
    """InvenioRDM's ``STATS_EVENTS`` with our download recorder first on ``file-download``.

    First, so that it runs even when a later builder drops the statistics
    event (robots, previews): the trail is not statistics.
    """
    events = copy.deepcopy(events)
    builders = events["file-download"]["event_builders"]
    events["file-download"]["event_builders"] = [DOWNLOAD_BUILDER, *builders]
    return events
