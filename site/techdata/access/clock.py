"""The working-day clock of a request (CD-PD Art. 26-28, 34; QY Art. 16, 24; LZ Art. 25, 31).

The clock lives in the request's payload, so ``due_date`` is in the body of
every request the standard ``/api/requests`` API returns and a client can list
overdue requests without knowing our calendar.

The rule (documented in the README):

1. **Start.** On submission the clock starts: ``received_on`` is the day the
   request arrived (Asia/Shanghai), that day does not count, and the answer is
   due on the ``limit_days``-th Chinese working day after it — or, for the types
   whose text says 日 and not 工作日 (``TECHDATA_ACCESS_CALENDAR_DAYS``: the opening
   application, CD-PD Art. 34, and the appeal, CD-PD Art. 28), ``limit_days``
   calendar days after it, a period ending on a rest day or holiday moving to the
   next working day. The payload's ``counting`` says which.
2. **Pause.** While the provider waits on the applicant (the request is
   returned for more information), the clock is paused. The working days used
   so far are those after the start up to and including the pause day.
3. **Resume.** When the applicant answers (resubmits), the clock runs again
   from that day (not counted) with the working days that were left. A request
   paused after it was already overdue stays due on its original date:
   pausing never rescues an overdue answer.
4. **Stop.** A decision (granted, refused, delivered ...), a withdrawal or an
   expiry stops the clock; ``answered_on`` records the day.

Reminders and escalation (``tasks.py``) look only at running clocks.
"""

from datetime import date

from flask import current_app
from marshmallow import fields

from ..kernel.time import today
from ..workdays import working_days

RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"
"""The states of a clock."""

WORKING, CALENDAR = "working", "calendar"
"""How a clock counts its days: working days (工作日) or calendar days (日)."""

CLOCK_FIELDS = {
    "received_on": fields.String(),
    "due_date": fields.String(),
    "limit_days": fields.Integer(),
    "counting": fields.String(),
    "clock": fields.String(),
    "segment_start": fields.String(),
    "days_used": fields.Integer(),
    "paused_on": fields.String(),
    "pauses": fields.List(fields.List(fields.String())),
    "answered_on": fields.String(),
    "reminded": fields.Boolean(),
    "escalated": fields.Boolean(),
}
"""Payload fields of the clock, for a request type's ``payload_schema``."""


def _payload(request):
    """A copy of the request's payload (a dict)."""
    return dict(request.get("payload") or {})


def _day(value):
    """A date from an ISO string (or a date)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def clock_counting(deadline_key):
    """How the clock of ``deadline_key`` counts (``TECHDATA_ACCESS_CALENDAR_DAYS``)."""
    calendar_keys = current_app.config.get("TECHDATA_ACCESS_CALENDAR_DAYS", ())
    return CALENDAR if deadline_key in calendar_keys else WORKING


def _due(counting, on, days):
    """The due day ``days`` after ``on``, counted as ``counting`` says."""
    if counting == CALENDAR:
        return working_days().add_calendar_days(on, days)
    return working_days().add_working_days(on, days)


def _used(counting, since, on):
    """The days of the clock used from ``since`` (not counted) to ``on``."""
    if counting == CALENDAR:
        return (on - since).days
    return working_days().working_days_between(since, on)


def start(request, limit_days, on=None, counting=WORKING):
    """Start the clock: due ``limit_days`` working (or calendar) days after ``on`` (default
    today)."""
    on = on or today()
    payload = _payload(request)
    payload.update(
        received_on=on.isoformat(),
        limit_days=int(limit_days),
        counting=counting,
        clock=RUNNING,
        segment_start=on.isoformat(),
        days_used=0,
        pauses=[],
        due_date=_due(counting, on, int(limit_days)).isoformat(),
    )
    for key in ("paused_on", "answered_on", "reminded", "escalated"):
        payload.pop(key, None)
    request["payload"] = payload
    return payload["due_date"]


def pause(request, on=None):
    """Pause a running clock while the provider waits on the applicant."""
    payload = _payload(request)
    if payload.get("clock") != RUNNING:
        return payload.get("due_date")
    on = on or today()
    used = _used(payload.get("counting", WORKING), _day(payload["segment_start"]), on)
    payload.update(
        clock=PAUSED,
        paused_on=on.isoformat(),
        days_used=int(payload.get("days_used") or 0) + max(used, 0),
    )
    request["payload"] = payload
    return payload.get("due_date")


def resume(request, on=None):
    """Resume a paused clock with the working days that were left (rule 3)."""
    payload = _payload(request)
    if payload.get("clock") != PAUSED:
        return payload.get("due_date")
    on = on or today()
    left = int(payload["limit_days"]) - int(payload.get("days_used") or 0)
    pauses = list(payload.get("pauses") or []) + [[payload["paused_on"], on.isoformat()]]
    payload.update(clock=RUNNING, segment_start=on.isoformat(), pauses=pauses)
    payload.pop("paused_on", None)
    if left > 0:
        payload["due_date"] = _due(payload.get("counting", WORKING), on, left).isoformat()
        payload.pop("reminded", None)
    request["payload"] = payload
    return payload["due_date"]


def stop(request, on=None):
    """Stop the clock: the request has been answered or has ended."""
    payload = _payload(request)
    if payload.get("clock") == PAUSED:
        payload.pop("paused_on", None)
    payload.update(clock=STOPPED, answered_on=(on or today()).isoformat())
    request["payload"] = payload


def is_overdue(payload, on=None):
    """True when a running clock is past its due date."""
    if (payload or {}).get("clock") != RUNNING or not payload.get("due_date"):
        return False
    return (on or today()) > _day(payload["due_date"])


def working_days_left(payload, on=None):
    """Working days from ``on`` to the due date (negative when overdue), or None."""
    if not (payload or {}).get("due_date"):
        return None
    return working_days().working_days_between(on or today(), _day(payload["due_date"]))
