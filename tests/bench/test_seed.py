"""``invenio techdata bench-seed`` imports synthetic datasets through the importer (small n)."""

from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records

from techdata.bench.seed import bench_rows, bench_seed
from techdata.importer.service import imported_keys


def test_rows_are_deterministic_and_bilingual(tmp_path):
    """The same number gives the same row; each names a file that exists."""
    (a,), (b,) = bench_rows([7], tmp_path), bench_rows([7], tmp_path)
    assert a == b and a[1]["key"] == "BENCH-0000007"
    assert any("\u4e00" <= c <= "\u9fff" for c in a[1]["title_zh"]) and a[1]["title_en"]
    assert (tmp_path / a[1]["files"][0]).is_file()


def test_seed_imports_what_is_missing(running_app, db, researcher, city_centre_for_import):
    """Three records imported, published and searchable; a second run adds nothing."""
    runner = running_app.test_cli_runner()
    result = runner.invoke(bench_seed, ["-n", "3", "--owner", researcher.email])
    assert result.exit_code == 0, result.output
    assert "imported 3 records" in result.output
    assert {k for k in imported_keys() if k.startswith("BENCH-")} == {
        "BENCH-0000000", "BENCH-0000001", "BENCH-0000002"}
    records.indexer.refresh()
    assert records.search(system_identity, q="合成基准数据").total >= 3
    result = runner.invoke(bench_seed, ["-n", "3", "--owner", researcher.email])
    assert result.exit_code == 0 and "to import: 0" in result.output, result.output
