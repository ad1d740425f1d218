"""The deposit rules, over REST (CD-TD Art. 2, 14, 18; LZ Art. 16)."""

import re
from io import BytesIO

import pytest
from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_rdm_records.records.api import RDMDraft

from techdata.kernel.i18n import _, bilingual
from tests.helpers import deposit, field_errors


def _drafts():
    """Number of live drafts in the database."""
    return RDMDraft.model_cls.query.filter(RDMDraft.model_cls.json.isnot(None)).count()


def test_open_by_default(running_app, db, researcher_token, client):
    """A deposit that chooses nothing is unconditionally shared and opened (Art. 18)."""
    data = deposit(sharing_type=None, opening_type=None)
    res = client.post("/api/records", json=data, headers=researcher_token)
    assert res.status_code == 201, res.json
    cf = res.json["custom_fields"]
    assert cf["cdtd:sharing_type"]["id"] == "unconditional"
    assert cf["cdtd:opening_type"]["id"] == "unconditional"
    assert res.json["access"] == {**res.json["access"], "record": "public", "files": "public"}


@pytest.mark.parametrize("kind", ["sharing", "opening"])
@pytest.mark.parametrize("choice", ["conditional", "none"])
def test_restriction_needs_reason_and_basis(running_app, db, researcher_token, client, kind, choice):
    """Any non-unconditional choice states reason and legal basis, or nothing is stored."""
    before = _drafts()
    res = client.post("/api/records", json=deposit(**{f"{kind}_type": {"id": choice}}),
                      headers=researcher_token)
    assert res.status_code == 400, res.json
    errors = field_errors(res)
    reason = errors[f"custom_fields.cdtd:{kind}_reason"][0]
    basis = errors[f"custom_fields.cdtd:{kind}_legal_basis"][0]
    assert "理由" in reason and "reason" in reason and "Art. 18" in reason
    assert "法律依据" in basis and "legal basis" in basis
    assert _drafts() == before

    res = client.post("/api/records", headers=researcher_token, json=deposit(**{
        f"{kind}_type": {"id": choice},
        f"{kind}_reason": "含有合作企业的商业数据。",
        f"{kind}_legal_basis": "《成都市科技数据管理实施办法》第十八条",
    }))
    assert res.status_code == 201, res.json


def test_conditional_opening_restricts_files_only(running_app, db, researcher_token, client, workflow):
    """有条件开放: metadata public, files only for granted users."""
    rec = workflow.publish(deposit(
        opening_type={"id": "conditional"}, opening_reason="涉及第三方权益。",
        opening_legal_basis="LZ 第二十五条",
    ))
    assert rec["access"]["record"] == "public"
    assert rec["access"]["files"] == "restricted"
    assert client.get(f"/api/records/{rec['id']}").status_code == 200


def test_not_opened_restricts_metadata(running_app, db, researcher_token, client, workflow):
    """不予开放: the record's metadata is not public."""
    rec = workflow.publish(deposit(
        opening_type={"id": "none"}, opening_reason="涉及公共安全。",
        opening_legal_basis="CD-PD 第三十二条",
    ))
    assert rec["access"]["record"] == "restricted"
    assert client.get(f"/api/records/{rec['id']}").status_code == 403
    assert client.get(f"/api/records/{rec['id']}", headers=researcher_token).status_code == 200


@pytest.mark.parametrize("level", ["confidential", "secret", "top-secret"])
def test_classified_refused_and_not_stored(running_app, db, researcher_token, client, level):
    """Classified data is refused at deposit and nothing is stored (Art. 14)."""
    before = _drafts()
    res = client.post("/api/records", json=deposit(secrecy={"id": level}), headers=researcher_token)
    assert res.status_code == 400
    msg = field_errors(res)["custom_fields.cdtd:secrecy"][0]
    assert "涉密" in msg and "Classified" in msg and "Art. 14" in msg
    assert _drafts() == before


def test_draft_declared_classified_loses_its_files(running_app, db, researcher_token, client):
    """An existing draft declared classified: refused, and its files are removed."""
    res = client.post("/api/records", json=deposit(files=True), headers=researcher_token)
    draft_id = res.json["id"]
    h = researcher_token
    client.post(f"/api/records/{draft_id}/draft/files", json=[{"key": "obs.csv"}], headers=h)
    client.put(f"/api/records/{draft_id}/draft/files/obs.csv/content", data=BytesIO(b"a,b\n1,2\n"),
               headers={**h, "content-type": "application/octet-stream"})
    assert client.post(f"/api/records/{draft_id}/draft/files/obs.csv/commit", headers=h).status_code == 200
    path = records.draft_files.get_file_content(system_identity, draft_id, "obs.csv")._file.file.uri

    data = client.get(f"/api/records/{draft_id}/draft", headers=h).json
    data["custom_fields"]["cdtd:secrecy"] = {"id": "secret"}
    res = client.put(f"/api/records/{draft_id}/draft", json=data, headers=h)
    assert res.status_code == 400
    assert "custom_fields.cdtd:secrecy" in field_errors(res)

    draft = client.get(f"/api/records/{draft_id}/draft", headers=h).json
    assert draft["custom_fields"]["cdtd:secrecy"]["id"] == "non-classified"  # not stored
    assert client.get(f"/api/records/{draft_id}/draft/files", headers=h).json["entries"] == []
    import os
    assert not os.path.exists(path)


@pytest.mark.parametrize("field,value", [
    ("category", {"id": "no-such-category"}),   # unknown vocabulary value
    ("title_zh", {"not": "a string"}),           # wrong type
    ("title_zh", "长" * 501),                     # oversize
    ("abstract_zh", "长" * 20001),
    ("data_items", "not a list"),
])
def test_invalid_input_is_refused_field_by_field(running_app, db, researcher_token, client, field, value):
    """Bad values get a 400 naming the field, and nothing is stored."""
    before = _drafts()
    res = client.post("/api/records", json=deposit(**{field: value}), headers=researcher_token)
    assert res.status_code == 400, res.json
    assert any(f.startswith(f"custom_fields.cdtd:{field}") for f in field_errors(res)), res.json
    assert _drafts() == before


@pytest.mark.parametrize("missing", ["category", "title_zh", "abstract_zh", "secrecy"])
def test_publish_needs_required_fields(running_app, db, researcher_token, client, missing):
    """A deposit is published only with category, Chinese title/abstract, secrecy."""
    res = client.post("/api/records", json=deposit(**{missing: None}), headers=researcher_token)
    assert res.status_code == 201  # a draft may be incomplete
    res = client.post(f"/api/records/{res.json['id']}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400
    required = bilingual(_("This field is required."))  # the catalogue's Chinese, then English
    assert re.match(r"^[^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]* / This field is required\.$", required)
    assert field_errors(res)[f"custom_fields.cdtd:{missing}"] == [required]


def test_required_fields_depend_on_category(running_app, db, researcher_token, client, workflow):
    """Observation data names its update cycle and storage format."""
    res = client.post("/api/records", json=deposit(category={"id": "observation"}), headers=researcher_token)
    res = client.post(f"/api/records/{res.json['id']}/draft/actions/publish", headers=researcher_token)
    assert res.status_code == 400
    assert set(field_errors(res)) == {"custom_fields.cdtd:update_cycle", "custom_fields.cdtd:storage_format"}
    workflow.publish(deposit(
        category={"id": "observation"}, update_cycle={"id": "daily"}, storage_format="NetCDF"))
