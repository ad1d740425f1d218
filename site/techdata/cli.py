"""``invenio techdata ...``: set-up, demo data and health of the instance."""

import click
from flask.cli import with_appcontext


@click.group()
def techdata():
    """Chengdu tech-data repository commands."""


@techdata.command("demo")
@with_appcontext
def demo():
    """Create domain roles, demo users, records, directories and requests (idempotent)."""
    from .demo import directory, loader, outside

    roles = loader.ensure_roles()
    click.echo(f"roles created: {len(roles)}")
    users = loader.ensure_users()
    click.echo(f"demo users: {len(users)}")
    created = loader.ensure_records(users["researcher@example.org"])
    click.echo(f"demo records published: {len(created)}")
    counts = directory.ensure_directories()
    click.echo("directory entries of records: {entries}, catalogued entries added: "
               "{catalogued}, open-plan items added: {plan_items}".format(**counts))
    click.echo(f"open-directory release published: {counts['release'] or 'none (exists)'}")
    click.echo(f"demo requests filed: {outside.ensure_requests()}")


@techdata.command("roles")
@with_appcontext
def roles():
    """Create the domain roles that are missing."""
    from .demo import loader

    click.echo(f"roles created: {len(loader.ensure_roles())}")


@techdata.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def status(as_json):
    """Report database and search-index health and record counts."""
    import json

    from .health import collect_health

    report = collect_health()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for name, item in report.items():
        click.echo(f"{name:<22} {item}")


def missing_indices():
    """Names of the search mappings whose write alias does not exist yet.

    ``current_search.create(ignore_existing=True)`` alone is not idempotent:
    each call makes a new timestamp-suffixed index for every mapping and adds
    it to the alias, which then points at two indices and takes no writes.
    """
    from invenio_search import current_search
    from invenio_search.utils import build_alias_name

    client = current_search.client
    return [name for name in current_search.mappings
            if not client.indices.exists_alias(name=build_alias_name(name))]


@techdata.command("upgrade")
@with_appcontext
def upgrade():
    """Bring an existing database up to the code: new tables, roles, fixtures."""
    from invenio_db import db

    from .demo import loader

    db.create_all()  # creates only the missing tables (and their triggers, on create)
    from invenio_search import current_search

    missing = missing_indices()
    created = []
    if missing:  # an empty index_list would mean "all of them"
        created = [name for name, _ in current_search.create(ignore_existing=True,
                                                             index_list=missing)]
    click.echo(f"search indices created: {len(created)}")
    click.echo(f"roles created: {len(loader.ensure_roles())}")
    from .review.centres import ensure_city_centre

    click.echo(f"city data centre: {ensure_city_centre()}")
    from .directory.oai import ensure_oai_set

    click.echo(f"OAI-PMH set of the open directory: {ensure_oai_set()}")


def _register_subcommands():
    """Attach the sub-groups of capability packages to the ``techdata`` group."""
    from .bench.seed import bench_seed
    from .certificates.cli import certificate_cli
    from .directory.cli import directory_cli
    from .projects.cli import projects_cli
    from .workdays.cli import calendar_cli

    techdata.add_command(bench_seed)
    techdata.add_command(calendar_cli)
    techdata.add_command(certificate_cli)
    techdata.add_command(directory_cli)
    techdata.add_command(projects_cli)


_register_subcommands()
