"""DCAT-AP 3 in Turtle and JSON-LD, written as text entry by entry.

One ``dcat:Catalog`` (the directory or release) and per entry one
``dcat:Dataset`` with one ``dcat:Distribution``. Nothing builds a graph of
the whole directory: each entry becomes a few nodes (:class:`Node`), which
are rendered to text and forgotten. Only the IRIs of the vocabulary terms
already described are remembered (a few hundred at most), so that each
``skos:Concept`` is described once.

Mapping (every directory field is carried; ``tdd:`` is :data:`TDD`):

===================== ==========================================================
entry_id              ``dct:identifier``
title_zh / title_en   ``dct:title`` ``@zh`` / ``@en``
content               ``dct:description`` ``@zh``
category              ``dcat:theme`` (``skos:Concept``)
responsible_department ``dcat:contactPoint`` [``vcard:Organization``, ``vcard:fn``,
                      ``vcard:hasUID`` the department's concept]
providing_entity      ``dct:publisher`` (the entity's concept, also a ``foaf:Agent``
                      with ``foaf:name``)
opening_type          ``dct:accessRights`` (EU access-right authority, the mapping
                      of ``techdata.exports.serializers.OPENING_ACCESS``) and
                      ``tdd:openingType``
update_cycle          ``dct:accrualPeriodicity`` (EU frequency authority) and
                      ``tdd:updateCycle``
sharing_type, secrecy, grade, access_methods
                      ``tdd:sharingType``, ``tdd:secrecy``, ``tdd:grade``,
                      ``tdd:accessMethod`` (concepts)
sharing_scope, business_name, information_system, sharing_period,
usage_requirements, source, storage_format
                      ``tdd:sharingScope``, ``tdd:businessName``,
                      ``tdd:informationSystem``, ``tdd:sharingPeriod``,
                      ``tdd:usageRequirements``, ``tdd:source``,
                      ``tdd:storageFormat`` (literals); the storage format also
                      gives the distribution's ``dct:format`` (EU file type) and
                      ``dcat:mediaType`` when it is a known one
data_items            ``tdd:dataItem`` (one literal per item)
keywords              ``dcat:keyword``
doi, cstr             ``dct:identifier`` and ``adms:identifier``
                      [``skos:notation``, ``adms:schemaAgency`` "DOI" / "CSTR"]
landing_page          ``dcat:landingPage`` and the distribution's
                      ``dcat:accessURL`` (``tdd:landingPage`` literal if the
                      value is not an http(s) URL)
download_url          the distribution's ``dcat:downloadURL`` (else
                      ``tdd:downloadURL`` literal)
license               the distribution's ``dct:license`` (an http(s) IRI, else
                      a ``dct:LicenseDocument`` with ``rdfs:label``)
issued, modified      ``dct:issued``, ``dct:modified`` (``xsd:date``, or
                      ``xsd:dateTime`` for a date-time)
last_checked          ``tdd:lastChecked`` (same typing)
===================== ==========================================================

A concept is ``<TERMS><field key>/<id>`` (the IRIs of the record exports,
``techdata.exports.serializers.TERMS``) with ``skos:prefLabel`` ``@zh`` and
``@en``, ``skos:notation`` (the id) and ``skos:inScheme <TERMS><field key>``.
A dataset's IRI is the entry's page, ``<site>/directory/entries/<entry_id>``.

DCAT-AP 3's SHACL shapes (``tests/formats/test_dcat_shacl.py``) ask the
objects of some properties to be of a class: landing and home pages are
described as ``foaf:Document``, the EU access right as ``dct:RightsStatement``,
the frequency as ``dct:Frequency``, the file type as
``dct:MediaTypeOrExtent``, the IANA media type as ``dct:MediaType``, a
licence IRI as ``dct:LicenseDocument``, the contact point as ``vcard:Kind``.
A dataset without ``content`` has its titles as ``dct:description``
(mandatory in DCAT-AP).
"""

import json
import re
from collections import namedtuple
from functools import lru_cache
from urllib.parse import quote, urlsplit

from ...exports.serializers import EU_ACCESS_RIGHT, OPENING_ACCESS, TERMS
from .common import CHUNK_SIZE, catalog_info, chunked, normalise

TDD = "https://techdata.chengdu.example.org/ns/directory#"
"""Our namespace for directory fields that DCAT-AP has no property for."""

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
"""The EU frequency authority table (``dct:accrualPeriodicity``)."""

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
"""The EU file-type authority table (``dct:format``)."""

