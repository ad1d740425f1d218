"""``invenio techdata entities ...``: import entities from a CSV or XLSX file."""

import json

import click
from flask.cli import with_appcontext

from .importer import import_entities
from .proxies import current_entities_service
from ..kernel.tables import read_rows


@click.group("entities")
def entities_cli():
    """Legal entities and competent departments (CD-TD Art. 4-5, 8-9)."""


@entities_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def import_cmd(path, dry_run, as_json):
    """Create or update entities, one per row (credit code, names, kind, department...)."""
    report = import_entities(current_entities_service, list(read_rows(path)), dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{'would create' if dry_run else 'created'}: {len(report.created)}; "
                   f"{'would update' if dry_run else 'updated'}: {len(report.updated)}; "
                   f"errors: {len(report.errors)}")
        for err in report.errors:
            for e in err["errors"]:
                click.echo(f"  row {err['row']} ({err['id'] or ''}): {e['field']}: "
                           f"{' '.join(e['messages'])}")
    if report.errors:
        raise SystemExit(1)
