"""Settings of the preservation report (``TECHDATA_PRESERVATION_*``)."""

TECHDATA_PRESERVATION_STATE_DIR = None
"""Folder where ``scripts/backup`` and ``scripts/restore`` write their status files; None:
``$TD_SERVICES/backup``, else ``backup`` beside the instance folder (``.services/backup``)."""

TECHDATA_PRESERVATION_WAL_ARCHIVE = None
"""The local WAL archive (segments not shipped yet); None: ``postgres/wal-archive`` beside
the state folder (``.services/postgres/wal-archive``)."""

TECHDATA_PRESERVATION_BACKUP_MAX_AGE_HOURS = 26
"""A last backup older than this is flagged on the report (the cron line runs daily)."""

TECHDATA_PRESERVATION_FAILURES_SHOWN = 50
"""Most failing files the report lists."""
