"""``invenio techdata audit ...``: verify the trail's hash chain (LZ Art. 38).

``verify`` walks the whole chain and exits 1, naming the first edited,
deleted or inserted entry, when it does not hold; 0 with the number of
entries checked when it does. There is no command that deletes entries:
they are kept at least ``TECHDATA_AUDIT_RETENTION_YEARS`` (five, CD-PD
Art. 23).
"""

import click
from flask import current_app
from flask.cli import with_appcontext

from ..kernel.audit_chain import verify


@click.group("audit")
def audit_cli():
    """The audit trail (LZ Art. 21, 38, 40; CD-PD Art. 23)."""


@audit_cli.command("verify")
@with_appcontext
def verify_command():
    """Check the hash chain of the audit trail; name the first broken entry."""
    checked, broken = verify()
    if broken is not None:
        raise click.ClickException(
            f"audit chain broken after {checked} good entries: {broken} / "
            f"审计链在第 {checked} 条之后断裂：{broken}")
    click.echo(f"audit chain intact: {checked} entries / 审计链完整：{checked} 条")


@audit_cli.command("retention")
@with_appcontext
def retention_command():
    """Print the retention rule of the trail (no entry is ever deleted here)."""
    years = current_app.config["TECHDATA_AUDIT_RETENTION_YEARS"]
    click.echo(f"entries are kept at least {years} years and never deleted (CD-PD Art. 23) / "
               f"审计记录至少保存 {years} 年，不提供删除")
