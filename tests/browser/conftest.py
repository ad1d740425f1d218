"""A real gunicorn server on the test database, and a Chromium to drive it.

The server runs the instance exactly as ``scripts/run`` serves it
(``techdata.wsgi`` with ``invenio.cfg``), with the built JS/CSS, but on
the test database, index prefix and Redis databases, on its own port.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = Path(os.environ.get("TD_SERVICES", ROOT / ".services"))
CHROMIUM = os.environ.get("TD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port():
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url, proc, log, seconds=120):
    """Wait until ``url`` answers 200, or fail with the server's log."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as res:
                if res.status == 200:
                    return
        except Exception:
            time.sleep(1)
    raise RuntimeError(f"test server did not come up; log:\n{Path(log).read_text()[-4000:]}")


@pytest.fixture(scope="module")
def live_server_url(app, database, search, app_config):
    """Serve the test database with gunicorn; yield its base URL."""
    static = SERVICES / "instance" / "static"
    if not (static / "dist" / "manifest.json").exists():
        pytest.fail("built assets missing: run scripts/test (it builds them)")
    inst = Path(tempfile.mkdtemp(prefix="techdata-browser-"))
    (inst / "invenio.cfg").symlink_to(ROOT / "invenio.cfg")
    (inst / "static").symlink_to(static)
    (inst / "templates").symlink_to(ROOT / "templates")  # instance overrides, as scripts/run links them
    port = _free_port()
    env = {
        **os.environ,
        "INVENIO_INSTANCE_PATH": str(inst),
        "INVENIO_STATIC_FOLDER": str(static),
        "TD_WEB_PORT": str(port),
        # same secrets as the test app, so passwords it hashed verify here
        "TD_SECRET_KEY": app_config["SECRET_KEY"],
        "INVENIO_SECURITY_PASSWORD_SALT": app_config["SECURITY_PASSWORD_SALT"],
        "TD_PG_DB": app_config["SQLALCHEMY_DATABASE_URI"].rsplit("/", 1)[1],
        "TD_INDEX_PREFIX": app_config["SEARCH_INDEX_PREFIX"],
        "INVENIO_CACHE_REDIS_URL": app_config["CACHE_REDIS_URL"],
        # the test app's own Redis databases (TD_TEST_REDIS_DB based): two test
        # runs side by side never share them, and the identity cache the test
        # app invalidates is the one the server reads
        "INVENIO_ACCOUNTS_SESSION_REDIS_URL": app_config["ACCOUNTS_SESSION_REDIS_URL"],
        "INVENIO_COMMUNITIES_IDENTITIES_CACHE_REDIS_URL":
            app_config["COMMUNITIES_IDENTITIES_CACHE_REDIS_URL"],
        "INVENIO_CELERY_TASK_ALWAYS_EAGER": "True",
        # the rate limiter's counts live in this server alone (invenio.cfg puts
        # them in a Redis database every run and the served app share, so one
        # module's log-ins counted against the next module's: 10 a minute)
        "INVENIO_RATELIMIT_STORAGE_URI": "memory://",
    }
    log = inst / "gunicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "techdata.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
         "--timeout", "120", "--no-control-socket", "--chdir", str(inst)],
        env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{url}/api/records?size=1", proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.copy(log, SERVICES / "logs" / "browser-test-server.log")
        shutil.rmtree(inst, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: scripts/test installs Debian's chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium):
    """A fresh browser page (own cookies) per test."""
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()
