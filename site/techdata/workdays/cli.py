"""``invenio techdata calendar ...``: load and inspect holiday schedules.

Bad input (a date that is not ``YYYY-MM-DD``, a year outside
``MIN_YEAR``-``MAX_YEAR``, a negative or huge number of days, a file that is
not UTF-8 YAML/JSON) is answered with a bilingual message and exit code 1,
never a traceback.
"""

from datetime import date, timedelta

import click
from flask.cli import with_appcontext

from .calendar import MAX_YEAR, MIN_YEAR, working_days
from .loader import ScheduleError, load_schedule

MAX_DAYS = 3650
"""Most working days ``due`` counts (ten years of deadlines)."""


def _day(text):
    """``text`` as a date within the calendar's years, else a ``ClickException``."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise click.ClickException(
            f"'{text[:40]}' is not a date (YYYY-MM-DD) / 不是日期（格式 YYYY-MM-DD）")
    _year(day.year)
    return day


def _year(year):
    """Refuse a year the calendar does not answer for."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise click.ClickException(
            f"year {year} is not between {MIN_YEAR} and {MAX_YEAR} / "
            f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间")
    return year


@click.group("calendar")
def calendar_cli():
    """Chinese working-day calendar (holiday schedules)."""


@calendar_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load(path):
    """Load a year's State Council holiday schedule from a YAML/JSON file."""
    try:
        with open(path, encoding="utf-8") as fp:
            text = fp.read()
    except (UnicodeDecodeError, OSError) as exc:
        raise click.ClickException(f"cannot read {path} as UTF-8 text / 无法读取文件: {exc}")
    try:
        year, count = load_schedule(text, source_name=path)
    except ScheduleError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{year}: {count} days loaded")


@calendar_cli.command("show")
@click.argument("year", type=int)
@with_appcontext
def show(year):
    """List the non-working weekdays and working weekend days of YEAR."""
    _year(year)
    cal = working_days()
    click.echo(f"{year}: source {cal.source(year)}")
    day = date(year, 1, 1)
    while day.year == year:
        workday = cal.is_workday(day)
        if workday != (day.weekday() < 5):
            click.echo(f"{day.isoformat()} {'workday' if workday else 'holiday'}")
        day += timedelta(days=1)


@calendar_cli.command("due")
@click.argument("start")
@click.argument("days", type=int)
@with_appcontext
def due(start, days):
    """The due date of a request received on START (YYYY-MM-DD) with DAYS working days."""
    start_day = _day(start)
    if not 0 <= days <= MAX_DAYS:
        raise click.ClickException(
            f"DAYS must be between 0 and {MAX_DAYS} / 工作日数须在 0-{MAX_DAYS} 之间")
    cal = working_days()
    end = cal.add_working_days(start_day, days)
    _year(end.year)
    click.echo(end.isoformat())
    for year in cal.uses_fallback(start_day, end):
        click.echo(f"warning: {year} has no official schedule; weekdays counted", err=True)
