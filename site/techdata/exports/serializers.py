"""DataCite and DCAT-AP serializers that carry the ``cdtd:`` classification.

InvenioRDM's DataCite schema knows nothing of our custom fields. The
subclasses here add, on top of its output:

- ``types.resourceType``: the tech-data category of CD-TD Art. 2, in Chinese
  and English (``resourceTypeGeneral`` stays what the resource type says,
  ``Dataset`` for a dataset);
- ``subjects``: the category and the sensitivity grade, each with its scheme;
- ``rightsList``: the opening type (CD-TD Art. 18; QY Art. 22; LZ Art. 25) as
  an info:eu-repo access right, with the rights text in Chinese and English;
- ``titles``: the Chinese and English titles (``cdtd:title_zh``,
  ``cdtd:title_en``) with their language, the one that is not the main
  title as a ``TranslatedTitle``.

The funding source (财政资金 / 社会资金, CD-TD Art. 15-16) says what kind of
money paid for the data, not who paid: it is no funder, so nothing is added
to ``fundingReferences`` for it. Funders entered in ``metadata.funding`` are
exported by InvenioRDM as before.

Without a description, the Chinese (and English) abstract is the
description (DataCite, DCAT-AP and the schema.org JSON-LD of the record page).

The DCAT-AP serializer runs InvenioRDM's XSLT over the enriched DataCite XML
and then post-processes the RDF/XML so that DCAT-AP 3's SHACL shapes accept
it (issue 14; ``tests/formats/test_dcat_shacl.py``): exactly one
``dct:accessRights`` (a ``dct:RightsStatement`` of the EU access-right
authority for the opening type), one ``dct:issued``, no empty
``dcat:Distribution`` and a ``dcat:accessURL`` on every other one,
``dcat:byteSize`` an ``xsd:nonNegativeInteger``, ``dcat:mediaType`` an IANA
IRI, the landing page a ``foaf:Document``, and no ``rdf:about`` on a
property element (InvenioRDM puts the subject URI on ``dct:subject``, which
RDF/XML forbids; it belongs on the ``skos:Concept``).
"""

from flask_resources import BaseListSchema, MarshmallowSerializer
from flask_resources.serializers import JSONSerializer, SimpleSerializer
from invenio_rdm_records.contrib.journal.processors import JournalDataciteDumper
from invenio_rdm_records.resources.serializers import (
    DataCite43JSONSerializer,
    DataCite43XMLSerializer,
    DataCite45JSONSerializer,
    DataCite45XMLSerializer,
    DCATSerializer,
    DublinCoreXMLSerializer,
)
from invenio_rdm_records.contrib.journal.processors import (
    JournalDublinCoreDumper,
    JournalSchemaorgDumper,
)
from invenio_rdm_records.contrib.meeting.processors import MeetingDublinCoreDumper
from invenio_rdm_records.resources.serializers.dublincore.schema import DublinCoreSchema
from invenio_rdm_records.resources.serializers.datacite.schema import (
    DataCite43Schema,
    DataCite45Schema,
)
from invenio_rdm_records.resources.serializers.dcat.schema import DcatSchema
from invenio_rdm_records.resources.serializers.schemaorg import SchemaorgJSONLDSerializer
from invenio_rdm_records.resources.serializers.schemaorg.schema import SchemaorgSchema
from dcxml import simpledc
from lxml import etree
from marshmallow import fields, missing
from invenio_base import invenio_url_for
from invenio_rdm_records.services.schemas.fields import SanitizedHTML

from ..deposit.config import NAMESPACES
from ..kernel.labels import NAMESPACE, TERM_VOCABULARIES, cf_value, labels

TERMS = NAMESPACES[NAMESPACE]
"""Base URI of our terms (the ``cdtd`` namespace of ``RDM_NAMESPACES``)."""

LANGS = ("zh", "en")
"""Languages of the bilingual metadata (XC), Chinese first."""

CATEGORY_SCHEME = "CD-TD data category"
"""``subjectScheme`` of the tech-data category (CD-TD Art. 2)."""

