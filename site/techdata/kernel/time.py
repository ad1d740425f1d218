"""Time: today and now where the repository's deadlines run (Beijing time).

Every legal deadline counts Chinese working days from a date in the
configured zone (``TECHDATA_TIMEZONE``, default ``Asia/Shanghai``); stored
moments are UTC.
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, has_request_context
from flask_babel import get_locale

DEFAULT_ZONE = "Asia/Shanghai"
"""China Standard Time, where Chengdu's deadlines run."""


def zone():
    """The configured time zone (``TECHDATA_TIMEZONE``)."""
    name = DEFAULT_ZONE
    if has_app_context():
        name = current_app.config.get("TECHDATA_TIMEZONE") or DEFAULT_ZONE
    return ZoneInfo(name)


def utcnow():
    """Now, timezone-aware, in UTC (what is stored)."""
    return datetime.now(timezone.utc)


def local_now():
    """Now in the configured zone (what people see)."""
    return datetime.now(zone())


def today():
    """Today's date in the configured zone (where deadlines run)."""
    return local_now().date()


def to_local(moment):
    """``moment`` (aware, or naive UTC) in the configured zone; ``None`` stays ``None``."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone())


def as_moment(value):
    """``value`` (datetime, date, or ISO 8601 text) as a datetime; None when it is none of them.

    A date (or date-only text) stays a date: a calendar day has no zone.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_datetime(value):
    """A moment as people read it here: Beijing time, ``2026-12-01 14:30`` (issue 13).

    Naive datetimes are UTC (as stored); text that is no ISO moment is shown as is.
    """
    moment = as_moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if not isinstance(moment, datetime):
        return moment.isoformat()
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def local_date(value):
    """The calendar day of ``value`` in Beijing time (a date stays itself); None if unreadable."""
    moment = as_moment(value)
    if isinstance(moment, datetime):
        return to_local(moment).date()
    return moment


def format_date(value, locale=None):
    """The day of ``value`` in Beijing time: ``2026年12月1日`` under zh, ``2026-12-01`` else.

    The record page's "uploaded" and "published" days are computed this way,
    so one moment never shows as two days on one page.
    """
    day = local_date(value)
    if day is None:
        return "" if value is None else str(value)
    if locale is None and has_request_context():
        locale = get_locale()
    if str(locale or "zh").startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()

