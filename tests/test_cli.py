"""The ``invenio techdata`` commands: demo data and the health report."""

from invenio_access.permissions import system_identity
from invenio_accounts.models import Role, User
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.cli import techdata
from techdata.health import collect_health


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
