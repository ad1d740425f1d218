"""``invenio techdata certificate ...``: verify certificates, show the public key."""

import json
import sys

import click
from flask.cli import with_appcontext

from ..kernel.i18n import _, bilingual
from .api import get_certificate, verify_document
from .offline import document_from_bytes
from .signing import key_id, public_key_pem
from .views import certificate_document


@click.group("certificate")
def certificate_cli():
    """Deposit certificates (汇交凭证, CD-TD Art. 15)."""


@certificate_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@with_appcontext
def verify(path):
    """Verify a certificate's JSON (or its PDF) with the platform key; exit 1 if invalid."""
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    try:
        doc = document_from_bytes(data)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    valid, reasons = verify_document(doc)
    for reason in reasons:
        click.echo(f"- {reason}")
    click.echo("VALID" if valid else "INVALID")
    sys.exit(0 if valid else 1)


@certificate_cli.command("public-key")
@with_appcontext
def public_key():
    """Print the platform's public key (PEM) used to verify certificates."""
    click.echo(public_key_pem(), nl=False)
    click.echo(f"# key id: {key_id()}", err=True)


@certificate_cli.command("show")
@click.argument("certificate_id")
@with_appcontext
def show(certificate_id):
    """Print the signed JSON of a certificate (what GET /api/certificates/<id> returns)."""
    cert = get_certificate(certificate_id)
    if cert is None:
        raise click.ClickException(bilingual(_("No deposit certificate has the id %(id)s.",
                                                  id=certificate_id)))
    with_links = certificate_document(cert)
    click.echo(json.dumps(with_links, ensure_ascii=False, indent=2, sort_keys=True))
