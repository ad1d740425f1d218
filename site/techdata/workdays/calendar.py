"""``WorkingDayCalendar``: is a day a working day, and when is a deadline due.

Deadline rule (documented in the README): a request received on day D that
must be answered "within N working days" is due at the end of the N-th
working day after D; D itself does not count, whether or not it is a working
day. A request received on a holiday therefore starts counting on the first
working day after it.
"""

import logging
from datetime import date, timedelta

import chinese_calendar

from .models import CalendarDay, CalendarYear

MIN_YEAR = 1949
"""Earliest year the calendar answers for (no deadline of this repository runs before)."""

MAX_YEAR = 2199
"""Latest year the calendar answers for (a far-off date is a typing error)."""

logger = logging.getLogger(__name__)


class WorkingDayCalendar:
    """Working days from a loaded schedule, ``chinese-calendar``, or weekdays.

    ``overrides`` maps years an administrator loaded to ``{day: is_workday}``
    for the days that differ from Monday-Friday. Without a loaded year the
    ``chinese-calendar`` package answers; for a year it does not know (it
    raises ``NotImplementedError``), weekdays count and a warning is logged
    once per year, so a deadline running into next year never crashes.
    """

    def __init__(self, overrides=None):
        """Build a calendar; ``overrides`` is ``{year: {date: bool}}``."""
        self.overrides = overrides or {}
        self.fallback_years = set()

    def source(self, year):
        """Where the answer for ``year`` comes from: loaded, package or fallback."""
        if year in self.overrides:
            return "loaded"
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return "package"
        except NotImplementedError:
            return "fallback"

    def is_workday(self, day):
        """True when ``day`` is a Chinese working day."""
        loaded = self.overrides.get(day.year)
        if loaded is not None:
            return loaded.get(day, day.weekday() < 5)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self.fallback_years:
                self.fallback_years.add(day.year)
                logger.warning(
                    "No official holiday schedule for %s: counting Monday-Friday "
                    "as working days. Load the State Council schedule with "
                    "'invenio techdata calendar load'.",
                    day.year,
                )
            return day.weekday() < 5

    def add_working_days(self, start, count):
        """The day on which ``count`` working days after ``start`` end."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        left = count
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def add_calendar_days(self, start, count):
        """The day on which a period of ``count`` calendar days (日, not 工作日) after ``start``
        ends: ``start + count``, moved to the next working day when that day is a rest day or
        statutory holiday (DOMAIN "Requests and their deadlines"; CD-PD Art. 28, 34)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start + timedelta(days=count)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start, end):
        """Working days in the half-open span (``start``, ``end``]; negative if reversed."""
        if end < start:
            return -self.working_days_between(end, start)
        day, count = start, 0
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def uses_fallback(self, start, end):
        """Years between ``start`` and ``end`` that no schedule covers."""
        return sorted(
            y for y in range(start.year, end.year + 1) if self.source(y) == "fallback"
        )


def load_overrides():
    """The administrator-loaded schedules from the database, by year."""
    years = {row.year: {} for row in CalendarYear.query.all()}
    for row in CalendarDay.query.all():
        if row.day.year in years:
            years[row.day.year][row.day] = row.is_workday
    return years


def working_days():
    """A calendar with the loaded schedules of the current database."""
    return WorkingDayCalendar(load_overrides())
