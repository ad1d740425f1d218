"""``invenio techdata calendar ...``: load and inspect holiday schedules."""

from datetime import date, timedelta

import click
from flask.cli import with_appcontext


@click.group("calendar")
def calendar_cli():
    """Chinese working-day calendar (holiday schedules)."""


@calendar_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load(path):
    """Load a year's State Council holiday schedule from a YAML/JSON file."""
    from .loader import ScheduleError, load_schedule

    with open(path, encoding="utf-8") as fp:
        text = fp.read()
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
    from .calendar import working_days

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
    from .calendar import working_days

    cal = working_days()
    start_day = date.fromisoformat(start)
    end = cal.add_working_days(start_day, days)
    click.echo(end.isoformat())
    for year in cal.uses_fallback(start_day, end):
        click.echo(f"warning: {year} has no official schedule; weekdays counted", err=True)
