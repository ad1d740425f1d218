"""``invenio techdata projects ...``: import from the program-management system."""

import json
import sys

import click
from flask.cli import with_appcontext

from ..kernel.tables import read_rows
from .importer import import_projects
from .proxies import current_projects_service


@click.group("projects")
def projects_cli():
    """Funded projects (CD-TD Art. 15)."""


@projects_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def import_cmd(path, dry_run, as_json):
    """Import (create or update) projects from a CSV or XLSX file."""
    service = current_projects_service
    rows = list(read_rows(path))
    with click.progressbar(length=len(rows), label="projects", file=sys.stderr) as bar:
        done = [0]

        def progress(n):
            bar.update(n - done[0])
            done[0] = n

        report = import_projects(service, rows, dry_run=dry_run, progress=progress)
    service.indexer.refresh()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        verb = "would create" if dry_run else "created"
        click.echo(f"{verb}: {len(report.created)}; "
                   f"{'would update' if dry_run else 'updated'}: {len(report.updated)}; "
                   f"errors: {len(report.errors)}")
        for err in report.errors:
            for e in err["errors"]:
                click.echo(f"  row {err['row']} ({err['number']}): {e['field']}: {' '.join(e['messages'])}")
    if report.errors:
        raise SystemExit(1)
