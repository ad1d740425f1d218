"""DOIs (DataCite, through the local stand-in) and CSTRs (GB/T 32843).

Open record: DOI and concept DOI registered at the stand-in with payloads
valid against DataCite 4.5, CSTR minted. 不予开放 record: a CSTR, no DOI.
New version: new DOI, same concept DOI, same CSTR (one CSTR per dataset).
A 500 from DataCite is retried by Celery until the DOI is registered.
"""

import re

from invenio_access.permissions import system_identity
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_rdm_records.proxies import current_rdm_records

from techdata.identifiers.providers import CSTRPIDProvider, is_cstr
from tests.helpers import deposit
from tests.identifiers.datacite_standin import PREFIX
from tests.identifiers.datacite_standin import metadata_errors

CSTR_FORMAT = re.compile(r"^CSTR:12345\.11\.cdtd\.\d{4}-\d{6}$")
"""Agency code of the tests, type 11 (scientific data), the default local format."""

NOT_OPENED = dict(
    opening_type={"id": "none"}, opening_reason="涉及未公开专利",
    opening_legal_basis="《专利法》第二十一条", sharing_type={"id": "none"},
    sharing_reason="涉及未公开专利", sharing_legal_basis="《专利法》第二十一条",
)
"""Custom fields of a 不予开放 deposit."""


def _cstr(rec):
    """The CSTR of a published record's JSON."""
    return rec["parent"]["pids"]["cstr"]["identifier"]


def _pid(scheme, value):
    """The PID row of ``scheme:value``."""
    return PersistentIdentifier.get(scheme, value)


def test_open_record_gets_registered_doi_concept_doi_and_cstr(running_app, workflow, standin):
    """Publishing open data registers both DOIs with valid payloads and mints the CSTR."""
    rec = workflow.publish(deposit())
    doi = rec["pids"]["doi"]["identifier"]
    concept = rec["parent"]["pids"]["doi"]["identifier"]
    cstr = _cstr(rec)
    assert doi == f"{PREFIX}/{rec['id']}" and concept.startswith(PREFIX + "/") and doi != concept
    assert CSTR_FORMAT.match(cstr), cstr
    assert _pid("doi", doi).status == PIDStatus.REGISTERED
    assert _pid("doi", concept).status == PIDStatus.REGISTERED
    assert _pid("cstr", cstr).status == PIDStatus.REGISTERED

    assert standin.schema_errors == []
    for value in (doi, concept):
        sent = standin.registrations(value)
        assert len(sent) == 1, [r["path"] for r in standin.requests]
        attributes = sent[0]["attributes"]
        assert attributes["event"] == "publish"
        assert metadata_errors(attributes) == []
        assert {"alternateIdentifier": cstr, "alternateIdentifierType": "CSTR"} in (
            attributes["alternateIdentifiers"])
    assert standin.registrations(doi)[0]["attributes"]["url"].endswith(f"/doi/{doi}")


def test_not_opened_record_gets_cstr_and_no_doi(running_app, workflow, standin):
    """不予开放: published metadata-restricted with a CSTR; DataCite hears nothing."""
    rec = workflow.publish(deposit(**NOT_OPENED))
    assert rec["access"]["record"] == "restricted"
    assert "doi" not in rec["pids"] and "doi" not in rec["parent"]["pids"]
    assert CSTR_FORMAT.match(_cstr(rec))
    assert _pid("cstr", _cstr(rec)).status == PIDStatus.REGISTERED
    assert standin.requests == []


def test_cstrs_are_unique_and_never_reused(running_app, workflow, standin):
    """Two datasets, two CSTRs; a CSTR is never minted again nor given to another."""
    first = workflow.publish(deposit())
    second = workflow.publish(deposit(title="成都市科技企业孵化器名录", **NOT_OPENED))
    assert _cstr(first) != _cstr(second)

    provider = CSTRPIDProvider()
    record = current_rdm_records.records_service.record_cls.pid.resolve(second["id"])
    assert provider.generate_id(record) not in (_cstr(first), _cstr(second))
    ok, errors = provider.validate(record.parent, identifier=_cstr(first))
    assert not ok and "pids.cstr" in str(errors)
    # A published CSTR is never deleted (a deleted row would still block the value).
    pid = _pid("cstr", _cstr(first))
    assert not provider.can_modify(pid)
    provider.delete(pid)
    assert _pid("cstr", _cstr(first)).status == PIDStatus.REGISTERED


def test_cstr_resolver(running_app, client, workflow, standin):
    """``/cstr/<id>`` redirects to the record; bad input 400, unknown 404, bilingual."""
    rec = workflow.publish(deposit())
    cstr = _cstr(rec)
    for form in (cstr, cstr.replace("CSTR:", "cstr:"), cstr.removeprefix("CSTR:")):
        res = client.get(f"/cstr/{form}")
        assert res.status_code == 302, form
        assert res.headers["Location"].endswith(f"/records/{rec['id']}")

    res = client.get("/cstr/CSTR:12345.11.cdtd.1999-999999")
    assert res.status_code == 404
    page = res.get_data(as_text=True)
    assert "没有数据集使用科技资源标识" in page and "No dataset has the CSTR identifier" in page

    res = client.get("/cstr/not-a-cstr", headers={"Accept": "application/json"})
    assert res.status_code == 400
    message = res.get_json()["message"]
    assert "不是有效的科技资源标识" in message and "is not a CSTR identifier" in message


