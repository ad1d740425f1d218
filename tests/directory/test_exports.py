"""Directory exports: every format parses with standard tools and carries every field.

CSV (``csv``), XLSX (``openpyxl``), JSON (``json``), Turtle and JSON-LD
(``rdflib``); the access right of each opening type (CD-TD Art. 18; QY Art.
22; LZ Art. 25); streaming (entries are read as chunks are taken, never all
held); the streaming response and its 400 for an unknown format.
"""

import copy
import csv
import gc
import io
import itertools
import json
import re
import weakref

import pytest
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from techdata.directory.exports import FORMATS, export_response, serialise
from techdata.directory.exports.common import normalise
from techdata.directory.exports.tabular import ABOUT_SHEET, DATA_SHEET, csv_cell
from techdata.directory.fields import DIRECTORY_FIELDS, FIELD_KEYS, cell
from tests.directory.export_data import (
    CATALOG, DCAT, ENTRIES, NOT_OPENED, SPARSE, TRICKY, expected_rdf, read_entry, term,
)

EU = "http://publications.europa.eu/resource/authority/access-right/"
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def export(fmt, entries=ENTRIES, catalog=CATALOG, chunk_size=None):
    """The whole export as bytes."""
    kwargs = {"chunk_size": chunk_size} if chunk_size else {}
    return b"".join(serialise(iter(copy.deepcopy(entries)), fmt, catalog, **kwargs))


def graph(fmt, entries=ENTRIES):
    """The Turtle or JSON-LD export parsed by rdflib."""
    g = Graph()
    g.parse(data=export(fmt, entries).decode("utf-8"),
            format="turtle" if fmt == "ttl" else "json-ld")
    return g


def test_formats():
    """The five formats of the issue, in menu order."""
    assert list(FORMATS) == ["csv", "xlsx", "json", "ttl", "jsonld"]


def test_csv_parses_and_carries_every_field():
    """UTF-8 with BOM, Chinese headings, one row per entry, cells as ``cell()``."""
    data = export("csv", chunk_size=50)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [f.zh for f in DIRECTORY_FIELDS]
    assert rows[0][:3] == ["目录编号", "数据资源名称", "英文名称"]
    assert len(rows) == 1 + len(ENTRIES)
    for row, entry in zip(rows[1:], ENTRIES):
        # cells as cell(), a formula-leading one with an apostrophe (issue 20, OWASP)
        assert row == [csv_cell(entry, f) for f in DIRECTORY_FIELDS]
    tricky = dict(zip(FIELD_KEYS, rows[1]))
    assert tricky["title_zh"] == TRICKY["title_zh"]          # quote, comma, newline
    assert tricky["title_en"] == TRICKY["title_en"]          # backslash, CRLF
    assert tricky["category"] == "科研数据"                   # term: Chinese label
    assert tricky["access_methods"] == "下载; 接口"           # terms joined
    assert tricky["keywords"] == "土壤; heavy metals; 成都,平原"
    assert tricky["usage_requirements"] == "'" + TRICKY["usage_requirements"]  # no formula
    assert dict(zip(FIELD_KEYS, rows[2]))["content"] == ""   # None → empty cell


def test_xlsx_parses_and_carries_every_field():
    """Sheet "目录 Directory": Chinese headings then the entries, all as text cells."""
    wb = load_workbook(io.BytesIO(export("xlsx")), read_only=False)
    assert wb.sheetnames == [DATA_SHEET, ABOUT_SHEET]
    rows = list(wb[DATA_SHEET].iter_rows())
    assert [c.value for c in rows[0]] == [f.zh for f in DIRECTORY_FIELDS]
    assert len(rows) == 1 + len(ENTRIES)
    for row, entry in zip(rows[1:], ENTRIES):
        want = [ILLEGAL_XML.sub("", cell(entry, f)) or None for f in DIRECTORY_FIELDS]
        assert [c.value for c in row] == want
    usage = rows[1][FIELD_KEYS.index("usage_requirements")]
    assert usage.value.startswith("=HYPERLINK") and usage.data_type == "s"  # never a formula
    about = [[c.value for c in r] for r in wb[ABOUT_SHEET].iter_rows()]
    described = {r[0]: r[1:] for r in about if r and r[0] in FIELD_KEYS}
    assert set(described) == set(FIELD_KEYS)
    assert described["title_en"] == ["英文名称", "Title (English)", "XC"]
    assert ["number", "3"] in [r[:2] for r in about]


