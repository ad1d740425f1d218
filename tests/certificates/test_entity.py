"""The deposit certificate names the providing entity as registered on the platform (issue 18;
CD-TD Art. 9, 15): Chinese name and unified social credit code in the signed body, the PDF
and the verification page; a certificate without it (issued before, or for an entity the
platform does not know) still verifies."""

import json

from invenio_access.permissions import system_identity

from techdata.certificates.api import issue_certificate, verify_document
from techdata.certificates.pdf import render_html
from techdata.entities.proxies import current_entities_service as entities

from .conftest import DATASETS, PROJECT

CODE = "91510100MA6C1NB0C0"
NAME = "凭证测试科技有限公司"


def _page(client, doc):
    """The verification page's HTML for ``doc``."""
    res = client.post("/certificates/verify", data={"document": json.dumps(doc)})
    assert res.status_code == 200
    return res.get_data(as_text=True)


def test_certificate_names_the_registered_entity(app, db, client):
    """Body, verification, JSON, PDF HTML and verification page carry name and code."""
    entity = entities.create_entity(system_identity, {"credit_code": CODE, "name_zh": NAME,
                                                      "kind": "enterprise"})
    db.session.commit()
    # the projects service states the lead entity by its Chinese name
    cert = issue_certificate({**PROJECT, "lead_entity": NAME}, DATASETS, issued_by="1")
    assert cert.body["entity"] == {"id": entity["id"], "name_zh": NAME, "credit_code": CODE}
    doc = client.get(f"/api/certificates/{cert.id}").json
    assert doc["body"]["entity"]["credit_code"] == CODE
    ok, reasons = verify_document(doc)
    assert ok, reasons
    html = render_html(doc)
    assert NAME in html and CODE in html and 'id="providing-entity"' in html
    page = _page(client, doc)
    assert 'id="verified-entity"' in page and NAME in page and CODE in page
    # the entity is signed: changing its code breaks the signature
    forged = json.loads(json.dumps(doc))
    forged["body"]["entity"]["credit_code"] = "91350100M000100Y43"
    assert verify_document(forged)[0] is False


def test_certificate_without_entity_still_verifies(app, db, client):
    """An entity the platform does not know: no ``entity``; it verifies and renders."""
    cert = issue_certificate({**PROJECT, "lead_entity": "未登记的某单位"}, DATASETS,
                             issued_by="1")
    assert "entity" not in cert.body
    doc = client.get(f"/api/certificates/{cert.id}").json
    assert verify_document(doc)[0] is True
    assert 'id="providing-entity"' not in render_html(doc)
    page = _page(client, doc)
    assert 'id="verified-certificate"' in page and 'id="verified-entity"' not in page
