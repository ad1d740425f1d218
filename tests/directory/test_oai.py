"""The OAI-PMH set ``open-directory`` (QY Art. 23; LZ Art. 22; CD-TD Art. 24)."""

from lxml import etree
from invenio_rdm_records.proxies import current_rdm_records_service

from techdata.directory import store
from techdata.directory.oai import ensure_oai_set
from tests.directory.conftest import not_opened
from tests.helpers import deposit

NS = {"oai": "http://www.openarchives.org/OAI/2.0/"}


def _list(client, **params):
    """``(identifiers, error codes)`` of an OAI-PMH ListIdentifiers/ListRecords answer."""
    res = client.get("/oai2d", query_string=params)
    assert res.status_code == 200, res.data[:500]
    tree = etree.fromstring(res.data)
    ids = [e.text for e in tree.findall(".//oai:header/oai:identifier", NS)]
    errors = [e.get("code") for e in tree.findall(".//oai:error", NS)]
    return ids, errors


def _oai_id(rec):
    return rec["pids"]["oai"]["identifier"]


def test_open_directory_set_holds_exactly_the_open_directory(running_app, client, workflow):
    """An opened record is in the set; a 不予开放 record never is, by any verb."""
    spec = ensure_oai_set()
    assert ensure_oai_set() == spec == "open-directory"  # idempotent
    opened = workflow.publish(deposit(title="OAI 开放集合测试数据"))
    closed = workflow.publish(not_opened(title="OAI 不开放集合测试数据"))
    current_rdm_records_service.indexer.refresh()

    ids, errors = _list(client, verb="ListRecords", metadataPrefix="oai_dc", set=spec)
    assert not errors
    assert _oai_id(opened) in ids
    closed_oai = f"oai:{closed['id']}"
    assert all(not i.endswith(closed["id"]) for i in ids), closed_oai
    ids, _ = _list(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
    assert _oai_id(opened) in ids and all(not i.endswith(closed["id"]) for i in ids)
    # The set and the open directory name the same deposited records.
    open_recids = {e["landing_page"].rsplit("/", 1)[-1] for e in store.iter_entries("open")
                   if e["source"] == "deposited"}
    assert {i.rsplit(":", 1)[-1] for i in ids} == open_recids
    # The set is listed.
    res = client.get("/oai2d", query_string={"verb": "ListSets"})
    assert b"open-directory" in res.data