def test_xlsx_temporary_file_is_removed(tmp_path, monkeypatch):
    """The workbook goes through a temporary file that is deleted after sending."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    chunks = serialise(iter(ENTRIES), "xlsx", CATALOG, chunk_size=4096)
    first = next(chunks)
    assert first[:2] == b"PK" and len(list(tmp_path.iterdir())) == 1
    list(chunks)
    assert list(tmp_path.iterdir()) == []
    # also when the client goes away half-way
    chunks = serialise(iter(ENTRIES), "xlsx", CATALOG, chunk_size=4096)
    next(chunks)
    chunks.close()
    assert list(tmp_path.iterdir()) == []


def test_json_parses_and_carries_every_field():
    """``{"catalog", "entries"}``; each entry has every field, in publication order."""
    doc = json.loads(export("json", chunk_size=10))
    assert set(doc) == {"catalog", "entries"}
    assert {k: doc["catalog"][k] for k in CATALOG} == CATALOG
    assert [f["key"] for f in doc["catalog"]["fields"]] == list(FIELD_KEYS)
    assert [list(e) for e in doc["entries"]] == [list(FIELD_KEYS)] * len(ENTRIES)
    assert doc["entries"] == [normalise(e) for e in ENTRIES]
    assert doc["entries"][0] == TRICKY


def test_catalog_dates_as_objects():
    """A release date given as a ``date`` is written as ISO text (JSON and ``xsd:date``)."""
    import datetime

    catalog = {**CATALOG, "issued": datetime.date(2026, 11, 25)}
    assert json.loads(export("json", catalog=catalog))["catalog"]["issued"] == "2026-11-25"
    g = Graph().parse(data=export("ttl", catalog=catalog).decode(), format="turtle")
    issued = g.value(URIRef(CATALOG["url"]), DCTERMS.issued)
    assert str(issued) == "2026-11-25" and str(issued.datatype).endswith("#date")


def test_json_of_no_entries():
    """An empty directory is a valid document with an empty list."""
    assert json.loads(export("json", entries=[]))["entries"] == []


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_dcat_parses_and_carries_every_field(fmt):
    """rdflib reads every field of every entry back (the mapping of ``dcat.py``)."""
    g = graph(fmt)
    for entry in ENTRIES:
        assert read_entry(g, entry["entry_id"]) == expected_rdf(entry), entry["entry_id"]
    # the catalog: bilingual title, version, issued, publisher; lists every dataset
    cat = URIRef(CATALOG["url"])
    assert (cat, RDF.type, DCAT.Catalog) in g
    assert {(t.language, str(t)) for t in g.objects(cat, DCTERMS.title)} == {
        ("zh", CATALOG["title_zh"]), ("en", CATALOG["title_en"])}
    assert str(g.value(cat, DCAT.version)) == "3"
    assert str(g.value(cat, DCTERMS.issued).datatype).endswith("#date")
    assert g.value(cat, DCTERMS.publisher) is not None
    assert {d.language for d in g.objects(cat, DCTERMS.description)} == {"zh", "en"}
    assert len(set(g.objects(cat, DCAT.dataset))) == len(ENTRIES)
    assert set(g.subjects(RDF.type, DCAT.Dataset)) == set(g.objects(cat, DCAT.dataset))


def test_turtle_and_jsonld_are_the_same_graph():
    """Both serialisations carry exactly the same triples."""
    assert isomorphic(graph("ttl"), graph("jsonld"))


def test_tricky_literals_survive_turtle():
    """Quotes, backslashes, CR/LF, tabs and control characters round-trip exactly."""
    g = graph("ttl", [TRICKY])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert {str(t) for t in g.objects(ds, DCTERMS.title)} == {TRICKY["title_zh"],
                                                              TRICKY["title_en"]}
    assert str(g.value(ds, DCTERMS.description)) == TRICKY["content"]
    # the IRI keeps its query, with the characters IRIs forbid percent-encoded
    assert str(g.value(ds, DCAT.landingPage)).endswith("?x=%7B1%7D%7C2")


@pytest.mark.parametrize("opening, right", [
    ("unconditional", "PUBLIC"), ("conditional", "RESTRICTED"), ("none", "NON_PUBLIC")])
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_access_rights_of_opening_types(fmt, opening, right):
    """无条件开放 → PUBLIC, 有条件开放 → RESTRICTED, 不予开放 → NON_PUBLIC (EU authority)."""
    entry = {"entry_id": "E-1", "opening_type": term(opening, "x", "y")}
    g = graph(fmt, [entry])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert list(g.objects(ds, DCTERMS.accessRights)) == [URIRef(EU + right)]


def test_access_right_mapping_is_the_record_exports_one():
    """One mapping for records and directory entries (``techdata.exports``)."""
    from techdata.directory.exports import dcat
    from techdata.exports import serializers

    assert dcat.OPENING_ACCESS is serializers.OPENING_ACCESS


def test_update_cycle_as_eu_frequency():
    """The update cycle is also a ``dct:accrualPeriodicity`` of the EU table."""
    g = graph("ttl")
    freq = {str(g.value(ds, DCTERMS.identifier)): str(g.value(ds, DCTERMS.accrualPeriodicity))
            for ds in g.subjects(RDF.type, DCAT.Dataset)}
    base = "http://publications.europa.eu/resource/authority/frequency/"
    assert freq["CD-2026-0001"] == base + "BIANNUAL"
    assert freq[SPARSE["entry_id"]] == base + "NEVER"
    assert freq[NOT_OPENED["entry_id"]] == base + "UPDATE_CONT"


class Tracked(dict):
    """An entry dict that can be weakly referenced (to count the live ones)."""


def bounded(limit, total=None):
    """Entries, failing if more than ``limit`` produced ones are still alive."""
    freed = []
    for i in itertools.count() if total is None else range(total):
        if i - len(freed) > limit:
            gc.collect()
            assert i - len(freed) <= limit, f"{i - len(freed)} entries held at entry {i}"
        entry = Tracked(copy.deepcopy(TRICKY), entry_id=f"CD-{i:06d}")
        weakref.finalize(entry, freed.append, i)
        yield entry
        del entry


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_entries_are_not_held(fmt):
    """Serialising 600 entries never keeps more than a few of them alive."""
    size = sum(len(c) for c in serialise(bounded(5, total=600), fmt, CATALOG))
    assert size > 600 * 100


@pytest.mark.parametrize("fmt", ["csv", "json", "ttl", "jsonld"])
def test_first_chunks_before_the_end(fmt):
    """Chunks come while entries are still being read: an endless directory streams."""
    produced = []

    def endless():
        for i in itertools.count():
            produced.append(i)
            yield {**TRICKY, "entry_id": f"CD-{i:06d}"}

    chunks = serialise(endless(), fmt, CATALOG, chunk_size=16 * 1024)
    first = [next(chunks) for _ in range(3)]
    assert all(len(c) >= 16 * 1024 for c in first)
    assert len(produced) < 200
    chunks.close()


def test_export_response_streams_with_attachment(app):
    """A streamed download named in UTF-8 (RFC 6266), with the format's media type."""
    with app.test_request_context():
        response = export_response(iter(ENTRIES), "ttl", CATALOG, "开放目录-第3版")
        assert response.is_streamed and response.status_code == 200
        assert response.mimetype == "text/turtle"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=")
        assert "filename*=UTF-8''%E5%BC%80%E6%94%BE%E7%9B%AE%E5%BD%95-%E7%AC%AC3%E7%89%88.ttl" in disposition
        body = b"".join(response.response)
    assert len(read_entry(Graph().parse(data=body.decode(), format="turtle"),
                          TRICKY["entry_id"])) == len(FIELD_KEYS)


@pytest.mark.parametrize("fmt, mimetype", [
    ("csv", "text/csv"), ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("json", "application/json"), ("jsonld", "application/ld+json")])
def test_export_response_media_types(app, fmt, mimetype):
    """Each format has its media type and extension (the name is case-insensitive)."""
    with app.test_request_context():
        response = export_response(iter([]), fmt, CATALOG, "directory")
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].endswith(f".{fmt.lower()}")


def test_unknown_format_is_a_bilingual_400(app):
    """An unknown format is a 400 naming the formats, in Chinese and English."""
    def never():
        raise AssertionError("entries read for an unknown format")
        yield

    with app.test_request_context():
        response = export_response(never(), "pdf", CATALOG, "directory")
    assert response.status_code == 400
    body = response.get_json()
    assert body["formats"] == list(FORMATS)
    assert "导出格式" in body["message"] and "export format" in body["message"]
    assert " / " in body["message"] and "csv, xlsx, json, ttl, jsonld" in body["message"]
