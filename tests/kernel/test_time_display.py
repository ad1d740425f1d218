"""One time zone for people: Beijing time, one format (issue 13, point 6)."""

from datetime import date, datetime, timezone

from flask import render_template_string

from techdata.kernel.time import format_date, format_datetime, local_date


def test_moments_in_beijing_time():
    assert format_datetime("2026-11-30T16:48:06+00:00") == "2026-12-01 00:48"
    assert format_datetime("2026-11-30T16:48:06Z") == "2026-12-01 00:48"
    assert format_datetime(datetime(2026, 11, 30, 16, 48)) == "2026-12-01 00:48"  # naive = UTC
    assert format_datetime(datetime(2026, 11, 30, 16, 48, tzinfo=timezone.utc)) == "2026-12-01 00:48"
    assert format_datetime(None) == ""
    assert format_datetime("not a date") == "not a date"


def test_days_in_beijing_time():
    """The "uploaded" moment 16:48 UTC on 30 Nov is 1 Dec in Chengdu, like "published"."""
    assert local_date("2026-11-30T16:48:06+00:00") == date(2026, 12, 1)
    assert local_date("2026-11-30") == date(2026, 11, 30)  # a day has no zone
    assert format_date("2026-11-30T16:48:06+00:00", "zh") == "2026年12月1日"
    assert format_date("2026-11-30T16:48:06+00:00", "en") == "2026-12-01"


def test_template_filters(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        out = render_template_string(
            "{{ '2026-11-30T16:48:06+00:00' | techdata_datetime }}|"
            "{{ '2026-11-30T16:48:06+00:00' | techdata_date }}")
    assert out == "2026-12-01 00:48|2026年12月1日"
