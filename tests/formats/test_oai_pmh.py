"""An OAI-PMH harvester (sickle) walks ``/oai2d`` (issue 14; QY Art. 23; LZ Art. 22).

Identify, ListMetadataFormats, ListSets, ListIdentifiers and ListRecords in
``oai_dc`` and ``oai_datacite``, with and without the ``open-directory`` set,
through every resumption token (pages of two); a token used twice before it
expires gives the same page (OAI-PMH 2.0 §3.5.1); protocol errors are HTTP
200 with the right error code.
"""

import pytest
from sickle import oaiexceptions

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcite": "http://datacite.org/schema/kernel-4",
}

SET = "open-directory"


def oai_id(rec):
    """The OAI identifier of a published record."""
    return rec["pids"]["oai"]["identifier"]


def opened(published):
    """OAI ids of the records of the open directory (无条件开放, 有条件开放)."""
    return {oai_id(published[k]) for k in ("open", "conditional", "open2", "open3", "files")}


def test_identify(published, sickle):
    """Identify answers (a harvester starts here) with a plain repository name."""
    identify = sickle.Identify()
    assert identify.repositoryName
    assert "Chengdu" in identify.repositoryName or "成都" in identify.repositoryName
    assert identify.baseURL.endswith("/oai2d")
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.protocolVersion == "2.0"


def test_formats_and_sets(published, sickle):
    """Both formats and the open-directory set are listed."""
    prefixes = {f.metadataPrefix for f in sickle.ListMetadataFormats()}
    assert {"oai_dc", "oai_datacite"} <= prefixes
    sets = {s.setSpec: s for s in sickle.ListSets()}
    assert SET in sets


@pytest.mark.parametrize("prefix", ["oai_dc", "oai_datacite"])
def test_walk_every_token(published, sickle, prefix):
    """ListRecords and ListIdentifiers through every resumption token, with the set."""
    every = [r.header.identifier for r in sickle.ListRecords(metadataPrefix=prefix)]
    assert len(every) == len(set(every))
    assert opened(published) <= set(every)
    assert not any(i.endswith(published["closed"]["id"]) for i in every)
    tokens = [c for c, _ in sickle.calls if "resumptionToken" in c]
    assert tokens, "pages of two need resumption tokens"

    in_set = list(sickle.ListRecords(metadataPrefix=prefix, set=SET))
    assert {r.header.identifier for r in in_set} == opened(published)
    for record in in_set:
        assert SET in record.header.setSpecs, record.header.identifier
    headers = list(sickle.ListIdentifiers(metadataPrefix=prefix, set=SET))
    assert {h.identifier for h in headers} == opened(published)
    assert all(SET in h.setSpecs for h in headers)
    assert all(code == 200 for _, code in sickle.calls)


def test_token_reused_before_expiry(published, sickle):
    """Retrying a resumptionToken gives the same page, also the last one (§3.5.1)."""
    pages = []
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        first = sickle.harvest(**params).xml
        again = sickle.harvest(**params).xml
        ids = [e.text for e in first.iterfind(".//oai:header/oai:identifier", NS)]
        assert ids == [e.text for e in again.iterfind(".//oai:header/oai:identifier", NS)]
        pages.append(ids)
        token = first.find(".//oai:resumptionToken", NS)
        if token is None or not token.text:
            break
        params = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert len(pages) > 1
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat))


@pytest.mark.parametrize("params, error", [
    ({"verb": "Foo"}, oaiexceptions.BadVerb),
    ({"verb": "Foo", "metadataPrefix": "oai_dc"}, oaiexceptions.BadVerb),
    ({}, oaiexceptions.BadVerb),
    ({"verb": "ListRecords", "metadataPrefix": "nope"}, oaiexceptions.CannotDisseminateFormat),
    ({"verb": "GetRecord", "metadataPrefix": "nope", "identifier": "oai:x:1"},
     oaiexceptions.CannotDisseminateFormat),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2002-02-05",
      "until": "2002-02-06T05:35:00Z"}, oaiexceptions.BadArgument),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2002-02-05T00:00:00Z",
      "until": "2002-02-06"}, oaiexceptions.BadArgument),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
     oaiexceptions.BadArgument),
    ({"verb": "ListRecords"}, oaiexceptions.BadArgument),
    ({"verb": "ListRecords", "resumptionToken": "forged"}, oaiexceptions.BadResumptionToken),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:nowhere:1"},
     oaiexceptions.IdDoesNotExist),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "1990-01-01",
      "until": "1990-01-02"}, oaiexceptions.NoRecordsMatch),
])
def test_errors_are_protocol_errors(published, sickle, params, error):
    """Each error has its OAI-PMH code (as sickle maps it), with HTTP 200."""
    response = sickle.harvest(**params)  # sickle raises for an HTTP error status
    assert sickle.calls[-1][1] == 200
    codes = [e.get("code") for e in response.xml.iterfind(".//oai:error", NS)]
    assert len(codes) == 1, response.raw
    assert getattr(oaiexceptions, codes[0][0].upper() + codes[0][1:]) is error, response.raw


