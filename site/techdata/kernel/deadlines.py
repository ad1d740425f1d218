"""Deadlines: remind before, escalate after, once each per due date.

Features give the reading of their own clock (working days left, overdue);
the flags ``reminded`` / ``escalated`` in a request's payload make each
notice happen once (whoever moves the due date clears them).
"""


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
