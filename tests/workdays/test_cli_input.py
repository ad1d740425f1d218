"""The calendar CLI answers bad dates, years and day counts clearly (issue 20)."""

import pytest

from techdata.cli import techdata


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("due", "2026-02-30", "5"), "YYYY-MM-DD"),
        (("due", "nope", "5"), "YYYY-MM-DD"),
        (("due", "2026-01-05\x00", "5"), "YYYY-MM-DD"),
        (("due", "0001-01-01", "15"), "1949"),
        (("due", "9999-12-31", "15"), "2199"),
        (("due", "2199-12-30", "30"), "2199"),
        (("due", "--", "2026-01-05", "-1"), "DAYS"),
        (("due", "2026-01-05", "100000000"), "DAYS"),
        (("show", "0"), "year 0"),
        (("show", "10000"), "year 10000"),
        (("show", "--", "-5"), "year -5"),
    ],
)
def test_calendar_cli_answers_bad_input_without_traceback(app, db, cli_runner, args, fragment):
    """A bilingual message and exit code 1, never an exception."""
    result = cli_runner(techdata, None, "calendar", *args)
    assert result.exit_code == 1, (args, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert fragment in result.output, result.output
    assert " / " in result.output  # Chinese beside English


def test_calendar_cli_load_refuses_unreadable_and_out_of_range_files(app, db, cli_runner, tmp_path):
    """A file that is not UTF-8, or a year out of range, is refused with a message."""
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"year: 2027\n\xff\xfe\x00holidays: []\n")
    result = cli_runner(techdata, None, "calendar", "load", str(binary))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "UTF-8" in result.output

    for year in (0, 99999, "true"):
        far = tmp_path / f"far-{year}.yaml"
        far.write_text(f"year: {year}\nholidays: []\n", encoding="utf-8")
        result = cli_runner(techdata, None, "calendar", "load", str(far))
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "year" in result.output


def test_calendar_cli_still_answers_good_input(app, db, cli_runner):
    """Boundaries inside the range still work."""
    result = cli_runner(techdata, None, "calendar", "due", "2026-10-01", "0")
    assert result.exit_code == 0 and result.output.splitlines()[0] == "2026-10-01"
    result = cli_runner(techdata, None, "calendar", "show", "2026")
    assert result.exit_code == 0 and "2026-10-01 holiday" in result.output
