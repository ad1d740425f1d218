"""Time: today and now where the repository's deadlines run (Beijing time).

Every legal deadline counts Chinese working days from a date in the
configured zone (``TECHDATA_TIMEZONE``, default ``Asia/Shanghai``); stored
moments are UTC.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

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
