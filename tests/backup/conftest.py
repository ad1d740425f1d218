"""Fixtures of the backup tests: a PostgreSQL cluster of their own with WAL archiving.

The shared cluster (port 5433) is never restarted or reconfigured: the module's
app runs on a throwaway cluster started by ``scripts/lib/postgres.sh`` itself
(``TD_SERVICES`` = a temporary folder, a free port), so ``scripts/backup`` and
``scripts/restore`` are exercised exactly as on the served instance.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = int(os.environ.get("TD_TEST_REDIS_DB", "12"))


def free_port():
    """A TCP port on the loopback nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """One ``.services``-like root with its own PostgreSQL port (the scripts' view)."""

    def __init__(self, root, port, target, passphrase):
        """``root``: TD_SERVICES; ``port``: TD_PG_PORT; ``target``: TD_BACKUP_TARGET."""
        self.root, self.port, self.target, self.passphrase = Path(root), port, target, passphrase

    def env(self, **extra):
        """Environment of a script run against this root (tests' Redis, own index prefix)."""
        redis = "redis://127.0.0.1:{}".format(os.environ.get("TD_REDIS_PORT", "6380"))
        # nothing of the calling shell's site (scripts/test exports its own TD_* paths)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("INVENIO_", "TD_SECRET_KEY", "TD_PG_", "TD_BACKUP_"))}
        env.update(TD_SERVICES=str(self.root), TD_PG_PORT=str(self.port), TD_PG_DB="techdata",
                   TD_BACKUP_TARGET=str(self.target),
                   TD_BACKUP_PASSPHRASE_FILE=str(self.passphrase),
                   TD_INDEX_PREFIX=os.environ.get("TD_TEST_INDEX_PREFIX", "test-") + "drill-",
                   INVENIO_CACHE_REDIS_URL=f"'{redis}/{REDIS_DB + 1}'",
                   INVENIO_ACCOUNTS_SESSION_REDIS_URL=f"'{redis}/{REDIS_DB + 2}'",
                   INVENIO_COMMUNITIES_IDENTITIES_CACHE_REDIS_URL=f"'{redis}/{REDIS_DB + 3}'",
                   INVENIO_CELERY_BROKER_URL=f"'{redis}/{REDIS_DB}'",
                   INVENIO_BROKER_URL=f"'{redis}/{REDIS_DB}'")
        env.update(extra)
        return env

    def run(self, *args, check=True, timeout=600):
        """Run a script of scripts/ against this root; the CompletedProcess."""
        proc = subprocess.run([str(ROOT / "scripts" / args[0]), *args[1:]], env=self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if check:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def shell(self, snippet, check=True):
        """Run a snippet after sourcing scripts/lib/all.sh (and backup.sh)."""
        code = (f"source {ROOT}/scripts/lib/all.sh; source {ROOT}/scripts/lib/backup.sh; "
                + snippet)
        proc = subprocess.run(["bash", "-c", code], env=self.env(), capture_output=True,
                              text=True, timeout=300)
        if check:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def url(self, db="techdata"):
        """SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg2://techdata:techdata@127.0.0.1:{self.port}/{db}"

    def stop(self):
        """Stop this root's PostgreSQL (if it runs)."""
        self.shell("postgres_stop", check=False)


@pytest.fixture(scope="module")
def sites():
    """The live site (own cluster, archiving on) and the empty site a restore goes to."""
    base = Path(tempfile.mkdtemp(prefix="td-backup-test-"))
    target, passphrase = base / "target", base / "passphrase"
    live = Site(base / "live", free_port(), target, passphrase)
    restored = Site(base / "restored", free_port(), target, passphrase)
    live.shell("postgres_start && postgres_ensure_db techdata")
    yield {"live": live, "restored": restored, "base": base}
    restored.stop()
    live.stop()
    if not os.environ.get("TD_KEEP_TEST_SITES"):  # keep them to look into a failure
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def db_uri(sites):
    """The module's app runs on the live site's cluster."""
    yield sites["live"].url()


UNLOGGED = ("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
            "AND c.relpersistence = 'u' AND n.nspname = 'public'")


def make_logged(db):
    """Turn every UNLOGGED table WAL-logged again (tables referenced first, by retrying).

    pytest-invenio's ``database`` fixture creates UNLOGGED tables for speed; their
    data is in no WAL and no base backup (PostgreSQL restores them empty). The
    served instance's tables (``invenio db create``) are all logged.
    """
    db.session.commit()
    for _ in range(20):
        with db.engine.connect() as conn:
            names = [r[0] for r in conn.execute(text(UNLOGGED))]
        if not names:
            return
        for name in names:
            try:
                with db.engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {name} SET LOGGED"))
            except Exception:  # noqa: BLE001  (references a table still unlogged: next round)
                pass
    raise AssertionError(f"tables still unlogged: {names}")


@pytest.fixture(scope="module")
def database(database):
    """pytest-invenio's database, with logged tables (a backup must see their data)."""
    make_logged(database)
    return database


@pytest.fixture(scope="module")
def app_config(app_config, sites):
    """Certificates signed with the key where the scripts look for it (the instance folder);
    a patient search client."""
    # OpenSearch is shared by parallel test runs: give it time under their load
    app_config["SEARCH_CLIENT_CONFIG"] = {"timeout": 60}
    app_config["TECHDATA_CERTIFICATE_KEY_PATH"] = str(
        sites["live"].root / "instance" / "certificate-signing-key.pem")
    return app_config