def test_cstr_on_landing_page_in_citation_and_exports(running_app, client, workflow, standin,
                                                      researcher_token):
    """The CSTR is on the record page, in the citation, DataCite and DCAT-AP."""
    rec = workflow.publish(deposit())
    cstr = _cstr(rec)
    page = client.get(f"/records/{rec['id']}", headers=researcher_token)
    assert page.status_code == 200 and cstr in page.get_data(as_text=True)
    for accept, expected in (
        ("text/x-bibliography", cstr),
        ("application/vnd.datacite.datacite+json", '"alternateIdentifierType": "CSTR"'),
        ("application/dcat+xml", f"<dct:identifier>{cstr}</dct:identifier>"),
    ):
        res = client.get(f"/api/records/{rec['id']}", headers={"Accept": accept})
        assert res.status_code == 200, accept
        assert expected in res.get_data(as_text=True), accept


def test_new_version_new_doi_same_concept_doi_same_cstr(running_app, client, workflow,
                                                        standin, researcher_token):
    """A new version: its own DOI, the concept DOI and the CSTR of the dataset."""
    rec = workflow.publish(deposit())
    res = client.post(f"/api/records/{rec['id']}/versions", headers=researcher_token)
    assert res.status_code == 201, res.get_json()
    new = res.get_json()
    new["metadata"] = rec["metadata"]  # same content: the passed review covers it
    res = client.put(f"/api/records/{new['id']}/draft", json=new, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    res = client.post(f"/api/records/{new['id']}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 202, res.get_json()
    v2 = res.get_json()

    assert v2["pids"]["doi"]["identifier"] == f"{PREFIX}/{v2['id']}" != rec["pids"]["doi"]["identifier"]
    assert v2["parent"]["pids"]["doi"] == rec["parent"]["pids"]["doi"]
    assert _cstr(v2) == _cstr(rec)
    assert len(standin.registrations(v2["pids"]["doi"]["identifier"])) == 1
    # The concept DOI now describes the latest version (an update, not a new DOI).
    concept = rec["parent"]["pids"]["doi"]["identifier"]
    assert len(standin.registrations(concept)) == 2
    assert standin.schema_errors == []
    res = client.get(f"/cstr/{_cstr(rec)}")
    assert res.headers["Location"].endswith(f"/records/{v2['id']}")


def test_failed_registration_is_retried(running_app, workflow, standin):
    """DataCite answers 500 once: the retry task registers the DOI, nothing left pending."""
    from techdata.identifiers.failures import failures

    standin.fail_next(1)
    rec = workflow.publish(deposit())
    failed = standin.requests[0]
    assert failed["status"] == 500
    doi = failed["attributes"]["doi"]
    assert doi in (rec["pids"]["doi"]["identifier"], rec["parent"]["pids"]["doi"]["identifier"])
    statuses = [r["status"] for r in standin.requests if r["doi"] == doi.lower()]
    assert statuses == [500, 201]
    assert _pid("doi", doi).status == PIDStatus.REGISTERED
    assert len(standin.registrations(doi)) == 1
    assert doi not in failures()


def test_failures_are_listed_for_administrators(running_app, client, workflow, standin,
                                                 researcher_token):
    """DataCite down for good: the DOI stays reserved and is listed for administrators."""
    from flask import current_app

    from techdata.identifiers.failures import failures

    retries = current_app.config["TECHDATA_DOI_RETRY_MAX"]
    standin.fail_next(1000)
    rec = workflow.publish(deposit())
    standin.reset()
    doi = rec["pids"]["doi"]["identifier"]
    assert _pid("doi", doi).status == PIDStatus.RESERVED
    assert failures()[doi]["attempts"] == retries + 1  # the first try and every retry
    res = client.get("/api/techdata/identifiers/pending", headers=researcher_token)
    assert res.status_code == 403
    from invenio_access.permissions import superuser_access
    from invenio_access.models import ActionUsers
    from invenio_db import db
    from invenio_oauth2server.models import Token
    from pytest_invenio.user import UserFixtureBase

    admin = UserFixtureBase(email="identifiers-admin@test.example.org", password="Admin-Test-2026")
    admin.create(current_app, db)
    db.session.add(ActionUsers.allow(superuser_access, user_id=admin.id))
    token = Token.create_personal("admin", admin.id, scopes=[], is_internal=False)
    db.session.commit()
    res = client.get("/api/techdata/identifiers/pending",
                     headers={"Authorization": f"Bearer {token.access_token}"})
    assert res.status_code == 200
    assert doi in [hit["doi"] for hit in res.get_json()["hits"]["hits"]]


def test_restricting_a_record_hides_its_doi(running_app, workflow, standin):
    """A record restricted after registration: its DOI is hidden (DataCite keeps DOIs)."""
    rec = workflow.publish(deposit())
    doi = rec["pids"]["doi"]["identifier"]
    service = current_rdm_records.records_service
    record = service.record_cls.pid.resolve(rec["id"])
    record.access.protection.record = "restricted"
    record.commit()
    service.pids.register_or_update(system_identity, rec["id"], "doi")
    last = standin.requests[-1]
    assert last["method"] == "PUT" and last["attributes"]["event"] == "hide"
    assert standin.dois[doi.lower()]["state"] == "registered"


def test_cstr_validation():
    """GB/T 32843 syntax: 5-digit agency, 2-digit type, a local part."""
    pattern = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
    assert is_cstr("CSTR:31253.11.sciencedb.01234", pattern)
    assert is_cstr("31253.11.sciencedb.01234", pattern)
    assert not is_cstr("CSTR:3125.11.x", pattern)
    assert not is_cstr("CSTR:31253.1.x", pattern)
    assert not is_cstr("CSTR:31253.11.", pattern)
    assert not is_cstr("CSTR:31253.11.a b", pattern)
