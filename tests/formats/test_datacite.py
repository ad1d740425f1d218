"""DataCite output against DataCite's own 4.5 schemas (issue 14; README "Identifiers").

XML against kernel-4.5 ``metadata.xsd`` (``schemas/datacite-4.5``, DataCite's
files), JSON against the 4.5 JSON schema the ``datacite`` package ships; for
every published record, with a DOI (DataCite stand-in) or without one
(不予开放: its ``<identifier>`` is the CSTR).
"""

import json
from pathlib import Path

import pytest
from datacite import schema45
from lxml import etree

XSD = Path(__file__).parent / "schemas" / "datacite-4.5" / "metadata.xsd"
NS = {"dc": "http://datacite.org/schema/kernel-4",
      "oai": "http://www.openarchives.org/OAI/2.0/"}
KINDS = ("open", "conditional", "closed", "open2", "open3", "files")


@pytest.fixture(scope="module")
def kernel45():
    """DataCite's kernel-4.5 XML schema."""
    return etree.XMLSchema(etree.parse(str(XSD)))


def _errors(schema, root):
    """Schema errors of an XML tree."""
    schema.validate(root)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


@pytest.mark.parametrize("kind", KINDS)
def test_datacite_xml_and_json_valid(published, client, kernel45, kind):
    """The export menu's DataCite XML and JSON validate, with or without a DOI."""
    rec = published[kind]
    headers = published["headers"]
    res = client.get(f"/api/records/{rec['id']}", headers={
        **headers, "Accept": "application/vnd.datacite.datacite+xml"})
    assert res.status_code == 200, res.data[:300]
    root = etree.fromstring(res.data)
    assert _errors(kernel45, root) == []
    identifier = root.find("dc:identifier", NS)
    doi = (rec.get("pids") or {}).get("doi", {}).get("identifier")
    if doi:
        assert (identifier.get("identifierType"), identifier.text) == ("DOI", doi)
    else:
        assert identifier.get("identifierType") in ("CSTR", "URL")
    res = client.get(f"/api/records/{rec['id']}", headers={
        **headers, "Accept": "application/vnd.datacite.datacite+json"})
    assert res.status_code == 200
    assert [e.message for e in schema45.validator.iter_errors(json.loads(res.data))] == []


def test_oai_datacite_payload_valid(published, client, kernel45):
    """The resource inside every oai_datacite record validates too."""
    res = client.get("/oai2d", query_string={"verb": "ListRecords",
                                             "metadataPrefix": "oai_datacite"})
    tree = etree.fromstring(res.data)
    resources = tree.findall(".//dc:resource", NS)
    assert resources
    for resource in resources:
        assert _errors(kernel45, etree.fromstring(etree.tostring(resource))) == []
