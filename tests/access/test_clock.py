"""The request clock: start, pause, resume, stop, in Chinese working days."""

from datetime import date

from techdata.access import clock


def _request():
    """A bare request-like dict (the clock only reads and writes the payload)."""
    return {"payload": {}}


def test_start_across_national_day(app, db):
    """Received Wed 30 Sep 2026, 15 working days: due Tue 27 Oct (调休 Sat 10 Oct counts)."""
    req = _request()
    assert clock.start(req, 15, on=date(2026, 9, 30)) == "2026-10-27"
    assert req["payload"]["clock"] == clock.RUNNING
    assert clock.is_overdue(req["payload"], on=date(2026, 10, 28))
    assert not clock.is_overdue(req["payload"], on=date(2026, 10, 27))


def test_pause_and_resume_keep_the_days_left(app, db):
    """Paused after 3 working days, resumed later: 7 of 10 days are left."""
    req = _request()
    clock.start(req, 10, on=date(2026, 9, 30))          # due Tue 20 Oct
    clock.pause(req, on=date(2026, 10, 10))             # 8, 9, 10 Oct used
    assert req["payload"]["days_used"] == 3
    assert clock.is_overdue(req["payload"], on=date(2026, 12, 1)) is False  # paused
    # Resumed Mon 2 Nov (not counted): 3-6 (4), 9-11 (7) -> Wed 11 Nov.
    assert clock.resume(req, on=date(2026, 11, 2)) == "2026-11-11"
    assert req["payload"]["pauses"] == [["2026-10-10", "2026-11-02"]]
    clock.stop(req, on=date(2026, 11, 5))
    assert req["payload"]["clock"] == clock.STOPPED
    assert not clock.is_overdue(req["payload"], on=date(2026, 12, 1))


def test_pausing_never_rescues_an_overdue_request(app, db):
    """Paused after the due date: on resume it stays due on the original date."""
    req = _request()
    clock.start(req, 10, on=date(2026, 9, 30))
    clock.pause(req, on=date(2026, 10, 30))
    assert clock.resume(req, on=date(2026, 11, 2)) == "2026-10-20"
    assert clock.is_overdue(req["payload"], on=date(2026, 11, 2))


def test_running_into_an_unknown_year_falls_back(app, db):
    """Dec 2026 + 15 working days runs into 2027 (weekday fallback, no crash)."""
    req = _request()
    due = date.fromisoformat(clock.start(req, 15, on=date(2026, 12, 21)))
    assert due.year == 2027
    assert clock.working_days_left(req["payload"], on=date(2026, 12, 21)) == 15


def test_calendar_days_end_on_the_next_working_day(app, db):
    """10日 (CD-PD Art. 34) counts calendar days: from Fri 25 Sep 2026 the 10th day is Mon 5 Oct,
    in the National Day holiday, so the period ends Thu 8 Oct; a pause counts calendar days."""
    req = _request()
    assert clock.start(req, 10, on=date(2026, 9, 25), counting=clock.CALENDAR) == "2026-10-08"
    clock.pause(req, on=date(2026, 9, 28))               # 26, 27, 28 Sep used
    assert req["payload"]["days_used"] == 3
    # 7 left from Mon 12 Oct: Mon 19 Oct (a working day)
    assert clock.resume(req, on=date(2026, 10, 12)) == "2026-10-19"
    working = _request()
    assert clock.start(working, 10, on=date(2026, 9, 25)) != "2026-10-08"


def test_which_types_count_calendar_days(app):
    """The opening application and the appeal say 日; the others 工作日."""
    assert clock.clock_counting("opening-application") == clock.CALENDAR
    assert clock.clock_counting("appeal") == clock.CALENDAR
    for key in ("conditional-access", "conditional-sharing", "correction", "data-service"):
        assert clock.clock_counting(key) == clock.WORKING
