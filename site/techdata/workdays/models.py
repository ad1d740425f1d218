"""Holiday schedules loaded by an administrator (one row per listed day)."""

from datetime import datetime, timezone

from invenio_db import db


class CalendarDay(db.Model):
    """A day whose status an official schedule states (holiday or make-up day).

    Only days that differ from the plain weekday rule need a row: a weekday
    holiday (``is_workday`` false) or a weekend make-up working day (调休,
    ``is_workday`` true). A year with at least one row counts as *known*.
    """

    __tablename__ = "techdata_calendar_day"

    day = db.Column(db.Date, primary_key=True)
    is_workday = db.Column(db.Boolean, nullable=False)
    name = db.Column(db.String(100), nullable=False, default="")
    source = db.Column(db.String(255), nullable=False, default="")
    loaded_at = db.Column(
        db.DateTime, nullable=False, default=lambda: datetime.now(timezone.utc)
    )


class CalendarYear(db.Model):
    """A year whose full official schedule an administrator loaded."""

    __tablename__ = "techdata_calendar_year"

    year = db.Column(db.Integer, primary_key=True)
    source = db.Column(db.String(255), nullable=False, default="")
    loaded_at = db.Column(
        db.DateTime, nullable=False, default=lambda: datetime.now(timezone.utc)
    )
