"""Due dates of reviews in Chinese working days (CD-PD Art. 14 as the model)."""

from flask import current_app

from ..kernel.time import today
from ..workdays import working_days

__all__ = ("stamp_due_date", "today")
# ``today`` is re-exported only until access, projects, directory and demo
# import it from ``techdata.kernel.time`` (issue 15); then it goes.


def stamp_due_date(request, kind, received=None):
    """Write ``received_on`` and the working-day ``due_date`` into the payload.

    ``kind`` names the deadline in ``TECHDATA_REVIEW_DEADLINES`` (working
    days, counted from the day received where the deadlines run).
    """
    received = received or today()
    days = current_app.config["TECHDATA_REVIEW_DEADLINES"][kind]
    payload = dict(request.get("payload") or {})
    payload["received_on"] = received.isoformat()
    payload["due_date"] = working_days().add_working_days(received, days).isoformat()
    payload.pop("reminded", None)
    payload.pop("escalated", None)
    request["payload"] = payload
    return payload["due_date"]