def test_same_granularity_works(published, sickle):
    """Day and seconds granularity each work alone."""
    ids = [h.identifier for h in sickle.ListIdentifiers(
        metadataPrefix="oai_dc", **{"from": "2000-01-01", "until": "2999-01-01"})]
    assert opened(published) <= set(ids)
    ids = [h.identifier for h in sickle.ListIdentifiers(
        metadataPrefix="oai_dc", **{"from": "2000-01-01T00:00:00Z"})]
    assert opened(published) <= set(ids)


def _record(sickle, rec, prefix):
    """The metadata element of a GetRecord answer."""
    return sickle.GetRecord(identifier=oai_id(rec), metadataPrefix=prefix)


def test_oai_datacite_carries_the_classification(published, sickle):
    """rightsList from the opening type, the CSTR, category and grade."""
    rec = _record(sickle, published["conditional"], "oai_datacite")
    tree = rec.xml
    rights = [r.get("rightsURI") for r in tree.iterfind(".//dcite:rights", NS)]
    assert "info:eu-repo/semantics/restrictedAccess" in rights
    schemes = {s.get("subjectScheme") for s in tree.iterfind(".//dcite:subject", NS)}
    assert {"CD-TD data category", "CD-TD sensitivity grade"} <= schemes
    cstr = published["conditional"]["parent"]["pids"].get("cstr", {}).get("identifier")
    alternates = {a.get("alternateIdentifierType"): a.text
                  for a in tree.iterfind(".//dcite:alternateIdentifier", NS)}
    if cstr:
        assert alternates.get("CSTR") == cstr
    assert SET in rec.header.setSpecs
    opened_rights = [r.get("rightsURI") for r in
                     _record(sickle, published["open"], "oai_datacite").xml.iterfind(
                         ".//dcite:rights", NS)]
    assert "info:eu-repo/semantics/openAccess" in opened_rights


def test_oai_dc_access_right_agrees_with_datacite(published, sickle):
    """A 无条件开放 record without files is openAccess in oai_dc as in DataCite."""
    rights = [e.text for e in _record(sickle, published["open"], "oai_dc").xml.iterfind(
        ".//dc:rights", NS)]
    assert "info:eu-repo/semantics/openAccess" in rights
    assert "info:eu-repo/semantics/closedAccess" not in rights
    rights = [e.text for e in _record(sickle, published["conditional"], "oai_dc").xml.iterfind(
        ".//dc:rights", NS)]
    assert "info:eu-repo/semantics/restrictedAccess" in rights


def _formats_of(sickle, identifier):
    """ListMetadataFormats for one item: its prefixes."""
    return {f.metadataPrefix for f in sickle.ListMetadataFormats(identifier=identifier)}


def test_list_metadata_formats_per_record(published, sickle):
    """With identifier=: the formats of that item, every one of which GetRecord serves."""
    every = {f.metadataPrefix for f in sickle.ListMetadataFormats()}
    for kind in ("open", "conditional", "files"):
        ident = oai_id(published[kind])
        prefixes = _formats_of(sickle, ident)
        assert prefixes == every, kind
        for prefix in ("oai_dc", "oai_datacite"):
            assert sickle.GetRecord(identifier=ident, metadataPrefix=prefix).header.identifier \
                == ident
    assert all(code == 200 for _, code in sickle.calls)


@pytest.mark.parametrize("identifier", ["oai:nowhere:1", "not-an-oai-id", ""])
def test_list_metadata_formats_unknown_item(published, sickle, identifier):
    """An identifier of no item is idDoesNotExist (HTTP 200), not a list of formats."""
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        list(sickle.ListMetadataFormats(identifier=identifier))
    assert sickle.calls[-1][1] == 200


def test_list_metadata_formats_agrees_with_get_record(published, sickle):
    """A record a harvester may not get (不予开放) is no item for ListMetadataFormats either."""
    from flask import current_app

    prefix = current_app.config["OAISERVER_ID_PREFIX"]
    ident = f"{prefix}{published['closed']['id']}"
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        sickle.GetRecord(identifier=ident, metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        list(sickle.ListMetadataFormats(identifier=ident))
    assert all(code == 200 for _, code in sickle.calls)
