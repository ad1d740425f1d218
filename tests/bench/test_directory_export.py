"""The directory-export benchmark runs and reports what it measured (small N)."""

import csv
import io

import pytest

from techdata.bench.directory_export import generate, run_one
from techdata.directory.exports import serialise
from techdata.directory.fields import FIELD_KEYS


def test_synthetic_entries_are_complete_and_chinese():
    """Every directory field is set, with Chinese text and vocabulary labels."""
    entries = list(generate(20))
    assert [e["entry_id"] for e in entries[:2]] == ["BENCH-000001", "BENCH-000002"]
    for e in entries:
        assert set(e) == set(FIELD_KEYS) and all(e[k] not in (None, "", []) for k in FIELD_KEYS)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e["title_zh"])
        assert e["category"]["zh"] and e["category"]["en"]
        assert e["opening_type"]["id"] in ("unconditional", "conditional")
    rows = list(csv.reader(io.StringIO(b"".join(
        serialise(iter(entries), "csv", {})).decode("utf-8-sig"), newline="")))
    assert len(rows) == 21


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_run_one_reports_the_figures(fmt):
    """One format: entries, bytes, seconds, rate and memory high-water marks."""
    result = run_one(fmt, 300, "generator")
    assert result["entries"] == 300 and result["bytes"] > 300 * 100
    assert result["entries_per_s"] > 0 and result["seconds"] > 0
    assert result["rss_hwm_after_mb"] >= result["rss_hwm_before_mb"] > 0