GRADE_SCHEME = "CD-TD sensitivity grade"
"""``subjectScheme`` of the sensitivity grade (数据分级, Data Security Law)."""

EU_REPO = "info:eu-repo/semantics/"
"""Prefix of the OpenAIRE (info:eu-repo) access-right terms."""

EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
"""The EU access-right authority table used by DCAT-AP."""

OPENING_ACCESS = {
    # CD-TD Art. 18: open is the rule; QY Art. 22, LZ Art. 25: the three types.
    "unconditional": ("openAccess", "PUBLIC"),
    "conditional": ("restrictedAccess", "RESTRICTED"),
    "none": ("closedAccess", "NON_PUBLIC"),
}
"""Opening type id -> (info:eu-repo access term, EU access-right code)."""

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""RDF namespaces the DCAT post-processing uses."""

IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""IANA's media-type register: ``dcat:mediaType`` is an IRI in it (DCAT-AP 3)."""


class TechDataDataCiteMixin:
    """Adds the ``cdtd:`` classification to a DataCite (or DCAT) schema."""

    def get_type(self, obj):
        """Resource type, its text naming the tech-data category (CD-TD Art. 2)."""
        types = super().get_type(obj)
        category = labels(cf_value(obj, "category"), TERM_VOCABULARIES["category"])
        if not category:
            return types
        types = dict(types) if types is not missing else {"resourceTypeGeneral": "Dataset"}
        types["resourceType"] = "{} / {}".format(*category)
        return types

    def get_titles(self, obj):
        """Titles, with the Chinese and English title and their language (XC)."""
        titles = super().get_titles(obj)
        titles = [] if titles is missing else [dict(t) for t in titles]
        for lang in LANGS:
            text = (cf_value(obj, f"title_{lang}") or "").strip()
            if not text:
                continue
            same = [t for t in titles if (t.get("title") or "").strip() == text]
            if not same:
                titles.append({"title": text})
                same = titles[-1:]
            for title in same:
                title.setdefault("lang", lang)
                # The main title (first) has no type; another language's
                # title is a translation of it.
                if title is not titles[0] and "titleType" not in title:
                    title["titleType"] = "TranslatedTitle"
        return titles or missing

    def get_subjects(self, obj):
        """Subjects, plus the tech-data category and the sensitivity grade."""
        subjects = super().get_subjects(obj)
        subjects = [] if subjects is missing else list(subjects)
        for name, scheme in (("category", CATEGORY_SCHEME), ("grade", GRADE_SCHEME)):
            value = cf_value(obj, name)
            found = labels(value, TERM_VOCABULARIES[name])
            if not found:
                continue
            for lang, text in zip(LANGS, found):
                entry = {
                    "subject": text,
                    "subjectScheme": scheme,
                    "schemeUri": f"{TERMS}{name}",
                    "valueUri": f"{TERMS}{name}/{value['id']}",
                    "lang": lang,
                }
                if entry not in subjects:
                    subjects.append(entry)
        return subjects or missing

    def get_rights(self, obj):
        """Rights, led by the access right of the opening type (CD-TD Art. 18)."""
        rights = super().get_rights(obj)
        rights = [] if rights is missing else list(rights)
        opening = cf_value(obj, "opening_type") or {}
        access = OPENING_ACCESS.get(opening.get("id"))
        if not access:
            return rights or missing
        uri = EU_REPO + access[0]
        # The opening type decides; drop any other info:eu-repo access right.
        rights = [r for r in rights if not (r.get("rightsUri") or "").startswith(EU_REPO)]
        ours = [
            {"rights": text, "rightsUri": uri, "lang": lang}
            for lang, text in zip(LANGS, labels(opening, TERM_VOCABULARIES["opening_type"]))
        ]
        return ours + rights

    def get_descriptions(self, obj):
        """Descriptions; without one, the Chinese and English abstracts (``cdtd:abstract_*``)."""
        descriptions = super().get_descriptions(obj)
        if descriptions is not missing and descriptions:
            return descriptions
        return abstracts(obj) or missing

    def get_alternate_identifiers(self, obj):
        """Alternate identifiers, with the dataset's CSTR (GB/T 32843) exactly once."""
        identifiers = super().get_alternate_identifiers(obj)
        identifiers = [] if identifiers is missing else list(identifiers)
        cstr = dataset_cstr(obj)
        if not cstr:
            return identifiers or missing
        others = [i for i in identifiers if i.get("alternateIdentifier") != cstr
                  and (i.get("alternateIdentifierType") or "").lower() != "cstr"]
        return others + [{"alternateIdentifier": cstr, "alternateIdentifierType": "CSTR"}]


