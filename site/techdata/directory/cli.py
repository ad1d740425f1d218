"""``invenio techdata directory ...``: rebuild and inspect the directories."""

import click
from flask.cli import with_appcontext

from .oai import ensure_oai_set
from .records import sync_all
from .store import pending_changes, unchecked_entries


@click.group("directory")
def directory_cli():
    """The resource and open directories (CD-TD Art. 7, 19)."""


@directory_cli.command("sync")
@with_appcontext
def sync():
    """Rebuild the deposited entries from all published records."""
    counts = sync_all()
    click.echo(f"OAI-PMH set: {ensure_oai_set()}")
    click.echo("entries synced: {synced}, in the open directory: {open}, "
               "withdrawn: {withdrawn}".format(**counts))


@directory_cli.command("upkeep")
@with_appcontext
def upkeep():
    """List changes not yet released and entries due for their yearly check."""
    for row in pending_changes():
        flag = "OVERDUE" if row["overdue"] else "due"
        click.echo(f"change  {row['entry_id']}  {row['entity'] or '-'}  {flag} {row['due_date']}")
    for row in unchecked_entries():
        click.echo(f"check   {row['entry_id']}  {row['entity'] or '-'}  last {row['last_checked']}")
