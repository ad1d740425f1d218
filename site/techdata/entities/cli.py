"""``invenio techdata entities ...``: import entities, and programme assignments, from a CSV
or XLSX file."""

import json

import click
from flask.cli import with_appcontext
from invenio_access.permissions import system_identity

from ..kernel.errors import DomainError

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


PROGRAM_COLUMNS = {"program": ("计划类别", "program"), "user": ("邮箱", "email", "user")}
"""Headings of a programme-assignment table (Chinese or English)."""


def _cell(row, names):
    """The first non-empty cell of ``row`` under one of the headings ``names``."""
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


@entities_cli.command("programs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing.")
@with_appcontext
def programs_cmd(path, dry_run):
    """Assign programmes to program managers, one per row (计划类别/program, 邮箱/email)."""
    errors, done = 0, 0
    for number, row in enumerate(read_rows(path), start=2):
        program = _cell(row, PROGRAM_COLUMNS["program"])
        user = _cell(row, PROGRAM_COLUMNS["user"])
        try:
            if dry_run:
                current_entities_service.check_program_manager(program, user)
            else:
                current_entities_service.add_program_manager(system_identity, program, user)
            done += 1
        except DomainError as err:
            errors += 1
            for e in err.errors or [{"field": "", "messages": [err.message]}]:
                click.echo(f"  row {number} ({user}): {e['field']}: {' '.join(e['messages'])}")
    click.echo(f"{'would assign' if dry_run else 'assigned'}: {done}; errors: {errors}")
    if errors:
        raise SystemExit(1)