def abstracts(obj):
    """DataCite descriptions of the ``cdtd:abstract_zh`` / ``_en`` abstracts (zh first)."""
    out = []
    for lang in LANGS:
        text = (cf_value(obj, f"abstract_{lang}") or "").strip()
        if text:
            out.append({"description": text, "descriptionType": "Abstract", "lang": lang})
    return out


def dataset_cstr(obj):
    """The CSTR of a record (dict, record or parent chain): its parent's ``cstr`` PID."""
    parent = obj.parent if hasattr(obj, "parent") else obj.get("parent", {})
    pids = (parent.get("pids") if parent else None) or obj.get("pids") or {}
    return (pids.get("cstr") or {}).get("identifier")


class TechDataDataCite43Schema(TechDataDataCiteMixin, DataCite43Schema):
    """DataCite 4.3 schema with the ``cdtd:`` classification."""


class TechDataDataCite45Schema(TechDataDataCiteMixin, DataCite45Schema):
    """DataCite 4.5 schema with the ``cdtd:`` classification."""


class TechDataDcatSchema(TechDataDataCiteMixin, DcatSchema):
    """The DataCite dump under the DCAT XSLT, with the ``cdtd:`` classification."""

    _landing = fields.Method("get_landing")

    def get_landing(self, obj):
        """The record page (the export menu's record has no ``links``; REST has)."""
        page = (obj.get("links") or {}).get("self_html")
        if page or not obj.get("id"):
            return page or missing
        return invenio_url_for("invenio_app_rdm_records.record_detail", pid_value=obj["id"])


def _schema_kwargs(is_parent=None):
    """Schema arguments as InvenioRDM's DataCite serializers pass them."""
    kwargs = {"dumpers": [JournalDataciteDumper()]}  # order matters (upstream)
    if is_parent is not None:
        kwargs["is_parent"] = is_parent
    return kwargs


class TechDataDataCite43JSONSerializer(DataCite43JSONSerializer):
    """DataCite 4.3 JSON with the ``cdtd:`` classification."""

    def __init__(self, is_parent=False, **options):
        """Same as InvenioRDM's, with our schema."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=JSONSerializer,
            object_schema_cls=TechDataDataCite43Schema, list_schema_cls=BaseListSchema,
            schema_kwargs=_schema_kwargs(is_parent), **options,
        )


class TechDataDataCite43XMLSerializer(DataCite43XMLSerializer):
    """DataCite 4.3 XML with the ``cdtd:`` classification."""

    def __init__(self, **options):
        """Same as InvenioRDM's, with our schema."""
        from datacite import schema43

        MarshmallowSerializer.__init__(
            self, format_serializer_cls=SimpleSerializer,
            object_schema_cls=TechDataDataCite43Schema, list_schema_cls=BaseListSchema,
            schema_kwargs=_schema_kwargs(),
            encoder=options.get("encoder", schema43.tostring),
        )