IANA = "https://www.iana.org/assignments/media-types/"
"""IANA media types (``dcat:mediaType``)."""

XSD = "http://www.w3.org/2001/XMLSchema#"
"""XML Schema datatypes."""

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "tdd": TDD,
}
"""Prefixes of the Turtle file and the JSON-LD context."""

UPDATE_FREQUENCY = {
    # LZ Art. 11; QY Art. 8: the update cycle, as an EU frequency.
    "realtime": "UPDATE_CONT", "daily": "DAILY", "weekly": "WEEKLY",
    "monthly": "MONTHLY", "quarterly": "QUARTERLY", "half-yearly": "BIANNUAL",
    "yearly": "ANNUAL", "irregular": "IRREG", "static": "NEVER",
}
"""Update-cycle id -> EU frequency code."""

FILE_TYPES = {
    "CSV": ("CSV", "text/csv"), "XLS": ("XLS", "application/vnd.ms-excel"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "JSON": ("JSON", "application/json"), "XML": ("XML", "application/xml"),
    "PDF": ("PDF", "application/pdf"), "ZIP": ("ZIP", "application/zip"),
    "TXT": ("TXT", "text/plain"), "NETCDF": ("NETCDF", "application/netcdf"),
    "SHP": ("SHP", None), "TIFF": ("TIFF", "image/tiff"), "GEOTIFF": ("GEOTIFF", "image/tiff"),
    "RDF": ("RDF", None), "SQL": ("SQL", "application/sql"),
}
"""Storage format (upper case) -> (EU file type code, IANA media type or None)."""

CONCEPT_PROPERTIES = {
    "sharing_type": "tdd:sharingType", "secrecy": "tdd:secrecy", "grade": "tdd:grade",
    "access_methods": "tdd:accessMethod", "opening_type": "tdd:openingType",
    "update_cycle": "tdd:updateCycle",
}
"""Term fields carried as concepts of our namespace."""

TEXT_PROPERTIES = {
    "sharing_scope": "tdd:sharingScope", "business_name": "tdd:businessName",
    "information_system": "tdd:informationSystem", "sharing_period": "tdd:sharingPeriod",
    "usage_requirements": "tdd:usageRequirements", "source": "tdd:source",
    "storage_format": "tdd:storageFormat",
}
"""Text fields carried as plain literals of our namespace."""


DOCUMENT = "foaf:Document"
"""Class of landing pages and home pages (DCAT-AP 3 range of ``dcat:landingPage``,
``foaf:homepage``)."""


class IRI(str):
    """An absolute IRI (rendered ``<...>`` / ``{"@id": ...}``)."""


Lit = namedtuple("Lit", "value lang datatype", defaults=(None, None))
"""A literal, with a language tag or a datatype IRI."""

Node = namedtuple("Node", "id types props")
"""A resource: ``id`` (an :class:`IRI`, or ``None`` for a blank node), ``types``
(prefixed names) and ``props`` (list of ``(prefixed name, value)``; a value is
an :class:`IRI`, a :class:`Lit` or a blank :class:`Node`)."""

_HTTP = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_IRI_ESCAPE = {i: f"%{i:02X}" for i in range(0x21)}
_IRI_ESCAPE.update({ord(c): f"%{ord(c):02X}" for c in '<>"{}|^`\\'})
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_escape(value):
    """``value`` with the characters an IRI may not hold percent-encoded."""
    return value.translate(_IRI_ESCAPE) if _IRI_SPECIAL.search(value) else value

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def http_iri(value):
    """``value`` as an :class:`IRI` if it is an http(s) URL, else ``None``.

    Characters an IRI may not hold (``<>"{}|^`` and backslash) are
    percent-encoded, so Turtle and JSON-LD carry the same IRI.
    """
    value = str(value or "").strip()
    return IRI(iri_escape(value)) if _HTTP.match(value) else None


def date_literal(value):
    """A date as ``xsd:date`` (``xsd:dateTime`` with a time; plain if malformed)."""
    value = str(value).strip()
    if _DATE.match(value):
        return Lit(value, datatype=XSD + "date")
    match = _DATETIME.match(value)
    if match:
        if not match.group(1):  # xsd:dateTime needs the seconds
            value = value[:16] + ":00" + value[16:]
        return Lit(value, datatype=XSD + "dateTime")
    return Lit(value)


def concept_iri(key, term):
    """The IRI of a vocabulary term of field ``key``."""
    return _concept_iri(key, str(term.get("id") or ""))


@lru_cache(maxsize=4096)
def _concept_iri(key, id_):
    """The IRI of term ``id_`` of field ``key`` (vocabularies are small: cached)."""
    return IRI(f"{TERMS}{key}/{quote(id_, safe='')}")


def concept_node(key, term):
    """The ``skos:Concept`` of a term (an entity is also a ``foaf:Agent``)."""
    types = ["skos:Concept"]
    props = [("skos:notation", Lit(str(term.get("id") or ""))),
             ("skos:inScheme", IRI(TERMS + key))]
    for lang in ("zh", "en"):
        if term.get(lang):
            props.append(("skos:prefLabel", Lit(term[lang], lang)))
    if key == "providing_entity":
        types.append("foaf:Agent")
        props += [("foaf:name", Lit(term[lang], lang)) for lang in ("zh", "en") if term.get(lang)]
    return Node(concept_iri(key, term), types, props)


def entry_base(info):
    """The IRI before ``<entry_id>`` of a dataset (the site's entry pages)."""
    parts = urlsplit(info.get("url") or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}/directory/entries/"
    return "urn:techdata:directory:entry:"


def catalog_iri(info):
    """The catalog's IRI: its landing URL, else a URN of its id."""
    return http_iri(info.get("url")) or IRI(
        "urn:techdata:directory:catalog:" + quote(str(info.get("id") or "directory"), safe=""))


def catalog_node(info):
    """The ``dcat:Catalog`` of the export (a release, or the live directory)."""
    props = [("dct:title", Lit(info[k], k[-2:])) for k in ("title_zh", "title_en") if info[k]]
    # dct:description is mandatory for a DCAT-AP catalog.
    if info["title_zh"]:
        props.append(("dct:description", Lit(
            f"《{info['title_zh']}》的机器可读版本（DCAT-AP 3），每个目录条目一个数据集。", "zh")))
    if info["title_en"]:
        props.append(("dct:description", Lit(
            f"{info['title_en']}, machine-readable (DCAT-AP 3): one dataset per directory entry.",
            "en")))
    if info["id"] is not None:
        props.append(("dct:identifier", Lit(str(info["id"]))))
    if info["publisher"]:
        props.append(("dct:publisher", Node(None, ["foaf:Agent"],
                                            [("foaf:name", Lit(str(info["publisher"]), "zh"))])))
    if info["issued"]:
        props.append(("dct:issued", date_literal(info["issued"])))
    if info["number"] is not None:
        props.append(("dcat:version", Lit(str(info["number"]))))
    if http_iri(info["url"]):
        props.append(("foaf:homepage", http_iri(info["url"])))
    for erratum in info.get("errata") or []:
        # A published release stays as it was; its errata are notes on it (CD-TD Art. 7).
        props += [("adms:versionNotes", Lit(str(erratum[key]), key[-2:]))
                  for key in ("note_zh", "note_en") if erratum.get(key)]
        if http_iri(erratum.get("corrected_by_url")):
            props.append(("dct:isReplacedBy", http_iri(erratum["corrected_by_url"])))
    return Node(catalog_iri(info), ["dcat:Catalog"], props)


def _identifier(notation, agency):
    """An ``adms:Identifier`` of a DOI or CSTR."""
    return Node(None, ["adms:Identifier"], [("skos:notation", Lit(notation)),
                                            ("adms:schemaAgency", Lit(agency))])


def _distribution(iri, e, page, typed):
    """The ``dcat:Distribution`` of an entry; the classes of its objects go to ``typed``."""
    props = [("dcat:accessURL", http_iri(e["landing_page"]) or page)]
    download = http_iri(e["download_url"])
    if download:
        props.append(("dcat:downloadURL", download))
    fmt = FILE_TYPES.get((e["storage_format"] or "").strip().upper())
    if fmt:
        props.append(("dct:format", IRI(EU_FILE_TYPE + fmt[0])))
        typed.append((IRI(EU_FILE_TYPE + fmt[0]), "dct:MediaTypeOrExtent"))
        if fmt[1]:
            props.append(("dcat:mediaType", IRI(IANA + fmt[1])))
            typed.append((IRI(IANA + fmt[1]), "dct:MediaType"))
    if e["license"]:
        lic = http_iri(e["license"])
        props.append(("dct:license", lic or Node(None, ["dct:LicenseDocument"],
                                                 [("rdfs:label", Lit(str(e["license"])))])))
        if lic:
            typed.append((lic, "dct:LicenseDocument"))
    return Node(iri, ["dcat:Distribution"], props)


def dataset_node(e, base):
    """The ``dcat:Dataset`` of a normalised entry ``e``, and the terms it uses.

    Returns ``(dataset node, distribution node, [(field key, term), ...],
    [(IRI, class), ...])``: the last are the vocabulary IRIs the entry points
    to with the class DCAT-AP's range shapes ask of them (described once).
    """
    iri = IRI(base + quote(str(e["entry_id"] or ""), safe=""))
    props, terms, typed = [], [], []
    if e["entry_id"] is not None:
        props.append(("dct:identifier", Lit(str(e["entry_id"]))))
    for key, lang in (("title_zh", "zh"), ("title_en", "en"), ("content", "zh")):
        if e[key]:
            props.append(("dct:title" if key != "content" else "dct:description",
                          Lit(str(e[key]), lang)))
    if not e["content"]:
        # dct:description is mandatory (DCAT-AP 3, 1..n): the title says what it is.
        props += [("dct:description", Lit(str(e[key]), lang))
                  for key, lang in (("title_zh", "zh"), ("title_en", "en")) if e[key]]
    if e["category"]:
        props.append(("dcat:theme", concept_iri("category", e["category"])))
        terms.append(("category", e["category"]))
    dept = e["responsible_department"]
    if dept:
        props.append(("dcat:contactPoint", Node(None, ["vcard:Kind", "vcard:Organization"], [
            *[("vcard:fn", Lit(dept[lang], lang)) for lang in ("zh", "en") if dept.get(lang)],
            ("vcard:hasUID", concept_iri("responsible_department", dept))])))
        terms.append(("responsible_department", dept))
    if e["providing_entity"]:
        props.append(("dct:publisher", concept_iri("providing_entity", e["providing_entity"])))
        terms.append(("providing_entity", e["providing_entity"]))
    opening = e["opening_type"] or {}
    access = OPENING_ACCESS.get(opening.get("id"))
    if access:  # CD-TD Art. 18; QY Art. 22; LZ Art. 25
        props.append(("dct:accessRights", IRI(EU_ACCESS_RIGHT + access[1])))
        typed.append((IRI(EU_ACCESS_RIGHT + access[1]), "dct:RightsStatement"))
    cycle = e["update_cycle"] or {}
    if cycle.get("id") in UPDATE_FREQUENCY:
        props.append(("dct:accrualPeriodicity",
                      IRI(EU_FREQUENCY + UPDATE_FREQUENCY[cycle["id"]])))
        typed.append((IRI(EU_FREQUENCY + UPDATE_FREQUENCY[cycle["id"]]), "dct:Frequency"))
    for key, prop in CONCEPT_PROPERTIES.items():
        value = e[key]
        for term in (value if isinstance(value, list) else [value] if value else []):
            props.append((prop, concept_iri(key, term)))
            terms.append((key, term))
    for key, prop in TEXT_PROPERTIES.items():
        if e[key] not in (None, ""):
            props.append((prop, Lit(str(e[key]))))
    props += [("tdd:dataItem", Lit(str(v))) for v in e["data_items"] or []]
    props += [("dcat:keyword", Lit(str(v))) for v in e["keywords"] or []]
    for key, agency in (("doi", "DOI"), ("cstr", "CSTR")):
        if e[key]:
            props += [("dct:identifier", Lit(str(e[key]))),
                      ("adms:identifier", _identifier(str(e[key]), agency))]
    page = http_iri(e["landing_page"])
    if page:
        props.append(("dcat:landingPage", page))
        typed.append((page, DOCUMENT))
    elif e["landing_page"]:
        props.append(("tdd:landingPage", Lit(str(e["landing_page"]))))
    if e["download_url"] and not http_iri(e["download_url"]):
        props.append(("tdd:downloadURL", Lit(str(e["download_url"]))))
    for key, prop in (("issued", "dct:issued"), ("modified", "dct:modified"),
                      ("last_checked", "tdd:lastChecked")):
        if e[key]:
            props.append((prop, date_literal(e[key])))
    distribution = _distribution(IRI(iri + "#distribution"), e, iri, typed)
    props.append(("dcat:distribution", distribution.id))
    return Node(iri, ["dcat:Dataset"], props), distribution, terms, typed


def graph_nodes(entries, catalog):
    """Yield ``(node, catalog IRI or None)`` per top-level node, entry by entry.

    The second item is the catalog's IRI for a dataset (linked by
    ``dcat:dataset``), ``None`` for the catalog itself, distributions and
    concepts.
    """
    info = catalog_info(catalog)
    cat = catalog_node(info)
    yield cat, None
    if http_iri(info["url"]):
        yield Node(http_iri(info["url"]), [DOCUMENT], []), None
    base, seen = entry_base(info), set()
    for entry in entries:
        dataset, distribution, terms, typed = dataset_node(normalise(entry), base)
        yield dataset, cat.id
        yield distribution, None
        for key, term in terms:
            iri = concept_iri(key, term)
            if iri not in seen:
                seen.add(iri)
                yield concept_node(key, term), None
        for iri, cls in typed:
            if cls == DOCUMENT:  # an entry's own page: described once, never remembered
                yield Node(iri, [cls], []), None
            elif (iri, cls) not in seen:
                seen.add((iri, cls))
                yield Node(iri, [cls], []), None


# Turtle
# ======

_TTL_STRING = {i: f"\\u{i:04X}" for i in range(0x20)}
_TTL_STRING.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n",
                    ord("\r"): "\\r", ord("\t"): "\\t", 0x7F: "\\u007F"})
