"""Exports of a deposit: DataCite, DCAT-AP, JSON, and the landing-page panels.

The cdtd classification (CD-TD Art. 2, 18) must reach DataCite and DCAT-AP
(``techdata.exports``), every cdtd field the JSON of the REST API, and the
record page must show classification and directory fields by their Chinese
labels.
"""

import json
import re

import pytest
from datacite import schema45
from flask import current_app
from lxml import etree
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from techdata.exports.serializers import TechDataDataCite45JSONSerializer
from tests.helpers import deposit, make_workflow, publish_with_files

DCAT = Namespace("http://www.w3.org/ns/dcat#")
EU = "http://publications.europa.eu/resource/authority/access-right/"
DC_NS = {"dc": "http://datacite.org/schema/kernel-4"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RESTRICTION = {
    "opening": {"opening_reason": "涉及第三方权益。", "opening_legal_basis": "LZ 第二十五条"},
}

DIRECTORY = {
    "funding_source": {"id": "government"},
    "grade": {"id": "important"},
    "sharing_type": {"id": "conditional"},
    "sharing_reason": "含有合作企业的商业数据。",
    "sharing_legal_basis": "《成都市科技数据管理实施办法》第十八条",
    "responsible_department": {"id": "kjj"},
    "providing_entity": {"id": "scu"},
    "sharing_scope": "成都市科研单位",
    "access_methods": [{"id": "download"}, {"id": "api"}],
    "business_name": "土壤环境监测",
    "information_system": "土壤监测信息系统",
    "data_items": ["采样点编号", "镉含量"],
    "storage_format": "CSV",
    "update_cycle": {"id": "daily"},
    "sharing_period": "2024-2029",
    "usage_requirements": "使用时注明数据来源。",
}
"""Classification and directory fields of a fully described deposit."""

OPENINGS = [
    # opening type, info:eu-repo right, EU access right, rights text zh / en
    ("unconditional", "openAccess", "PUBLIC", "无条件开放", "Unconditional opening"),
    ("conditional", "restrictedAccess", "RESTRICTED", "有条件开放", "Conditional opening"),
    ("none", "closedAccess", "NON_PUBLIC", "不予开放", "Not opened"),
]


def _opening(kind):
    """Custom fields of a deposit with the given opening type (with reason if needed)."""
    extra = {} if kind == "unconditional" else RESTRICTION["opening"]
    return {"opening_type": {"id": kind}, **extra}


def _get(client, rec, accept, headers):
    """A record over REST in the given format; the response body as text."""
    res = client.get(f"/api/records/{rec['id']}", headers={**headers, "Accept": accept})
    assert res.status_code == 200, res.data[:500]
    return res.get_data(as_text=True)


def _datacite_errors(data):
    """Errors of a DataCite JSON document against DataCite's 4.5 JSON schema."""
    return [e.message for e in schema45.validator.iter_errors(data)]


@pytest.fixture(scope="module")
def records(running_app, UserFixture, database):
    """Published deposits, one per opening type, and their owner's token headers."""
    from invenio_oauth2server.models import Token

    owner = UserFixture(email="exporter@test.example.org", password="Exporter-Test-2026")
    owner.create(running_app, database)
    token = Token.create_personal("exports", owner.id, scopes=[], is_internal=False)
    database.session.commit()
    headers = {"Authorization": f"Bearer {token.access_token}"}
    client = running_app.test_client()
    flow = make_workflow(running_app, database, client, headers, tag="exports")
    recs = {
        kind: flow.publish(deposit(**DIRECTORY, **_opening(kind)))
        for kind, *_ in OPENINGS
    }
    recs["files"] = publish_with_files(flow, deposit(title="带文件的土壤数据", files=True), FILES)
    abstract_only = deposit(title="只有中文摘要的数据", abstract="只有中文摘要，没有描述。")
    del abstract_only["metadata"]["description"]
    recs["abstract_only"] = flow.publish(abstract_only)
    return recs, headers


FILES = {"soil.csv": b"site,cd\nA,0.3\n", "readme.pdf": b"%PDF-1.4 readme"}
"""Files of the deposit with files (name -> content)."""


# DataCite
# ========


@pytest.mark.parametrize("kind,term,_eu,zh,en", OPENINGS)
def test_datacite_json_valid_and_mapped(records, client, kind, term, _eu, zh, en):
    """DataCite JSON is valid 4.5 and carries category, grade, opening type, titles."""
    recs, headers = records
    data = json.loads(_get(client, recs[kind], "application/vnd.datacite.datacite+json", headers))
    assert _datacite_errors(data) == []

    # CD-TD Art. 2: still a dataset; the text names the category in zh and en.
    assert data["types"] == {"resourceTypeGeneral": "Dataset", "resourceType": "研发数据 / R&D data"}

    subjects = {(s["subjectScheme"], s.get("lang"), s["subject"]) for s in data["subjects"]}
    assert ("CD-TD data category", "zh", "研发数据") in subjects
    assert ("CD-TD data category", "en", "R&D data") in subjects
    assert ("CD-TD sensitivity grade", "zh", "重要数据") in subjects
    assert ("CD-TD sensitivity grade", "en", "Important data") in subjects

    # CD-TD Art. 18: the opening type is the access right, in Chinese and English.
    access = [r for r in data["rightsList"] if r.get("rightsUri", "").startswith("info:eu-repo")]
    uri = f"info:eu-repo/semantics/{term}"
    assert access == [
        {"rights": zh, "rightsUri": uri, "lang": "zh"},
        {"rights": en, "rightsUri": uri, "lang": "en"},
    ]

    # XC: Chinese (main) title and English translated title, each with its language.
    assert data["titles"][0] == {"title": "成都平原土壤重金属监测数据集", "lang": "zh"}
    assert {"title": "Heavy-metal monitoring data of Chengdu Plain soils",
            "titleType": "TranslatedTitle", "lang": "en"} in data["titles"]

    # The funding source (government budget) names no funder: no fundingReferences.
    assert "fundingReferences" not in data


def test_datacite_export_menu_uses_mapping(records, client):
    """The landing page's DataCite JSON and XML exports carry the same mapping."""
    rec = records[0]["unconditional"]
    res = client.get(f"/records/{rec['id']}/export/datacite-json")
    assert res.status_code == 200
    data = json.loads(res.get_data(as_text=True))
    assert _datacite_errors(data) == []
    assert data["types"]["resourceType"] == "研发数据 / R&D data"

    res = client.get(f"/records/{rec['id']}/export/datacite-xml")
    assert res.status_code == 200
    root = etree.fromstring(res.data)
    rights = root.findall("dc:rightsList/dc:rights", DC_NS)
    opening = [(r.get(XML_LANG), r.text) for r in rights
               if r.get("rightsURI") == "info:eu-repo/semantics/openAccess"]
    assert opening == [("zh", "无条件开放"), ("en", "Unconditional opening")]
    schemes = {s.get("subjectScheme"): s.text for s in root.findall("dc:subjects/dc:subject", DC_NS)
               if s.get(XML_LANG) == "zh"}
    assert schemes["CD-TD data category"] == "研发数据"
    assert schemes["CD-TD sensitivity grade"] == "重要数据"
    rtype = root.find("dc:resourceType", DC_NS)
    assert (rtype.get("resourceTypeGeneral"), rtype.text) == ("Dataset", "研发数据 / R&D data")
    titles = {t.get(XML_LANG): t.get("titleType") for t in root.findall("dc:titles/dc:title", DC_NS)}
    assert titles == {"zh": None, "en": "TranslatedTitle"}


def test_datacite_pid_provider_sends_mapping(running_app):
    """DOI registration (record and concept DOI) serializes with our mapping."""
    for key in ("RDM_PERSISTENT_IDENTIFIER_PROVIDERS", "RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS"):
        datacite = [p for p in current_app.config[key] if p.name == "datacite"]
        assert len(datacite) == 1
        assert isinstance(datacite[0].serializer, TechDataDataCite45JSONSerializer), key
    names = [p.name for p in current_app.config["RDM_PERSISTENT_IDENTIFIER_PROVIDERS"]]
    assert names == ["datacite", "crossref", "external", "oai"]


def test_other_exporters_kept(running_app):
    """Only the DataCite and DCAT exporters are replaced; the others are InvenioRDM's."""
    from invenio_app_rdm.config import APP_RDM_RECORD_EXPORTERS as upstream

    ours = current_app.config["APP_RDM_RECORD_EXPORTERS"]
    assert set(ours) == set(upstream)
    changed = {k for k in ours if ours[k] != upstream[k]}
    assert changed == {"datacite-json", "datacite-xml", "dcat-ap", "json-ld"}


def test_funder_from_metadata_still_exported(running_app, db, workflow, client):
    """A funder entered in metadata.funding still reaches fundingReferences."""
    data = deposit()
    data["metadata"]["funding"] = [{"funder": {"name": "成都市科学技术局"}}]
    rec = workflow.publish(data)
    out = json.loads(_get(client, rec, "application/vnd.datacite.datacite+json", {}))
    assert out["fundingReferences"] == [{"funderName": "成都市科学技术局"}]


# DCAT-AP
# =======


@pytest.mark.parametrize("kind,term,eu,zh,en", OPENINGS)
def test_dcat_access_rights_and_category(records, client, kind, term, eu, zh, en):
    """DCAT-AP is RDF/XML with one EU access right per opening type and the category."""
    recs, headers = records
    graph = Graph().parse(data=_get(client, recs[kind], "application/dcat+xml", headers),
                          format="xml")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    # DCAT-AP 3: dct:accessRights 0..1, a dct:RightsStatement (issue 14: there were two).
    rights = list(graph.objects(dataset, DCTERMS.accessRights))
    assert rights == [URIRef(EU + eu)]
    assert (rights[0], RDF.type, DCTERMS.RightsStatement) in graph
    assert set(graph.objects(rights[0], RDFS.label)) == {
        Literal(zh, lang="zh"), Literal(en, lang="en")
    }
    assert (rights[0], RDFS.seeAlso, URIRef(f"info:eu-repo/semantics/{term}")) in graph

    concept = URIRef("https://techdata.chengdu.example.org/terms/category/rd")
    assert (dataset, DCTERMS.subject, concept) in graph
    assert set(graph.objects(concept, SKOS.prefLabel)) == {
        Literal("研发数据", lang="zh"), Literal("R&D data", lang="en")
    }


def test_dcat_export_menu(records, client):
    """The landing page's DCAT export is the same well-formed RDF/XML."""
    rec = records[0]["unconditional"]
    res = client.get(f"/records/{rec['id']}/export/dcat-ap")
    assert res.status_code == 200
    graph = Graph().parse(data=res.get_data(as_text=True), format="xml")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert URIRef(EU + "PUBLIC") in set(graph.objects(dataset, DCTERMS.accessRights))


def _dcat(client, rec):
    """The graph of a record's DCAT-AP export (the landing page's export menu)."""
    res = client.get(f"/records/{rec['id']}/export/dcat-ap")
    assert res.status_code == 200
    graph = Graph().parse(data=res.get_data(as_text=True), format="xml")
    return graph, next(graph.subjects(RDF.type, DCAT.Dataset))


@pytest.mark.parametrize("kind", ["unconditional", "conditional", "files", "abstract_only"])
def test_dcat_one_issued_and_usable_distributions(records, client, kind):
    """One dct:issued; every distribution has a dcat:accessURL, none is empty (DCAT-AP 3)."""
    graph, dataset = _dcat(client, records[0][kind])
    issued = list(graph.objects(dataset, DCTERMS.issued))
    assert issued == [Literal("2024-03-15", datatype=XSD.date)]
    distributions = list(graph.objects(dataset, DCAT.distribution))
    for dist in distributions:
        assert (dist, RDF.type, DCAT.Distribution) in graph
        assert list(graph.objects(dist, DCAT.accessURL)), graph.serialize(format="turtle")
    # no node typed dcat:Distribution that nothing but its type describes
    for dist in graph.subjects(RDF.type, DCAT.Distribution):
        assert len(set(graph.predicate_objects(dist))) > 1
    landing = next(graph.objects(dataset, DCAT.landingPage))
    assert (landing, RDF.type, FOAF.Document) in graph


def test_dcat_file_distributions_typed(records, client):
    """A file's distribution: byteSize an xsd:nonNegativeInteger, mediaType an IANA IRI."""
    rec = records[0]["files"]
    graph, dataset = _dcat(client, rec)
    sizes, media = {}, set()
    for dist in graph.objects(dataset, DCAT.distribution):
        download = graph.value(dist, DCAT.downloadURL)
        if download is None:
            continue
        size = graph.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        sizes[str(download).rsplit("/", 1)[-1]] = int(size)
        kind = graph.value(dist, DCAT.mediaType)
        assert isinstance(kind, URIRef), kind
        assert (kind, RDF.type, DCTERMS.MediaType) in graph
        media.add(str(kind))
        assert graph.value(dist, DCAT.accessURL) == URIRef(rec["links"]["self_html"])
    assert sizes == {k: len(v) for k, v in FILES.items()}
    assert media == {"https://www.iana.org/assignments/media-types/text/csv",
                     "https://www.iana.org/assignments/media-types/application/pdf"}


def test_description_from_chinese_abstract(records, client):
    """Only cdtd:abstract_zh: it is the dct:description and the schema.org description."""
    rec = records[0]["abstract_only"]
    graph, dataset = _dcat(client, rec)
    abstract = rec["custom_fields"]["cdtd:abstract_zh"]  # as stored (input normalised)
    assert abstract.startswith("只有中文摘要")
    assert list(graph.objects(dataset, DCTERMS.description)) == [Literal(abstract, lang="zh")]
    html = client.get(f"/records/{rec['id']}").get_data(as_text=True)
    scripts = re.findall(r"<script type='application/ld\+json'>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    assert json.loads(scripts[0])["description"] == abstract
    res = client.get(f"/records/{rec['id']}/export/json-ld")
    assert json.loads(res.get_data(as_text=True))["description"] == abstract


# JSON
# ====


@pytest.mark.parametrize("accept", ["application/json", "application/vnd.inveniordm.v1+json"])
def test_json_has_every_cdtd_field(records, client, accept):
    """Every cdtd field of the deposit is in the record's JSON (both REST formats)."""
    from techdata.deposit.fields import CUSTOM_FIELDS

    recs, headers = records
    rec = recs["conditional"]
    body = json.loads(_get(client, rec, accept, headers))
    cf = body["custom_fields"]
    sent = {**deposit(**DIRECTORY, **_opening("conditional"))["custom_fields"]}
    # project links need a registered project: they round-trip in tests/projects
    linking = {"cdtd:project", "cdtd:project_dataset"}
    assert set(sent) == {f.name for f in CUSTOM_FIELDS} - {"cdtd:abstract_en"} - linking
    for name, value in sent.items():
        if isinstance(value, dict):
            assert cf[name]["id"] == value["id"], name
            assert cf[name]["title"]["zh"], name  # the label travels with the id
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            assert [v["id"] for v in cf[name]] == [v["id"] for v in value], name
        else:
            assert cf[name] == value, name


# Landing page
# ============


def test_landing_page_panels_in_chinese(records, client):
    """The record page shows classification and directory panels, Chinese labels first."""
    rec = records[0]["unconditional"]
    res = client.get(f"/records/{rec['id']}")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    for text in (
        # panels and field labels (our catalogue)
        "分级分类", "目录信息", "科技数据类别", "共享属性", "责任部门", "存储格式",
        # vocabulary values by label, Chinese first then English
        "研发数据", "R&amp;D data", "重要数据", "非涉密", "有条件共享", "无条件开放",
        "成都市科学技术局", "四川大学", "下载",
        # directory text fields
        "成都市科研单位", "土壤监测信息系统", "镉含量", "CSV", "2024-2029", "使用时注明数据来源。",
        # reason of the restricted sharing
        "含有合作企业的商业数据。",
    ):
        assert text in html, text
    assert html.index("研发数据") < html.index("R&amp;D data")
    # Opening is unconditional: no reason or legal basis line for it.
    assert "有条件开放或不予开放的理由" not in html


def test_landing_page_shows_opening_reason_when_restricted(records, client):
    """有条件开放: the page states the reason and the legal basis (CD-TD Art. 18)."""
    recs, _headers = records
    html = client.get(f"/records/{recs['conditional']['id']}").get_data(as_text=True)
    assert "有条件开放或不予开放的理由" in html
    assert "涉及第三方权益。" in html and "LZ 第二十五条" in html
