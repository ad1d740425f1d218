"""Entries with awkward values, and a reader of entries back out of the RDF exports."""

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from techdata.directory.exports.dcat import TDD
from techdata.directory.fields import DIRECTORY_FIELDS, FIELD_KEYS

DCAT = Namespace("http://www.w3.org/ns/dcat#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
T = Namespace(TDD)
XSD = "http://www.w3.org/2001/XMLSchema#"


def term(id_, zh, en):
    """A vocabulary term of an entry."""
    return {"id": id_, "zh": zh, "en": en}


TRICKY = {
    "entry_id": "CD-2026-0001",
    "title_zh": '成都平原"土壤"重金属, 监测\n第二行',
    "title_en": 'Soil "heavy metals", Chengdu\\Plain; line\r\nbreak',
    "content": "含逗号,引号\"、反斜杠\\、制表符\t、换行\n以及 emoji 🌱 和控制字符\x0b。",
    "category": term("rd", "科研数据", "Research data"),
    "responsible_department": term("kjj", "成都市科学技术局", "Chengdu Bureau of S&T"),
    "providing_entity": term("scu", "四川大学", 'Sichuan "University"'),
    "sharing_type": term("conditional", "有条件共享", "Conditional sharing"),
    "opening_type": term("unconditional", "无条件开放", "Unconditional opening"),
    "secrecy": term("non-classified", "非涉密", "Not classified"),
    "grade": term("general", "一般数据", "General data"),
    "sharing_scope": "成都市科研单位, 高校",
    "access_methods": [term("download", "下载", "Download"), term("api", "接口", "API")],
    "business_name": "土壤环境监测 <业务>",
    "information_system": "监测系统 & 平台",
    "data_items": ["采样点编号", "镉含量, mg/kg", 'pH "值"'],
    "storage_format": "CSV",
    "update_cycle": term("half-yearly", "每半年", "Half-yearly"),
    "sharing_period": "2024-2029",
    "usage_requirements": "=HYPERLINK(\"http://x\")\n注明来源",
    "keywords": ["土壤", "heavy metals", "成都,平原"],
    "doi": "10.12345/cdtd.2026.0001",
    "cstr": "CSTR:17058.11.cdtd.2026.0001",
    "landing_page": "https://techdata.example.org/records/abc-123?x={1}|2",
    "download_url": "https://techdata.example.org/records/abc-123/files/数据.csv",
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "source": "deposited",
    "issued": "2024-03-15",
    "modified": "2026-11-20T10:15:30+08:00",
    "last_checked": "2026-11-21",
}
"""An entry with every field set, with quotes, newlines, commas, Chinese, controls."""

SPARSE = {
    "entry_id": "CD 2026/0002",
    "title_zh": "仅有名称的目录条目",
    "title_en": "",
    "content": None,
    "category": None,
    "opening_type": term("conditional", "有条件开放", "Conditional opening"),
    "access_methods": [],
    "data_items": None,
    "keywords": [],
    "storage_format": "私有二进制格式",
    "landing_page": "线下查阅 (no URL)",
    "download_url": "ftp not offered",
    "license": "政府数据开放许可 v1",
    "update_cycle": term("static", "不更新", "Not updated"),
    "source": "catalogued",
    "issued": None,
    "modified": "2026-01-05T09:30",
}
"""An entry with empty, missing and None values and non-URL links (metadata only)."""

NOT_OPENED = {
    "entry_id": "CD-2026-0003",
    "title_zh": "不予开放的数据",
    "opening_type": term("none", "不予开放", "Not opened"),
    "update_cycle": term("realtime", "实时", "Real time"),
    "source": "deposited",
}
"""A not-opened entry (resource directory only)."""

ENTRIES = [TRICKY, SPARSE, NOT_OPENED]

CATALOG = {"id": "open-2026-3", "title_zh": "成都市科技数据开放目录（2026年第3版）",
           "title_en": "Chengdu Tech-Data Open Directory, release 3", "number": 3,
           "issued": "2026-11-25", "publisher": "成都市科学技术局",
           "url": "https://techdata.example.org/directory/releases/3"}


def empty(value):
    """Whether a value counts as absent (None, empty text, empty list)."""
    return value is None or value == "" or value == []


def canonical(entry):
    """An entry with every key, absent values as None, lists of terms/strings sorted."""
    out = {}
    for f in DIRECTORY_FIELDS:
        v = entry.get(f.key)
        if empty(v):
            out[f.key] = None
        elif f.kind == "term":
            out[f.key] = dict(v)
        elif f.kind == "terms":
            out[f.key] = sorted((dict(t) for t in v), key=lambda t: t["id"])
        elif f.kind == "list":
            out[f.key] = sorted(str(x) for x in v)
        else:
            out[f.key] = str(v)
    return out


def _one(values):
    """The single value of an iterable, or None; fails on more than one."""
    values = list(values)
    assert len(values) <= 1, values
    return values[0] if values else None


def _concept(g, iri):
    """A term read back from its ``skos:Concept``."""
    labels = {lbl.language: str(lbl) for lbl in g.objects(iri, SKOS.prefLabel)}
    return {"id": str(_one(g.objects(iri, SKOS.notation))), "zh": labels["zh"],
            "en": labels["en"]}


def _date(lit):
    """A date literal back to its string, checking its datatype."""
    if lit is None:
        return None
    expected = "date" if len(str(lit)) == 10 else "dateTime"
    assert str(lit.datatype) == XSD + expected, (lit, lit.datatype)
    return str(lit)


def read_entry(g, entry_id):
    """Read the entry ``entry_id`` back from a DCAT graph (the mapping of ``dcat.py``)."""
    ds = _one(s for s in g.subjects(DCTERMS.identifier, Literal(entry_id))
              if (s, RDF.type, DCAT.Dataset) in g)
    assert ds is not None, entry_id
    dist = _one(g.objects(ds, DCAT.distribution))
    assert (dist, RDF.type, DCAT.Distribution) in g
    e = {"entry_id": entry_id}
    titles = {t.language: str(t) for t in g.objects(ds, DCTERMS.title)}
    e["title_zh"], e["title_en"] = titles.get("zh"), titles.get("en")
    # without content the titles are the (mandatory) description
    e["content"] = _one(str(d) for d in g.objects(ds, DCTERMS.description)
                        if (d.language, str(d)) not in titles.items())
    theme = _one(g.objects(ds, DCAT.theme))
    e["category"] = _concept(g, theme) if theme else None
    cp = _one(g.objects(ds, DCAT.contactPoint))
    e["responsible_department"] = _concept(g, _one(g.objects(cp, VCARD.hasUID))) if cp else None
    if cp:
        assert {str(x) for x in g.objects(cp, VCARD.fn)} == {
            e["responsible_department"]["zh"], e["responsible_department"]["en"]}
    pub = _one(g.objects(ds, DCTERMS.publisher))
    e["providing_entity"] = _concept(g, pub) if pub else None
    if pub:
        assert (pub, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Agent")) in g
    for key, prop in (("sharing_type", T.sharingType), ("opening_type", T.openingType),
                      ("secrecy", T.secrecy), ("grade", T.grade),
                      ("update_cycle", T.updateCycle)):
        iri = _one(g.objects(ds, prop))
        e[key] = _concept(g, iri) if iri else None
    e["access_methods"] = sorted((_concept(g, i) for i in g.objects(ds, T.accessMethod)),
                                 key=lambda t: t["id"]) or None
    for key, prop in (("sharing_scope", T.sharingScope), ("business_name", T.businessName),
                      ("information_system", T.informationSystem),
                      ("sharing_period", T.sharingPeriod),
                      ("usage_requirements", T.usageRequirements), ("source", T.source),
                      ("storage_format", T.storageFormat)):
        e[key] = _one(str(v) for v in g.objects(ds, prop))
    e["data_items"] = sorted(str(v) for v in g.objects(ds, T.dataItem)) or None
    e["keywords"] = sorted(str(v) for v in g.objects(ds, DCAT.keyword)) or None
    ids = {}
    for node in g.objects(ds, ADMS.identifier):
        ids[str(_one(g.objects(node, ADMS.schemaAgency)))] = str(_one(g.objects(node, SKOS.notation)))
    e["doi"], e["cstr"] = ids.get("DOI"), ids.get("CSTR")
    identifiers = {str(i) for i in g.objects(ds, DCTERMS.identifier)}
    assert identifiers == {v for v in (entry_id, e["doi"], e["cstr"]) if v}
    page = _one(g.objects(ds, DCAT.landingPage)) or _one(g.objects(ds, T.landingPage))
    e["landing_page"] = str(page) if page is not None else None
    assert _one(g.objects(dist, DCAT.accessURL)) == (
        page if isinstance(page, URIRef) else ds)
    dl = _one(g.objects(dist, DCAT.downloadURL)) or _one(g.objects(ds, T.downloadURL))
    e["download_url"] = str(dl) if dl is not None else None
    lic = _one(g.objects(dist, DCTERMS.license))
    if lic is not None and not isinstance(lic, URIRef):
        lic = _one(g.objects(lic, RDFS.label))
    e["license"] = str(lic) if lic is not None else None
    e["issued"] = _date(_one(g.objects(ds, DCTERMS.issued)))
    e["modified"] = _date(_one(g.objects(ds, DCTERMS.modified)))
    e["last_checked"] = _date(_one(g.objects(ds, T.lastChecked)))
    return {k: e[k] for k in FIELD_KEYS}


def expected_rdf(entry):
    """What :func:`read_entry` should give for ``entry``: IRIs escaped, seconds added."""
    from techdata.directory.exports.dcat import date_literal, http_iri

    out = canonical(entry)
    for key in ("landing_page", "download_url", "license"):
        if out[key] and http_iri(out[key]):
            out[key] = str(http_iri(out[key]))
    for key in ("issued", "modified", "last_checked"):
        if out[key]:
            out[key] = date_literal(out[key]).value
    return out