_TTL_SPECIAL = re.compile(r'[\x00-\x1f"\\\x7f]')


def ttl_string(value):
    """A Turtle string literal's content: quotes, backslashes and controls escaped."""
    return value.translate(_TTL_STRING) if _TTL_SPECIAL.search(value) else value


def ttl_iri(iri):
    """``<iri>``, characters Turtle forbids in an IRI percent-encoded."""
    return "<" + iri_escape(iri) + ">"


def ttl_value(value, indent="    "):
    """A Turtle object: IRI, literal or blank node ``[ ... ]``."""
    if isinstance(value, IRI):
        return ttl_iri(value)
    if isinstance(value, Node):
        inner = indent + "    "
        parts = [f"a {', '.join(value.types)}"] if value.types else []
        parts += [f"{p} {ttl_value(v, inner)}" for p, v in value.props]
        return "[\n" + inner + (" ;\n" + inner).join(parts) + "\n" + indent + "]"
    text = '"' + ttl_string(str(value.value)) + '"'
    if value.lang:
        return text + "@" + value.lang
    if value.datatype:
        return text + "^^" + ttl_iri(value.datatype)
    return text


def ttl_node(node):
    """A top-level node as a Turtle statement block."""
    parts = [f"a {', '.join(node.types)}"] + [f"{p} {ttl_value(v)}" for p, v in node.props]
    return ttl_iri(node.id) + "\n    " + " ;\n    ".join(parts) + " .\n\n"


