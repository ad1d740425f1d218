"""Working-day deadlines across Chinese holidays, make-up days and unknown years."""

import logging
from datetime import date

import pytest

from techdata.workdays import WorkingDayCalendar
from techdata.workdays.calendar import working_days
from techdata.workdays.loader import ScheduleError, load_schedule, parse_schedule

SCHEDULE_2027 = """
year: 2027
source: test notice
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-06, to: 2027-02-13}
workdays:
  - {name: 春节调休, date: 2027-02-14}
"""


def test_national_day_week_with_make_up_saturday():
    """2026 National Day: Oct 1-7 off, Saturday Oct 10 is a make-up working day."""
    cal = WorkingDayCalendar()
    assert not cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 7))
    assert cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 9, 20))  # 调休 Sunday before Mid-autumn
    assert cal.is_workday(date(2026, 10, 10))  # 调休 Saturday
    assert not cal.is_workday(date(2026, 10, 11))
    # Received Wed 30 Sep: day 1 is Thu 8 Oct, day 3 Sat 10 Oct, 12-16 (4-8),
    # 19-23 (9-13), so day 15 is Tue 27 Oct; plain weekdays would give 21 Oct.
    assert cal.add_working_days(date(2026, 9, 30), 15) == date(2026, 10, 27)
    # 10 working days from the same day: 8, 9, 10, 12-16 (8), 19, 20.
    assert cal.add_working_days(date(2026, 9, 30), 10) == date(2026, 10, 20)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 27)) == 15
    assert cal.working_days_between(date(2026, 10, 27), date(2026, 9, 30)) == -15


def test_received_on_a_holiday_counts_from_the_next_working_day():
    """A request arriving on 3 Oct 2026 (holiday) starts counting on 8 Oct."""
    cal = WorkingDayCalendar()
    assert cal.add_working_days(date(2026, 10, 3), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 10, 3), -1)


def test_unknown_year_falls_back_to_weekdays_and_logs(caplog):
    """December 2026 + 15 working days runs into 2027, which the package lacks."""
    cal = WorkingDayCalendar()
    with caplog.at_level(logging.WARNING, logger="techdata.workdays.calendar"):
        due = cal.add_working_days(date(2026, 12, 20), 15)
    # Dec 21-25 (5), Dec 28-31 (9), Fri 1 Jan counted as a weekday (10), Jan 4-8.
    assert due == date(2027, 1, 8)
    assert cal.source(2027) == "fallback" and cal.source(2026) == "package"
    assert cal.uses_fallback(date(2026, 12, 20), due) == [2027]
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1  # logged once per year, not once per day


def test_loaded_schedule_replaces_the_fallback(app, db):
    """An administrator loads 2027's schedule; deadlines then use it."""
    year, count = load_schedule(SCHEDULE_2027, "test")
    assert (year, count) == (2027, 3 + 8 + 1)
    cal = working_days()
    assert cal.source(2027) == "loaded"
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 14))  # Sunday make-up day
    assert not cal.is_workday(date(2027, 2, 8))  # Monday in Spring Festival
    # Same request as above: Jan 1 is now a holiday, so one more day is needed.
    assert cal.add_working_days(date(2026, 12, 20), 15) == date(2027, 1, 11)
    # Loading a corrected notice replaces the year, it does not add to it.
    load_schedule("year: 2027\nholidays:\n  - {from: 2027-01-01}\n", "fix")
    cal = working_days()
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 8))


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("holidays: []", "year"),
        ("year: 2027\nholidays:\n  - {from: 2027-13-01}", "holidays[0]"),
        ("year: 2027\nholidays:\n  - {from: 2027-01-05, to: 2027-01-01}", "range"),
        ("year: 2027\nholidays:\n  - {from: 2028-01-01}", "2028-01-01"),
        ("year: 2027\nholidays:\n  - {from: 2027-01-01}\nworkdays: [2027-01-01]", "workdays[0]"),
        ("year: [", "YAML"),
    ],
)
def test_bad_schedules_are_refused_with_the_entry_named(text, fragment):
    """A schedule with an error names the entry (bilingual) and loads nothing."""
    with pytest.raises(ScheduleError) as err:
        parse_schedule(text)
    assert fragment in str(err.value)


def test_calendar_cli_load_and_due(app, db, cli_runner, tmp_path):
    """``invenio techdata calendar load`` and ``due`` from the command line."""
    from techdata.cli import techdata

    path = tmp_path / "2027.yaml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    result = cli_runner(techdata, None, "calendar", "load", str(path))
    assert result.exit_code == 0, result.output
    assert "2027: 12 days loaded" in result.output
    result = cli_runner(techdata, None, "calendar", "due", "2026-12-20", "15")
    assert result.output.strip().splitlines()[0] == "2027-01-11"
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nholidays:\n  - {from: nope}\n", encoding="utf-8")
    result = cli_runner(techdata, None, "calendar", "load", str(bad))
    assert result.exit_code != 0 and "holidays[0]" in result.output
