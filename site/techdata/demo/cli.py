"""``invenio techdata demo``: the demo roles, users, records, directories and requests."""

import click
from flask.cli import with_appcontext

from ..kernel.roles import ensure_roles
from . import directory, entities, loader, outside, projects


@click.command("demo")
@with_appcontext
def demo():
    """Create domain roles, demo users, records, directories and requests (idempotent)."""
    click.echo(f"roles created: {len(ensure_roles())}")
    users = loader.ensure_users()
    click.echo(f"demo users: {len(users)}")
    click.echo(f"demo memberships verified: {entities.ensure_demo_entities(users)}")
    click.echo(f"demo project: {projects.ensure_project()}")
    created = loader.ensure_records(users["researcher@example.org"])
    click.echo(f"demo records published: {len(created)}")
    counts = directory.ensure_directories()
    click.echo("directory entries of records: {entries}, catalogued entries added: "
               "{catalogued}, open-plan items added: {plan_items}".format(**counts))
    click.echo(f"open-directory release published: {counts['release'] or 'none (exists)'}")
    click.echo(f"demo requests filed: {outside.ensure_requests()}")
