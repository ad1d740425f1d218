"""The ``invenio techdata`` commands: demo data and the health report."""

from invenio_access.permissions import system_identity
from invenio_accounts.models import Role, User
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.cli import techdata
from techdata.health import collect_health


def test_demo_is_idempotent(running_app, db, empty_search, cli_runner):
    """`invenio techdata demo` creates roles, users and records once only."""
    first = cli_runner(techdata, None, "demo")
    assert first.exit_code == 0, first.output
    assert "demo records published: 6" in first.output
    second = cli_runner(techdata, None, "demo")
    assert second.exit_code == 0, second.output
    assert "demo records published: 0" in second.output
    assert "roles created: 0" in second.output

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
    assert "records=6" in report["database"]
    assert report["search"].startswith("up (")
    assert "rdmrecords-records=6" in report["search"]

    out = cli_runner(techdata, None, "status")
    assert out.exit_code == 0
    assert "records=6" in out.output
