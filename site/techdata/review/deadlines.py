"""Due dates of reviews in Chinese working days (CD-PD Art. 14 as the model)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ..workdays import working_days


def today():
    """Today's date where the deadlines run (Asia/Shanghai by default)."""
    tz = ZoneInfo(current_app.config.get("TECHDATA_WORKDAYS_TIMEZONE", "Asia/Shanghai"))
    return datetime.now(tz).date()


def stamp_due_date(request, kind, received=None):
    """Write ``received_on`` and the working-day ``due_date`` into the payload."""
    received = received or today()
    days = current_app.config["TECHDATA_REVIEW_DEADLINES"][kind]
    payload = dict(request.get("payload") or {})
    payload["received_on"] = received.isoformat()
    payload["due_date"] = working_days().add_working_days(received, days).isoformat()
    payload.pop("reminded", None)
    payload.pop("escalated", None)
    request["payload"] = payload
    return payload["due_date"]
