"""Chinese working days: the clock every legal deadline runs on.

Working days follow the State Council's yearly holiday schedule with its
make-up working days (调休). Sources, in order: a schedule an administrator
loaded (``invenio techdata calendar load``), the ``chinese-calendar`` package,
and, for a year neither knows, plain Monday-Friday (logged as a fallback).
"""

from .calendar import WorkingDayCalendar, working_days

__all__ = ("WorkingDayCalendar", "working_days")