class TechDataDataCite45JSONSerializer(DataCite45JSONSerializer):
    """DataCite 4.5 JSON with the ``cdtd:`` classification (exports, DOI registration)."""

    def __init__(self, is_parent=False, **options):
        """Same as InvenioRDM's, with our schema."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=JSONSerializer,
            object_schema_cls=TechDataDataCite45Schema, list_schema_cls=BaseListSchema,
            schema_kwargs=_schema_kwargs(is_parent), **options,
        )


DATACITE_NS = "http://datacite.org/schema/kernel-4"


def primary_identifier(data):
    """``(identifier, type)`` of a DataCite dump without a DOI: its CSTR, else its URL.

    DataCite's kernel-4.5 XSD makes ``<identifier>`` mandatory but leaves its
    type open; the DOI comes first when there is one (README "Identifiers").
    """
    for alt in data.get("alternateIdentifiers") or []:
        if alt.get("alternateIdentifierType") == "CSTR" and alt.get("alternateIdentifier"):
            return alt["alternateIdentifier"], "CSTR"
    for ident in data.get("identifiers") or []:
        if ident.get("identifierType") == "URL" and ident.get("identifier"):
            return ident["identifier"], "URL"
    return None


def _children(root, name):
    """Direct children ``name`` of ``root``, namespaced or not.

    The datacite package builds its elements without a namespace (the
    default ``xmlns`` of ``<resource>`` applies once serialised).
    """
    return [c for c in root if c.tag in (name, f"{{{DATACITE_NS}}}{name}")]


def datacite45_etree(data):
    """DataCite 4.5 XML tree of a dump; ``<identifier>`` is the DOI, else the CSTR or URL."""
    from datacite import schema45  # noqa: the datacite package loads its schemas on import

    root = schema45.dump_etree(data)
    found = _children(root, "identifier")
    if found:
        # kernel-4.5 is a sequence: <identifier> first (the datacite package puts it later).
        for element in found:
            root.remove(element)
        root.insert(0, found[0])
        return root
    primary = primary_identifier(data)
    if primary:
        element = etree.Element(f"{{{DATACITE_NS}}}identifier", identifierType=primary[1])
        element.text = primary[0]
        root.insert(0, element)
        if primary[1] == "CSTR":
            for parent in _children(root, "alternateIdentifiers"):
                for alt in list(parent):
                    if alt.get("alternateIdentifierType") == "CSTR":
                        parent.remove(alt)
                if not len(parent):
                    root.remove(parent)
    return root


def datacite45_tostring(data, **kwargs):
    """DataCite 4.5 XML text of a dump (see :func:`datacite45_etree`)."""
    return etree.tostring(datacite45_etree(data), pretty_print=True, encoding="unicode", **kwargs)


class TechDataDataCite45XMLSerializer(DataCite45XMLSerializer):
    """DataCite 4.5 XML with the ``cdtd:`` classification, valid without a DOI too."""

    def __init__(self, **options):
        """Same as InvenioRDM's, with our schema and identifier."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=SimpleSerializer,
            object_schema_cls=TechDataDataCite45Schema, list_schema_cls=BaseListSchema,
            schema_kwargs=_schema_kwargs(),
            encoder=options.get("encoder", datacite45_tostring),
        )


class TechDataDublinCoreSchema(DublinCoreSchema):
    """Dublin Core whose access right is the opening type's (as in DataCite)."""

    def get_rights(self, obj):
        """Rights, the info:eu-repo access right from the opening type (CD-TD Art. 18)."""
        rights = super().get_rights(obj)
        rights = [] if rights is missing else list(rights)
        access = OPENING_ACCESS.get((cf_value(obj, "opening_type") or {}).get("id"))
        if not access:
            return rights or missing
        others = [r for r in rights if not (r or "").startswith(EU_REPO)]
        return [EU_REPO + access[0]] + others


class TechDataDublinCoreXMLSerializer(DublinCoreXMLSerializer):
    """Dublin Core XML (``oai_dc``) with the opening type's access right."""

    def __init__(self, **options):
        """InvenioRDM's, with our schema."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=SimpleSerializer,
            object_schema_cls=TechDataDublinCoreSchema, list_schema_cls=BaseListSchema,
            schema_kwargs={"dumpers": [JournalDublinCoreDumper(), MeetingDublinCoreDumper()]},
            encoder=simpledc.tostring, **options,
        )


class TechDataSchemaorgSchema(SchemaorgSchema):
    """schema.org JSON-LD whose description falls back to the Chinese abstract."""

    description = fields.Method("get_description")

    def get_description(self, obj):
        """``metadata.description`` (sanitised), else ``cdtd:abstract_zh`` (else ``_en``)."""
        text = SanitizedHTML(attribute="metadata.description").serialize("description", obj)
        if text:
            return text
        found = abstracts(obj)
        return found[0]["description"] if found else missing


class TechDataSchemaorgJSONLDSerializer(SchemaorgJSONLDSerializer):
    """schema.org JSON-LD (landing page, export menu, REST) with our description."""

    def __init__(self, **options):
        """InvenioRDM's, with our schema."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=JSONSerializer,
            object_schema_cls=TechDataSchemaorgSchema, list_schema_cls=BaseListSchema,
            schema_kwargs={"dumpers": [JournalSchemaorgDumper()]}, **options,
        )


