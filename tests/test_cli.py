"""The ``invenio techdata`` commands: demo data, the health report, set-up; the
``invenio`` CLI run from a plain shell as the README shows."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from invenio_access.permissions import system_identity
from invenio_accounts.models import Role, User
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.cli import techdata
from techdata.health import collect_health

ROOT = Path(__file__).resolve().parents[1]
SERVICES = Path(os.environ.get("TD_SERVICES", ROOT / ".services"))
SECRET_FILE = SERVICES / "secret_key"
"""Where the scripts keep the instance's secret key (written once per machine)."""


@pytest.fixture(scope="module")
def app_config(app_config):
    """The instance's secret key, so a token the CLI makes can authenticate here."""
    if not SECRET_FILE.is_file():
        pytest.fail(f"{SECRET_FILE} missing: scripts/test writes it")
    app_config["SECRET_KEY"] = SECRET_FILE.read_text(encoding="utf-8").strip()
    return app_config


def plain_shell(app_config, **extra):
    """The environment of a plain shell as the README has it: the venv on ``PATH``,
    ``INVENIO_INSTANCE_PATH=.services/instance`` (relative), no ``TD_SECRET_KEY``;
    pointed at the test database, index prefix and Redis databases."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INVENIO_") and k not in ("TD_SECRET_KEY", "TD_SERVICES")}
    if SERVICES.resolve() != (ROOT / ".services").resolve():
        env["TD_SERVICES"] = str(SERVICES)  # a checkout whose services live elsewhere
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        INVENIO_INSTANCE_PATH=os.path.relpath(SERVICES / "instance", ROOT),
        TD_PG_DB=app_config["SQLALCHEMY_DATABASE_URI"].rsplit("/", 1)[1],
        TD_INDEX_PREFIX=app_config["SEARCH_INDEX_PREFIX"],
        INVENIO_CACHE_REDIS_URL=app_config["CACHE_REDIS_URL"],
        INVENIO_ACCOUNTS_SESSION_REDIS_URL=app_config["ACCOUNTS_SESSION_REDIS_URL"],
        INVENIO_COMMUNITIES_IDENTITIES_CACHE_REDIS_URL=(
            app_config["COMMUNITIES_IDENTITIES_CACHE_REDIS_URL"]),
    )
    env.update(extra)
    return env


def _demo_counts():
    """What the demo put into the directories and the request inbox."""
    from invenio_requests.records.models import RequestMetadata

    from techdata.directory.models import DirectoryEntry, OpenPlanItem
    from techdata.directory.releases.models import OpenDirectoryRelease

    def requests(type_id):
        rows = RequestMetadata.query.filter(
            RequestMetadata.json["type"].as_string() == type_id).all()
        return sorted(r.json["status"] for r in rows)

    entries = DirectoryEntry.query.filter_by(withdrawn=False).all()
    return {
        "deposited": sum(e.source == "deposited" for e in entries),
        "catalogued": sorted((e.data["title_zh"], e.in_open) for e in entries
                             if e.source == "catalogued"),
        "open": sum(e.in_open for e in entries),
        "plan": sorted((i.entity, i.title, i.high_value) for i in OpenPlanItem.query),
        "releases": [(r.number, r.status, r.entry_count, r.reviewed_by is not None)
                     for r in OpenDirectoryRelease.query.order_by(OpenDirectoryRelease.id)],
        "conditional-access": requests("conditional-access"),
        "correction": requests("correction"),
    }


def test_demo_is_idempotent(running_app, db, empty_search, cli_runner):
    """`invenio techdata demo` creates roles, users, records, directory content and
    requests from outside once only; a second run adds nothing."""
    first = cli_runner(techdata, None, "demo")
    assert first.exit_code == 0, (first.output, first.exception)
    assert "demo records published: 7" in first.output
    assert "open-directory release published: 1" in first.output
    assert "demo requests filed: 2" in first.output
    counts = _demo_counts()
    assert counts["deposited"] == 7
    # one catalogued entry passed its review and is open, the other is resource-only
    assert counts["catalogued"] == [("成都市科技型企业研发投入统计台账", False),
                                    ("成都市轨道交通线网客流统计数据", True)]
    assert counts["open"] == 8  # 6 unconditional + 1 conditional record + 1 catalogued
    assert len(counts["plan"]) == 3 and len({p[0] for p in counts["plan"]}) == 2
    # the release went through the review and carries exactly the open entries
    assert counts["releases"] == [(1, "published", 8, True)]
    assert counts["conditional-access"] == ["submitted"]
    assert counts["correction"] == ["submitted"]

    second = cli_runner(techdata, None, "demo")
    assert second.exit_code == 0, (second.output, second.exception)
    assert "demo records published: 0" in second.output
    assert "roles created: 0" in second.output
    assert "open-directory release published: none" in second.output
    assert "demo requests filed: 0" in second.output
    assert _demo_counts() == counts

    assert set(running_app.config["TECHDATA_DOMAIN_ROLES"]) <= {r.name for r in Role.query.all()}
    researcher = User.query.filter_by(email="researcher@example.org").one()
    assert researcher.active
    records.indexer.refresh()
    hits = records.search(system_identity, q="大熊猫").to_dict()["hits"]["hits"]
    assert [h["metadata"]["title"] for h in hits] == ["大熊猫栖息地红外相机监测数据"]


def test_health_reports_counts(running_app, db, empty_search, cli_runner):
    """The health report names each component and its record counts."""
    result = cli_runner(techdata, None, "demo")
    assert result.exit_code == 0, (result.output, result.exception)
    records.indexer.refresh()
    report = collect_health()
    assert report["database"].startswith("up ")
    assert "records=7" in report["database"]
    assert report["search"].startswith("up (")
    assert "rdmrecords-records=7" in report["search"]

    out = cli_runner(techdata, None, "status")
    assert out.exit_code == 0
    assert "records=7" in out.output


def test_upgrade_is_idempotent(running_app, db, empty_search, cli_runner):
    """`invenio techdata upgrade` twice: every alias keeps one index (so it takes
    writes), the directory, release and agreement tables and the release triggers exist."""
    from invenio_search import current_search
    from invenio_search.utils import build_alias_name
    from sqlalchemy import text

    for _ in range(2):
        result = cli_runner(techdata, None, "upgrade")
        assert result.exit_code == 0, (result.output, result.exception)
    assert "search indices created: 0" in result.output
    assert "search index caught up" in result.output
    result = cli_runner(techdata, None, "upgrade", "--no-index-catch-up")  # as restore runs it
    assert result.exit_code == 0 and "search index caught up" not in result.output, result.output
    client = current_search.client
    for name in current_search.mappings:
        alias = build_alias_name(name)
        assert len(client.indices.get_alias(name=alias)) == 1, alias

    tables = {r[0] for r in db.session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))}
    assert {"techdata_directory_entry", "techdata_directory_plan_item",
            "techdata_directory_release", "techdata_directory_release_item",
            "techdata_access_agreement"} <= tables, tables
    triggers = {r[0] for r in db.session.execute(text(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
    assert {"techdata_directory_release_immutable",
            "techdata_directory_release_item_immutable"} <= triggers


def test_cli_from_a_plain_shell_makes_tokens_that_authenticate(
        running_app, database, UserFixture, app_config, client):
    """`invenio tokens create` run as the README says uses the instance's secret key
    (from .services/secret_key), so the token it prints authenticates (issue 15)."""
    email = f"cli-{uuid.uuid4().hex[:8]}@test.example.org"
    user = UserFixture(email=email, password="Cli-Test-2026")
    user.create(running_app, database)
    database.session.commit()  # the CLI runs in another process

    result = subprocess.run(
        ["invenio", "tokens", "create", "-n", "cli-test", "-u", email],
        cwd=ROOT, env=plain_shell(app_config), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    token = result.stdout.strip().splitlines()[-1]

    res = client.get("/api/user/records", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.get_json()
    res = client.get("/api/user/records", headers={"Authorization": "Bearer not-a-token"})
    assert res.status_code in (401, 403)


def test_cli_refuses_to_start_without_a_secret_key(app_config, tmp_path):
    """No TD_SECRET_KEY and no secret_key file: a clear message, no traceback, exit != 0."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(ROOT / "invenio.cfg", instance / "invenio.cfg")  # a copy: no checkout nearby
    env = plain_shell(app_config, INVENIO_INSTANCE_PATH=str(instance), TD_SERVICES=str(tmp_path))
    result = subprocess.run(["invenio", "techdata", "status"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "no SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
