"""DCAT-AP 3 output against the official DCAT-AP 3.0.0 SHACL shapes (issue 14).

``schemas/dcat-ap-3.0.0/dcat-ap-SHACL.ttl`` is SEMIC's file, unchanged: the
mandatory properties (``sh:minCount``), the cardinalities (``sh:maxCount``)
and the ranges (``sh:class``, ``sh:datatype``, ``sh:nodeKind``) of catalog,
dataset and distribution. ``pyshacl`` validates with RDFS inference, as
SEMIC's validator does: a range of ``rdfs:Resource`` (``dcat:accessURL``,
``dcat:downloadURL``) holds for every IRI only under RDFS semantics; the
other classes must be stated in the data (no vocabulary is loaded).

Checked: the directory exports (Turtle and JSON-LD, live and as a release's
catalog), every published record's DCAT-AP export (RDF/XML), and that the
shapes do reject what issue 14 found (so the check can fail).
"""

import copy
from datetime import datetime
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from techdata.directory import store
from techdata.directory.exports import serialise
from techdata.directory.releases.api import catalog_of
from techdata.directory.releases.models import OpenDirectoryRelease
from tests.directory.export_data import CATALOG, ENTRIES

SHAPES = Path(__file__).parent / "schemas" / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
KINDS = ("open", "conditional", "open2", "open3", "files")
"""Published records anyone may read (``closed`` is 不予开放: not public)."""


@pytest.fixture(scope="module")
def shapes():
    """The DCAT-AP 3.0.0 shapes graph."""
    return Graph().parse(SHAPES, format="turtle")


def conforms(graph, shapes):
    """Assert ``graph`` conforms to ``shapes``, listing every violation if not."""
    found = violations(graph, shapes)
    assert not found, "\n".join(" | ".join(v) for v in found)


def violations(graph, shapes):
    """``(focus node, path, message)`` of every violation of ``graph``."""
    conforms, report, _text = validate(graph, shacl_graph=shapes, inference="rdfs",
                                       meta_shacl=False, advanced=False)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.append((str(report.value(result, SH.focusNode)),
                    str(report.value(result, SH.resultPath)),
                    str(report.value(result, SH.resultMessage))))
    assert conforms == (not out)
    return sorted(out)


def _parse(data, fmt):
    """An rdflib graph of ``data`` (``ttl``, ``jsonld`` or ``xml``)."""
    return Graph().parse(data=data, format={"ttl": "turtle", "jsonld": "json-ld"}.get(fmt, fmt))


def test_shapes_catch_what_issue_14_found(shapes):
    """Two access rights, two issued, an untyped landing page, a distribution without
    accessURL and an untyped byte size are each reported."""
    bad = Graph()
    ds, dist, page = (URIRef("https://x.example/ds"), URIRef("https://x.example/dist"),
                      URIRef("https://x.example/page"))
    eu = "http://publications.europa.eu/resource/authority/access-right/"
    for s, p, o in [
        (ds, RDF.type, DCAT.Dataset), (ds, DCTERMS.title, Literal("t", lang="zh")),
        (ds, DCTERMS.description, Literal("d", lang="zh")),
        (ds, DCTERMS.accessRights, URIRef(eu + "PUBLIC")),
        (ds, DCTERMS.accessRights, URIRef("info:eu-repo/semantics/openAccess")),
        (ds, DCTERMS.issued, Literal("2024", datatype=XSD.gYear)),
        (ds, DCTERMS.issued, Literal("2024-03-15", datatype=XSD.date)),
        (ds, DCAT.landingPage, page), (ds, DCAT.distribution, dist),
        (dist, RDF.type, DCAT.Distribution), (dist, DCAT.byteSize, Literal("12")),
    ]:
        bad.add((s, p, o))
    found = {(focus, path.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
             for focus, path, _ in violations(bad, shapes)}
    assert {(str(ds), "accessRights"), (str(ds), "issued"), (str(ds), "landingPage"),
            (str(dist), "accessURL"), (str(dist), "byteSize")} <= found


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_directory_serialiser_conforms(shapes, fmt):
    """The export of the test directory (every field, tricky and sparse entries) conforms."""
    data = b"".join(serialise(iter(copy.deepcopy(ENTRIES)), fmt, CATALOG)).decode()
    conforms(_parse(data, fmt), shapes)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_release_catalog_conforms(app, shapes, fmt):
    """A published release's export (its catalog: number, date, page) conforms."""
    release = OpenDirectoryRelease(number=3, audience="open", status="published",
                                   published_at=datetime(2026, 11, 2, 9, 0))
    with app.test_request_context():
        catalog = catalog_of(release)
    data = b"".join(serialise(iter(copy.deepcopy(ENTRIES)), fmt, catalog)).decode()
    graph = _parse(data, fmt)
    conforms(graph, shapes)
    cat = next(graph.subjects(RDF.type, DCAT.Catalog))
    home = graph.value(cat, FOAF.homepage)
    assert (home, RDF.type, FOAF.Document) in graph


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_live_open_directory_conforms(published, client, shapes, fmt):
    """The live open directory's export over REST conforms; charset named once."""
    res = client.get("/api/directories/open/entries/export", query_string={"format": fmt})
    assert res.status_code == 200
    if fmt == "ttl":
        assert res.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = _parse(res.get_data(as_text=True), fmt)
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) >= len(KINDS)
    conforms(graph, shapes)
    for ds in graph.subjects(RDF.type, DCAT.Dataset):
        for page in graph.objects(ds, DCAT.landingPage):
            assert (page, RDF.type, FOAF.Document) in graph


def test_csv_charset_once(published, client):
    """CSV names its charset once in Content-Type (it was ``charset=utf-8`` twice)."""
    res = client.get("/api/directories/open/entries/export", query_string={"format": "csv"})
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_download_url_is_the_working_archive(published, client):
    """A 无条件开放 entry's download URL is the record page's "download all" archive (200)."""
    rec = published["files"]
    entry_id = store.deposited_entry_id(rec["parent"]["id"])
    entry = next(e for e in store.iter_entries("open") if e["entry_id"] == entry_id)
    page = client.get(f"/records/{rec['id']}")
    assert page.status_code == 200
    archive = entry["download_url"]
    assert rec["links"]["archive"] == archive
    assert archive in page.get_data(as_text=True)  # the "download all" button
    path = archive.split("://", 1)[-1].split("/", 1)[1]
    res = client.get("/" + path)
    assert res.status_code == 200, (archive, res.status_code)
    assert res.headers["Content-Type"].startswith("application/zip")
    # an entry without files offers no download (its data is applied for or absent)
    other = store.deposited_entry_id(published["open"]["parent"]["id"])
    assert next(e for e in store.iter_entries("open") if e["entry_id"] == other)[
        "download_url"] in ("", None)


@pytest.mark.parametrize("kind", KINDS)
def test_record_export_conforms(published, client, shapes, kind):
    """Each published record's DCAT-AP export (RDF/XML) conforms."""
    rec = published[kind]
    res = client.get(f"/records/{rec['id']}/export/dcat-ap")
    assert res.status_code == 200
    graph = _parse(res.get_data(as_text=True), "xml")
    conforms(graph, shapes)
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(list(graph.objects(dataset, DCTERMS.accessRights))) == 1
    assert len(list(graph.objects(dataset, DCTERMS.issued))) == 1
    assert list(graph.objects(dataset, DCTERMS.description))
