"""Bounds of input: lengths, list sizes, amounts and years (issue 20: no stored junk).

Every field we store has an upper bound, so a 1 MB title, 20,000 keywords or
an amount of 1e20 is refused with a bilingual 400 naming the field instead
of being stored. The validators are marshmallow validators; their messages
are rendered when the check fails (in both languages).
"""

from marshmallow import ValidationError, validate

from .i18n import _, bilingual
from .time import today

MAX_TITLE = 500
"""Longest title, in characters."""

MAX_TEXT = 10000
"""Longest abstract or free text, in characters."""

MAX_ITEMS = 100
"""Most items of a keyword-like list (keywords, members, plan items, data items)."""

MAX_AMOUNT = 1e12
"""Largest amount of money (yuan, or any unit of a budget)."""

MIN_YEAR = 1900
"""Earliest year of a date."""

YEARS_AHEAD = 20
"""Latest year of a date: this many years after today."""


def last_year():
    """The latest year a date may have (today + ``YEARS_AHEAD``)."""
    return today().year + YEARS_AHEAD


class MaxLength(validate.Validator):
    """At most ``max`` characters (or ``max`` items of a list, with ``items=True``)."""

    def __init__(self, max, items=False):
        """``max`` characters, or items when ``items``."""
        self.max = max
        self.items = items

    def message(self):
        """The bilingual refusal."""
        if self.items:
            return bilingual(_("Too many items: at most %(max)s.", max=self.max))
        return bilingual(_("Too long: at most %(max)s characters.", max=self.max))

    def __call__(self, value):
        """Refuse a value longer than ``max``."""
        if value is not None and len(value) > self.max:
            raise ValidationError(self.message())
        return value


class Between(validate.Validator):
    """A number between ``min`` and ``max`` (inclusive)."""

    def __init__(self, min=0, max=MAX_AMOUNT):
        """Inclusive bounds."""
        self.min = min
        self.max = max

    def __call__(self, value):
        """Refuse a number outside the bounds."""
        if value is not None and not (self.min <= value <= self.max):
            raise ValidationError(bilingual(_("Must be between %(min)s and %(max)s.",
                                              min=f"{self.min:g}", max=f"{self.max:g}")))
        return value


def year_in_range(year):
    """True when ``year`` lies between ``MIN_YEAR`` and today + ``YEARS_AHEAD``."""
    return MIN_YEAR <= year <= last_year()


def year_message():
    """The bilingual refusal of a date outside the sensible years."""
    return bilingual(_("The date must lie between the years %(first)s and %(last)s.",
                       first=MIN_YEAR, last=last_year()))


def sensible_date(value):
    """marshmallow validator: a date (or datetime) within the sensible years."""
    if value is not None and not year_in_range(value.year):
        raise ValidationError(year_message())
    return value


__all__ = ("Between", "MAX_AMOUNT", "MAX_ITEMS", "MAX_TEXT", "MAX_TITLE", "MaxLength",
           "MIN_YEAR", "YEARS_AHEAD", "last_year", "sensible_date", "year_in_range",
           "year_message")
