"""``invenio techdata import MANIFEST``: bulk import of existing datasets (issue 21)."""

import os

import click
from flask.cli import with_appcontext
from invenio_access import any_user, authenticated_user
from invenio_access.permissions import system_identity
from invenio_access.utils import get_identity
from invenio_accounts.models import User

from ..kernel.i18n import _, bilingual
from .manifest import COLUMNS, ManifestError, read_manifest
from .proxies import current_import_service
from .rows import RowError


def owner_identity(email):
    """The identity of the account that will own the imported datasets."""
    user = User.query.filter_by(email=email).one_or_none()
    if user is None:
        raise click.BadParameter(bilingual(_("No account with this e-mail address.")),
                                 param_hint="--owner")
    identity = get_identity(user)
    identity.provides.update({any_user, authenticated_user})
    identity.user = user
    return identity


@click.command("import", epilog="Columns: " + "; ".join(COLUMNS))
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False))
@click.option("--files", "files_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of the files the manifest names (default: the manifest's folder).")
@click.option("--owner", required=True, help="E-mail of the account that owns the datasets.")
@click.option("--batch-size", default=100, show_default=True, help="Rows per transaction.")
@click.option("--fast", is_flag=True,
              help="Write each batch table by table with the same checks, instead of one "
                   "records-service call per row (techdata.importer.fast).")
@with_appcontext
def import_command(manifest, files_dir, owner, batch_size, fast):
    """Import the datasets of MANIFEST (CSV, XLSX or JSON) with their files and the
    review and confidentiality decisions taken at the time; re-running skips what
    is already imported."""
    identity = owner_identity(owner)
    try:
        rows = read_manifest(manifest)
    except ManifestError as err:
        raise click.ClickException(str(err))
    files_dir = files_dir or os.path.dirname(os.path.abspath(manifest))
    with click.progressbar(length=len(rows), label="importing", show_pos=True,
                           show_eta=True) as bar:
        try:
            report = current_import_service.import_rows(
                system_identity, rows, identity, files_dir=files_dir, batch_size=batch_size,
                progress=bar.update, fast=fast)
        except RowError as err:  # the whole run refused (e.g. --fast with DataCite on)
            raise click.ClickException(str(err))
    for line, key, errors in report.errors:
        for column, message in errors.items():
            click.echo(f"row {line} ({key or '-'}), {column}: {message}", err=True)
    click.echo(f"imported {len(report.imported)}, already there {len(report.skipped)}, "
               f"errors {len(report.errors)}, indexed {report.indexed}, "
               f"{report.seconds:.1f} s ({report.rate:.1f} records/s)")
    if report.errors:
        raise SystemExit(1)
