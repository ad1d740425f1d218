"""``invenio techdata audit ...``: verify the trail's hash chain (LZ Art. 38).

``verify`` walks the whole chain and exits 1, naming the first edited,
deleted or inserted entry, when it does not hold; 0 with the number of
entries checked when it does. There is no command that deletes entries:
they are kept at least ``TECHDATA_AUDIT_RETENTION_YEARS`` (five, CD-PD
Art. 23).
"""

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..kernel.audit_chain import verify
from .archive import archive_zip, verify_archive
from .digest import check, digests, run_daily
from .settings import record_setting_changes


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


@audit_cli.command("digest")
@click.option("--write", is_flag=True, help="Verify, then sign today's digest (as the daily task).")
@with_appcontext
def digest_command(write):
    """Show the signed daily digests and check them with the chain (exit 1 if broken)."""
    if write:
        result = run_daily()
        if not result["ok"]:
            raise click.ClickException("; ".join(result["problems"]))
    for d in digests():
        click.echo(f"{d['day']}  #{d['position']}  {d['last_hash']}  key {d['key_id']}")
    checked, problems = check()
    if problems:
        raise click.ClickException(
            f"audit digests do not hold ({checked} entries checked) / 审计摘要校验失败: "
            + "; ".join(problems))
    click.echo(f"digests and chain intact: {checked} entries / 摘要与审计链完整：{checked} 条")


def _day(value):
    """A ``YYYY-MM-DD`` option as a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) / 不是日期")


@audit_cli.command("archive")
@click.option("--from", "date_from", help="First day (YYYY-MM-DD, Beijing time).")
@click.option("--to", "date_to", help="Last day (YYYY-MM-DD, Beijing time).")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def archive_command(date_from, date_to, output):
    """Export a period's entries and digests as a signed ZIP (nothing is removed)."""
    data, manifest = archive_zip(_day(date_from), _day(date_to))
    Path(output).write_bytes(data)
    problems = verify_archive(data)
    if problems:
        raise click.ClickException("; ".join(problems))
    click.echo(json.dumps({k: manifest[k] for k in ("entries", "digests", "first_position",
                                                     "last_position", "key_id")}))


@audit_cli.command("settings")
@with_appcontext
def settings_command():
    """Record the deadline settings that changed since the last record (also run by upgrade)."""
    changed = record_setting_changes()
    click.echo(", ".join(changed) if changed else "no deadline setting changed / 期限设置未变")


@audit_cli.command("retention")
@with_appcontext
def retention_command():
    """Print the retention rule of the trail (no entry is ever deleted here)."""
    years = current_app.config["TECHDATA_AUDIT_RETENTION_YEARS"]
    click.echo(f"entries are kept at least {years} years and never deleted (CD-PD Art. 23) / "
               f"审计记录至少保存 {years} 年，不提供删除")
