"""Deadlines: remind before, escalate after, once each per due date.

Features give the reading of their own clock (working days left, overdue)
and what to send; the flags ``reminded`` / ``escalated`` in a request's
payload make each notice happen once (whoever moves the due date clears
them). :func:`check_deadlines` runs it in a unit of work, so the notices
registered on it go out once the flags are committed.
"""

from invenio_db import db
from invenio_records_resources.services.uow import UnitOfWork


def remind_and_escalate(rows, ahead, left, overdue, remind, escalate):
    """For each request row with a ``due_date``: ``escalate(row)`` once overdue,
    ``remind(row)`` once due within ``ahead`` working days.

    ``left(payload)`` and ``overdue(payload)`` read the feature's clock.
    Returns the counts; the caller commits.
    """
    counts = {"reminded": 0, "escalated": 0}
    for row in rows:
        payload = dict(row.json.get("payload") or {})
        if not payload.get("due_date"):
            continue
        if overdue(payload) and not payload.get("escalated"):
            escalate(row)
            payload["escalated"] = True
            counts["escalated"] += 1
        elif 0 <= left(payload) <= ahead and not payload.get("reminded"):
            remind(row)
            payload["reminded"] = True
            counts["reminded"] += 1
        else:
            continue
        row.json = {**row.json, "payload": payload}
    return counts


def check_deadlines(rows, ahead, left, overdue, remind, escalate):
    """:func:`remind_and_escalate` in a unit of work, committed; returns the counts.

    ``remind(uow, row)`` and ``escalate(uow, row)`` register their notices on
    the unit of work (``NotificationOp``): they are sent after the commit.
    """
    with UnitOfWork(db.session) as uow:
        counts = remind_and_escalate(
            rows, ahead, left, overdue,
            remind=lambda row: remind(uow, row),
            escalate=lambda row: escalate(uow, row))
        uow.commit()
    return counts