def ttl_pieces(entries, catalog):
    """Text pieces of the Turtle file."""
    yield "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + "\n"
    for node, cat in graph_nodes(entries, catalog):
        if cat is not None:
            yield f"{ttl_iri(cat)} dcat:dataset {ttl_iri(node.id)} .\n"
        yield ttl_node(node)


def serialise_ttl(entries, catalog, chunk_size=CHUNK_SIZE):
    """``bytes`` chunks of the Turtle export."""
    return chunked(ttl_pieces(entries, catalog), chunk_size)


# JSON-LD
# =======

def jsonld_value(value):
    """A JSON-LD value object, node reference or embedded blank node."""
    if isinstance(value, IRI):
        return {"@id": str(value)}
    if isinstance(value, Node):
        return jsonld_node(value)
    if value.lang:
        return {"@value": str(value.value), "@language": value.lang}
    if value.datatype:
        return {"@value": str(value.value), "@type": value.datatype}
    return {"@value": str(value.value)}


def jsonld_node(node, catalog=None):
    """A node object; a dataset names its catalog with ``@reverse dcat:dataset``."""
    out = {"@id": str(node.id)} if node.id else {}
    out["@type"] = list(node.types)
    for prop, value in node.props:
        out.setdefault(prop, []).append(jsonld_value(value))
    if catalog is not None:
        out["@reverse"] = {"dcat:dataset": {"@id": str(catalog)}}
    return out


def jsonld_pieces(entries, catalog):
    """Text pieces of the JSON-LD document (``@context`` and ``@graph``)."""
    yield '{"@context": ' + json.dumps(PREFIXES) + ',\n"@graph": ['
    sep = "\n"
    for node, cat in graph_nodes(entries, catalog):
        yield sep + json.dumps(jsonld_node(node, cat), ensure_ascii=False)
        sep = ",\n"
    yield "\n]}\n"


def serialise_jsonld(entries, catalog, chunk_size=CHUNK_SIZE):
    """``bytes`` chunks of the JSON-LD export."""
    return chunked(jsonld_pieces(entries, catalog), chunk_size)
