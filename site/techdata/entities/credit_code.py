"""The unified social credit code (统一社会信用代码, GB 32100-2015) check.

18 characters from the code's alphabet (digits and capital letters without
I, O, S, V, Z): registration authority, entity type, six-digit
administrative division, nine-character organisation code, and a check
character computed modulo 31 with the standard's weights.
"""

import re

from marshmallow import ValidationError

from ..kernel.errors import DomainError
from ..kernel.i18n import _, bilingual

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a code, each worth its index (GB 32100 Table 1)."""

WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""Weights of the first 17 characters (3**i mod 31)."""

_SHAPE = re.compile(rf"^[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}$")


def check_character(first17):
    """The check character of the first 17 characters of a code."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(value):
    """``value`` without spaces, in capitals (how people type codes)."""
    return "".join(str(value or "").split()).upper()


def credit_code_problem(value):
    """A msgid saying what is wrong with ``value`` as a code, or ``None`` if it is valid."""
    code = normalise(value)
    if len(code) != 18:
        return _("A unified social credit code has 18 characters (GB 32100).")
    if not _SHAPE.match(code):
        return _("A unified social credit code holds digits and capital letters other "
                 "than I, O, S, V and Z, with a six-digit area code (GB 32100).")
    if code[17] != check_character(code[:17]):
        return _("The check character of the unified social credit code is wrong "
                 "(GB 32100): check the code for a typing error.")
    return None


def is_credit_code(value):
    """Whether ``value`` is a valid unified social credit code."""
    return credit_code_problem(value) is None


def validate_credit_code(value, field="credit_code"):
    """The normalised code; a 400 ``DomainError`` naming ``field`` when it is invalid."""
    problem = credit_code_problem(value)
    if problem is not None:
        raise DomainError(400, _("Invalid unified social credit code."),
                          errors=[{"field": field, "messages": [bilingual(problem)]}])
    return normalise(value)


def credit_code_validator(value):
    """marshmallow validator of a code field (bilingual message)."""
    problem = credit_code_problem(value)
    if problem is not None:
        raise ValidationError(bilingual(problem))