def _q(prefixed):
    """Clark name (``{uri}local``) of a prefixed name such as ``dct:subject``."""
    prefix, local = prefixed.split(":")
    return f"{{{NS[prefix]}}}{local}"


def datasets(root):
    """The dataset nodes of an RDF/XML tree (``dcat:Dataset`` or typed as one)."""
    dataset_type = NS["dcat"] + "Dataset"
    for node in root:
        if node.tag == _q("dcat:Dataset") or any(
            t.get(_q("rdf:resource")) == dataset_type for t in node.findall(_q("rdf:type"))
        ):
            yield node


def landing_url(dc_record):
    """The record page of a DataCite dump (its ``URL`` identifier), or ``None``."""
    if dc_record.get("_landing"):
        return dc_record["_landing"]
    for ident in dc_record.get("identifiers") or []:
        if ident.get("identifierType") == "URL" and ident.get("identifier"):
            return ident["identifier"]
    return None


def typed_resource(prop, rdf_class):
    """Turn ``<prop rdf:resource="x"/>`` into ``<prop><rdf_class rdf:about="x"/></prop>``.

    DCAT-AP's range shapes ask the object to be an instance of the class;
    RDF/XML says so with a typed node element (returned; ``None`` if ``prop``
    had no ``rdf:resource``).
    """
    uri = prop.attrib.pop(_q("rdf:resource"), None)
    if uri is None:
        return None
    return etree.SubElement(prop, _q(rdf_class), {_q("rdf:about"): uri})


