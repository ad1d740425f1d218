"""``oai_dc`` and DataCite formats of ``/oai2d`` through our serializers.

InvenioRDM's OAI functions serialise with its stock DataCite and Dublin
Core serializers: no ``rightsList`` from the opening type, no CSTR, no
category or grade, and ``closedAccess`` in ``oai_dc`` for a 无条件开放
record without files. These take the record as the REST API shows it to
the harvester (``oai_result_item``) and use ``techdata.exports``.
"""

from dcxml import simpledc
from flask import current_app, g
from invenio_rdm_records.proxies import current_rdm_records_service
from lxml import etree

from ..exports.serializers import (
    TechDataDataCite45XMLSerializer,
    TechDataDublinCoreXMLSerializer,
    datacite45_etree,
)

OAI_DATACITE_NS = "http://schema.datacite.org/oai/oai-1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _item(record):
    """The record (a search hit) as the REST API shows it to the current identity."""
    return current_rdm_records_service.oai_result_item(g.identity, record["_source"]).to_dict()


def dublincore_etree(pid, record, **kwargs):
    """``oai_dc``: Dublin Core, access right from the opening type (CD-TD Art. 18)."""
    return simpledc.dump_etree(TechDataDublinCoreXMLSerializer(**kwargs).dump_obj(_item(record)))


def datacite_etree(pid, record):
    """``datacite``: the DataCite 4.5 resource with the ``cdtd`` classification."""
    return datacite45_etree(TechDataDataCite45XMLSerializer().dump_obj(_item(record)))


def oai_datacite_etree(pid, record):
    """``oai_datacite``: the resource of :func:`datacite_etree` in DataCite's OAI envelope."""
    nsmap = {None: OAI_DATACITE_NS, "xsi": XSI_NS}
    root = etree.Element(f"{{{OAI_DATACITE_NS}}}oai_datacite", nsmap=nsmap, attrib={
        f"{{{XSI_NS}}}schemaLocation": f"{OAI_DATACITE_NS} {OAI_DATACITE_NS}oai.xsd",
    })
    etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}schemaVersion").text = "4.5"
    etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}datacentreSymbol").text = (
        current_app.config.get("DATACITE_DATACENTER_SYMBOL") or "")
    payload = etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}payload")
    payload.append(datacite_etree(pid, record))
    return root
