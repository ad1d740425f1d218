"""The preservation report (issue 17): backups, WAL archiving, fixity, restore drills.

Read-only. The facts come from where each job leaves them: the status files
``scripts/backup`` (``last.json``, ``last-wal-shipped``), ``scripts/backup --check``
(``fixity.json``), ``scripts/bench backup`` (``last-drill.json``) and ``scripts/restore``
(``last-restore.json``) write into the state folder; PostgreSQL's archiver statistics;
the results InvenioRDM's scheduled checksum check stores on each file
(``files_files.last_check``) and the SHA-256 rows of ``FileSha256``.
"""

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from invenio_db import db
from sqlalchemy import text

from ..kernel.services import DomainService, DomainServiceConfig
from .permissions import PreservationPermissionPolicy


class PreservationServiceConfig(DomainServiceConfig):
    """Config of the preservation service."""

    service_id = "techdata-preservation"
    permission_policy_cls = PreservationPermissionPolicy


def state_dir():
    """The folder of the scripts' status files (``TECHDATA_PRESERVATION_STATE_DIR``)."""
    configured = current_app.config.get("TECHDATA_PRESERVATION_STATE_DIR")
    if configured:
        return Path(configured)
    services = os.environ.get("TD_SERVICES")
    base = Path(services) if services else Path(current_app.instance_path).resolve().parent
    return base / "backup"


def wal_archive_dir():
    """The local WAL archive folder (``TECHDATA_PRESERVATION_WAL_ARCHIVE``)."""
    configured = current_app.config.get("TECHDATA_PRESERVATION_WAL_ARCHIVE")
    if configured:
        return Path(configured)
    return state_dir().parent / "postgres" / "wal-archive"


def read_json(path):
    """The JSON of ``path``; None when it is missing or unreadable (shown as "never")."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def moment(value):
    """An aware datetime of an ISO text (``Z`` allowed); None when it is none."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def age_hours(value, now):
    """Hours between ``value`` and ``now``, one decimal; None without a moment."""
    at = moment(value)
    return None if at is None else round((now - at).total_seconds() / 3600, 1)


class PreservationService(DomainService):
    """Collects the report; refuses everyone but administrators and the bureau."""

    def report(self, identity, now=None):
        """The report as a dict: ``backup``, ``wal``, ``fixity``, ``drill``, ``restore``."""
        self.require(identity, "read")
        now = now or datetime.now(timezone.utc)
        folder = state_dir()
        return {
            "state_dir": str(folder),
            "backup": self._backup(folder, now),
            "wal": self._wal(folder),
            "fixity": self._fixity(folder, now),
            "drill": self._job(folder / "last-drill.json", now),
            "restore": self._job(folder / "last-restore.json", now),
        }

    @staticmethod
    def _job(path, now):
        """A job's status file with its age; None when the job never ran."""
        data = read_json(path)
        if data is None:
            return None
        data["age_hours"] = age_hours(data.get("finished"), now)
        data["ok"] = data.get("status", data.get("exit")) in (0, "0")
        return data

    def _backup(self, folder, now):
        """The last full backup: when, how big, its outcome, whether it is too old."""
        data = self._job(folder / "last.json", now)
        if data is None:
            return None
        limit = current_app.config["TECHDATA_PRESERVATION_BACKUP_MAX_AGE_HOURS"]
        data["too_old"] = data["age_hours"] is None or data["age_hours"] > limit
        data["max_age_hours"] = limit
        return data

    @staticmethod
    def _wal(folder):
        """The WAL archiver's statistics and the segments not shipped to the target yet."""
        facts = {"mode": None}
        try:
            with db.session.begin_nested():
                facts["mode"] = db.session.execute(text("SHOW archive_mode")).scalar()
                row = db.session.execute(text(
                    "SELECT pg_walfile_name(pg_current_wal_lsn()) AS writing, archived_count, "
                    "last_archived_wal, last_archived_time, failed_count, last_failed_wal, "
                    "last_failed_time FROM pg_stat_archiver")).mappings().one()
            facts.update(row)
        except Exception:  # noqa: BLE001  (a standby, or no rights: the page says unknown)
            current_app.logger.exception("preservation: archiver statistics unreadable")
        archive = wal_archive_dir()
        try:
            facts["not_shipped"] = sum(1 for p in archive.iterdir() if p.name[:1] == "0")
        except OSError:
            facts["not_shipped"] = None
        shipped = folder / "last-wal-shipped"
        facts["last_shipped"] = shipped.read_text().strip() if shipped.is_file() else None
        return facts

    def _fixity(self, folder, now):
        """The scheduled checksum check (InvenioRDM's, per file) and ``backup --check``."""
        shown = current_app.config["TECHDATA_PRESERVATION_FAILURES_SHOWN"]
        counts = db.session.execute(text(
            "SELECT count(*) AS files, count(f.last_check_at) AS checked, "
            "count(*) FILTER (WHERE f.last_check IS FALSE) AS failed, "
            "max(f.last_check_at) AS last_checked, count(s.file_id) AS with_sha256 "
            "FROM files_files f LEFT JOIN techdata_file_sha256 s ON s.file_id = f.id "
            "WHERE f.uri IS NOT NULL")).mappings().one()
        failures = db.session.execute(text(
            "SELECT f.id::text AS id, f.uri, f.last_check_at, min(o.key) AS key "
            "FROM files_files f LEFT JOIN files_object o ON o.file_id = f.id "
            "WHERE f.last_check IS FALSE GROUP BY f.id ORDER BY f.last_check_at DESC "
            "LIMIT :n"), {"n": shown}).mappings().all()
        check = self._job(folder / "fixity.json", now)
        return {**counts, "failures": [dict(r) for r in failures], "check": check}
