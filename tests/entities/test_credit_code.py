"""The unified social credit code check (GB 32100-2015)."""

import json

import pytest
from flask_babel import force_locale

from techdata.entities.credit_code import (check_character, credit_code_problem, is_credit_code,
                                           validate_credit_code)
from techdata.kernel.errors import DomainError


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91510100MA61R4X2X8",
                                  " 9135 0100 m000100y43 "])
def test_valid_codes(code):
    assert is_credit_code(code)


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",    # wrong check character
    "91350100M000100Y4",     # 17 characters
    "91350100M000100Y433",   # 19
    "9135010OM000100Y43",    # O is not in the alphabet
    "91AB0100M000100Y43",    # area code not digits
    "",
])
def test_invalid_codes(code):
    assert not is_credit_code(code)


def test_check_character_is_the_modulo_31_sum():
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91510100MA61R4X2X") == "8"


def test_error_is_bilingual_and_names_the_field(app):
    with pytest.raises(DomainError) as err:
        validate_credit_code("91350100M000100Y44", field="credit_code")
    body = json.dumps(json.loads(err.value.get_body()), ensure_ascii=False)
    assert '"field": "credit_code"' in body
    assert "GB 32100" in body
    assert "统一社会信用代码" in body and "check character" in body
    with force_locale("en"):
        assert "18 characters" in str(credit_code_problem("123"))
    assert validate_credit_code("9135 0100 M000100Y43") == "91350100M000100Y43"
