"""Loading a year's official holiday schedule without a code change.

File format (YAML or JSON), one year per file, as the State Council publishes
it (国务院办公厅关于某年部分节假日安排的通知)::

    year: 2027
    source: 国办发明电〔2026〕X号
    holidays:
      - {name: 元旦 New Year, from: 2027-01-01, to: 2027-01-03}
    workdays:             # make-up working days (调休)
      - {name: 春节调休, date: 2027-02-06}

Loading a year replaces whatever was loaded for it before (in one
transaction), so a corrected notice can be loaded again.
"""

from datetime import date, timedelta

import yaml
from invenio_db import db

from ..kernel import audit
from .calendar import MAX_YEAR, MIN_YEAR
from .models import CalendarDay, CalendarYear


class _ScheduleLoader(yaml.SafeLoader):
    """YAML loader that keeps dates as text, so a bad date names its entry."""


_ScheduleLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


class ScheduleError(ValueError):
    """A schedule file that cannot be loaded; the message names the entry."""


def _as_date(value, where):
    """A ``date`` from a YAML date or an ISO string, else ``ScheduleError``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (ValueError, TypeError):
        raise ScheduleError(f"{where}: '{value}' is not a date (YYYY-MM-DD) / 不是日期")


def parse_schedule(text):
    """Validate a schedule document; returns ``(year, source, {day: (workday, name)})``."""
    try:
        doc = yaml.load(text, Loader=_ScheduleLoader)  # noqa: S506 (safe subclass)
    except yaml.YAMLError as exc:
        raise ScheduleError(f"not YAML/JSON / 文件格式错误: {exc}")
    if (not isinstance(doc, dict) or not isinstance(doc.get("year"), int)
            or isinstance(doc.get("year"), bool)):
        raise ScheduleError("'year' (an integer) is required / 缺少年份 year")
    year = doc["year"]
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ScheduleError(f"year {year} is not between {MIN_YEAR} and {MAX_YEAR} / "
                            f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间")
    days = {}
    for i, item in enumerate(doc.get("holidays") or []):
        where = f"holidays[{i}]"
        if not isinstance(item, dict):
            raise ScheduleError(f"{where}: expected {{name, from, to}} / 格式错误")
        first = _as_date(item.get("from", item.get("date")), where)
        last = _as_date(item.get("to", first), where)
        if last < first or (last - first).days > 31:
            raise ScheduleError(f"{where}: bad range {first}..{last} / 日期范围错误")
        day = first
        while day <= last:
            days[day] = (False, str(item.get("name", "")))
            day += timedelta(days=1)
    for i, item in enumerate(doc.get("workdays") or []):
        where = f"workdays[{i}]"
        item = item if isinstance(item, dict) else {"date": item}
        day = _as_date(item.get("date"), where)
        if day in days:
            raise ScheduleError(f"{where}: {day} is also listed as a holiday / 与假日重复")
        days[day] = (True, str(item.get("name", "")))
    wrong = sorted(d for d in days if d.year != year)
    if wrong:
        raise ScheduleError(f"{wrong[0]} is not in {year} / 日期不在该年度")
    return year, str(doc.get("source", "")), days


def load_schedule(text, source_name=""):
    """Store a year's schedule (replacing the earlier one); returns ``(year, days)``."""
    year, source, days = parse_schedule(text)
    source = source or source_name
    before = CalendarDay.query.filter(  # the days it replaces, for the audit trail
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).count()
    CalendarDay.query.filter(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
    ).delete()
    CalendarYear.query.filter_by(year=year).delete()
    db.session.add(CalendarYear(year=year, source=source))
    for day, (is_workday, name) in sorted(days.items()):
        db.session.add(
            CalendarDay(day=day, is_workday=is_workday, name=name, source=source)
        )
    db.session.commit()
    audit.log("techdata.calendar.load", str(year), identity=audit.current_identity(),
              before={"days": before}, after={"days": len(days), "source": source})
    return year, len(days)