class TechDataDCATSerializer(DCATSerializer):
    """DCAT-AP (RDF/XML) with the opening type as ``dct:accessRights``."""

    def __init__(self, **options):
        """InvenioRDM's DCAT serializer over our DataCite schema."""
        MarshmallowSerializer.__init__(
            self, format_serializer_cls=SimpleSerializer,
            object_schema_cls=TechDataDcatSchema, list_schema_cls=BaseListSchema,
            schema_kwargs=_schema_kwargs(), encoder=self._etree_tostring, **options,
        )

    def transform_with_xslt(self, dc_record, **kwargs):
        """InvenioRDM's transformation, then our fixes of the RDF/XML."""
        root = super().transform_with_xslt(dc_record, **kwargs)
        self.move_about_to_concepts(root)
        self.link_subject_concepts(root, dc_record.get("subjects") or [])
        self.set_access_rights(root, dc_record.get("rightsList") or [])
        self.add_cstr_identifier(root, dc_record.get("alternateIdentifiers") or [])
        self.keep_one_issued(root)
        self.set_description_languages(root, dc_record.get("descriptions") or [])
        landing = landing_url(dc_record)
        self.name_datasets(root, landing)
        self.type_landing_page(root, landing)
        self.fix_distributions(root, landing)
        self.type_agents(root)
        return root

    @staticmethod
    def type_agents(root):
        """Creators, contributors and publishers as ``foaf:Agent`` (DCAT-AP range).

        The XSLT types them ``foaf:Person`` / ``foaf:Organization``; with no
        ontology at hand a validator cannot tell these are agents.
        """
        agent = NS["foaf"] + "Agent"
        for name in ("dct:creator", "dct:contributor", "dct:publisher", "dct:rightsHolder"):
            for prop in root.iter(_q(name)):
                if prop.get(_q("rdf:resource")) is not None:
                    typed_resource(prop, "foaf:Agent")
                    continue
                for node in prop:
                    if node.tag == _q("foaf:Agent") or any(
                            t.get(_q("rdf:resource")) == agent
                            for t in node.findall(_q("rdf:type"))):
                        continue
                    etree.SubElement(node, _q("rdf:type"), {_q("rdf:resource"): agent})

    @staticmethod
    def name_datasets(root, landing):
        """A dataset without an IRI (no DOI) is named by its record page."""
        about = _q("rdf:about")
        for dataset in datasets(root):
            if not dataset.get(about) and landing and dataset.get(_q("rdf:nodeID")) is None:
                dataset.set(about, landing)

    @staticmethod
    def set_description_languages(root, descriptions):
        """``xml:lang`` on ``dct:description`` from the DataCite description's ``lang``."""
        lang = "{http://www.w3.org/XML/1998/namespace}lang"
        by_text = {" ".join((d.get("description") or "").split()): d.get("lang")
                   for d in descriptions if d.get("lang")}
        for element in root.iter(_q("dct:description")):
            found = by_text.get(" ".join((element.text or "").split()))
            if found and element.get(lang) is None:
                element.set(lang, found)

    @staticmethod
    def keep_one_issued(root):
        """One ``dct:issued`` per dataset (DCAT-AP 3: 0..1): the date, not the year.

        The XSLT writes the publication year (``xsd:gYear``) and the issued
        date; the most precise one stays.
        """
        precision = {NS["xsd"] + "dateTime": 3, NS["xsd"] + "date": 2,
                     NS["xsd"] + "gYearMonth": 1}
        for dataset in datasets(root):
            found = dataset.findall(_q("dct:issued"))
            if len(found) < 2:
                continue
            best = max(found, key=lambda e: precision.get(e.get(_q("rdf:datatype")), 0))
            for element in found:
                if element is not best:
                    dataset.remove(element)

    @staticmethod
    def type_landing_page(root, landing):
        """``dcat:landingPage`` and ``foaf:page`` as ``foaf:Document``, ``dct:type`` as
        ``skos:Concept`` (DCAT-AP ranges); the record page is the landing page if none."""
        for dataset in datasets(root):
            pages = dataset.findall(_q("dcat:landingPage"))
            if not pages and landing:
                pages = [etree.SubElement(dataset, _q("dcat:landingPage"),
                                          {_q("rdf:resource"): landing})]
            for page in pages + dataset.findall(_q("foaf:page")):
                typed_resource(page, "foaf:Document")
            for kind in dataset.findall(_q("dct:type")):
                concept = typed_resource(kind, "skos:Concept")
                if concept is not None:  # a concept has a label (DCAT-AP: 1..n)
                    label = etree.SubElement(concept, _q("skos:prefLabel"),
                                             {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
                    label.text = concept.get(_q("rdf:about")).rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def fix_distributions(root, landing):
        """Distributions DCAT-AP accepts.

        An empty ``dcat:Distribution`` (a record without a DOI, licence or
        files) is dropped; every other one gets the mandatory
        ``dcat:accessURL`` (the record page when the XSLT gave none);
        ``dcat:byteSize`` is an ``xsd:nonNegativeInteger`` and
        ``dcat:mediaType`` an IANA IRI typed ``dct:MediaType``.
        """
        for dataset in datasets(root):
            for link in dataset.findall(_q("dcat:distribution")):
                dist = link.find(_q("dcat:Distribution"))
                if dist is None or not len(dist):
                    if dist is not None or link.get(_q("rdf:resource")) is None:
                        dataset.remove(link)
                    continue
                if dist.find(_q("dcat:accessURL")) is None and landing:
                    etree.SubElement(dist, _q("dcat:accessURL"), {_q("rdf:resource"): landing})
                for size in dist.findall(_q("dcat:byteSize")):
                    size.set(_q("rdf:datatype"), NS["xsd"] + "nonNegativeInteger")
                    size.text = (size.text or "").strip()
                for kind in dist.findall(_q("dcat:mediaType")):
                    text = (kind.text or "").strip()
                    if text and kind.get(_q("rdf:resource")) is None and len(kind) == 0:
                        kind.text = None
                        kind.set(_q("rdf:resource"), IANA_MEDIA_TYPES + text)
                    typed_resource(kind, "dct:MediaType")

    @staticmethod
    def add_cstr_identifier(root, alternate_identifiers):
        """The dataset's CSTR (GB/T 32843) as a ``dct:identifier`` of each dataset."""
        cstrs = [a.get("alternateIdentifier") for a in alternate_identifiers
                 if a.get("alternateIdentifierType") == "CSTR" and a.get("alternateIdentifier")]
        if not cstrs:
            return
        for dataset in datasets(root):
            present = {(i.text or "").strip() for i in dataset.findall(_q("dct:identifier"))}
            if cstrs[0] not in present:
                identifier = etree.SubElement(dataset, _q("dct:identifier"))
                identifier.text = cstrs[0]

    @staticmethod
    def move_about_to_concepts(root):
        """Put a subject's URI on its ``skos:Concept``, not on ``dct:subject``.

        ``rdf:about`` is a node attribute; on a property element RDF/XML
        parsers reject the document.
        """
        about = _q("rdf:about")
        for subject in root.iter(_q("dct:subject")):
            uri = subject.attrib.pop(about, None)
            concept = subject.find(_q("skos:Concept"))
            if uri and concept is not None and about not in concept.attrib:
                concept.set(about, uri)

    @staticmethod
    def link_subject_concepts(root, subjects):
        """Give our subjects' concepts their URI and their label its language.

        The XSLT makes a ``skos:Concept`` of a subject with a scheme but
        keeps neither an https ``valueURI`` nor the ``xml:lang``; the
        category and grade concepts get both back here.
        """
        about = _q("rdf:about")
        lang = "{http://www.w3.org/XML/1998/namespace}lang"
        for concept in root.iter(_q("skos:Concept")):
            label = concept.find(_q("skos:prefLabel"))
            scheme = concept.find(f"{_q('skos:inScheme')}/{_q('skos:ConceptScheme')}/{_q('dct:title')}")
            if label is None or scheme is None:
                continue
            for entry in subjects:
                if (entry.get("valueUri") and entry.get("subject") == (label.text or "").strip()
                        and entry.get("subjectScheme") == (scheme.text or "").strip()):
                    if concept.get(about) is None:
                        concept.set(about, entry["valueUri"])
                    if entry.get("lang") and label.get(lang) is None:
                        label.set(lang, entry["lang"])
                    break

    @staticmethod
    def set_access_rights(root, rights_list):
        """Exactly one ``dct:accessRights`` per dataset, from the opening type.

        DCAT-AP 3 allows one (0..1), a ``dct:RightsStatement``: the EU
        authority's PUBLIC / RESTRICTED / NON_PUBLIC (CD-TD Art. 18; QY Art.
        22; LZ Art. 25), labelled with the opening type in Chinese and
        English and pointing (``rdfs:seeAlso``) to the info:eu-repo term.
        """
        by_term = {term: code for term, code in OPENING_ACCESS.values()}
        ours = [r for r in rights_list
                if (r.get("rightsUri") or "").removeprefix(EU_REPO) in by_term]
        if not ours:
            return
        uri = ours[0]["rightsUri"]
        code = by_term[uri.removeprefix(EU_REPO)]
        for dataset in datasets(root):
            olds = dataset.findall(_q("dct:accessRights"))
            at = dataset.index(olds[0]) if olds else len(dataset)
            for old in olds:
                dataset.remove(old)
            access = etree.Element(_q("dct:accessRights"))
            dataset.insert(at, access)
            statement = etree.SubElement(access, _q("dct:RightsStatement"),
                                         {_q("rdf:about"): EU_ACCESS_RIGHT + code})
            for right in ours:
                if right.get("rightsUri") == uri and right.get("rights"):
                    label = etree.SubElement(statement, _q("rdfs:label"))
                    label.text = right["rights"]
                    if right.get("lang"):
                        label.set("{http://www.w3.org/XML/1998/namespace}lang", right["lang"])
            etree.SubElement(statement, _q("rdfs:seeAlso"), {_q("rdf:resource"): uri})
