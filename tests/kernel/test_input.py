"""The kernel's bounded integer query argument (issue 18 review: one helper, not copies)."""

import pytest
from werkzeug.datastructures import MultiDict

from techdata.kernel.errors import DomainError
from techdata.kernel.input import int_arg


def test_int_arg_reads_bounded_integers(app):
    with app.test_request_context("/x?page=3&size=&year=2030"):
        assert int_arg("page", 1, 1, 10) == 3
        assert int_arg("size", 20, 1, 500) == 20  # empty: the default
        assert int_arg("absent", 7, 1, 10) == 7
        assert int_arg("year", None, 2000, 2100) == 2030
    assert int_arg("n", 0, 0, 5, args=MultiDict({"n": "5"})) == 5


@pytest.mark.parametrize("raw", ["x", "1.5", "0", "11", "-1", "1e3"])
def test_int_arg_refuses_with_a_bilingual_error_naming_the_field(app, raw):
    with app.test_request_context("/x", query_string={"page": raw}):
        with pytest.raises(DomainError) as err:
            int_arg("page", 1, 1, 10)
    assert err.value.code == 400
    (error,) = err.value.errors
    assert error["field"] == "query.page"
    message = error["messages"][0]
    assert "1" in message and "10" in message
    assert "整数" in message and "integer" in message  # Chinese and English
    with pytest.raises(DomainError) as err:
        int_arg("size", 1, 1, 10, args=MultiDict({"size": raw}), field="size")
    assert err.value.errors[0]["field"] == "size"

