"""Chinese personal names as Chinese readers write them (issue 13, point 7)."""

from tests.helpers import deposit


def _with_people(data):
    data["metadata"]["creators"] = [
        {"person_or_org": {"type": "personal", "family_name": "李", "given_name": "明"}},
        {"person_or_org": {"type": "personal", "family_name": "Chen", "given_name": "Wei"}},
        {"person_or_org": {"type": "organizational", "name": "成都理工大学"}},
    ]
    data["metadata"]["contributors"] = [
        {"person_or_org": {"type": "personal", "family_name": "欧阳", "given_name": "修"},
         "role": {"id": "other"}},
    ]
    return data


def test_chinese_names_stored_family_first(running_app, db, researcher_token, client):
    """李明, not InvenioRDM's "李, 明"; Latin names keep "Family, Given"."""
    res = client.post("/api/records", json=_with_people(deposit()), headers=researcher_token)
    assert res.status_code == 201, res.json
    names = [c["person_or_org"]["name"] for c in res.json["metadata"]["creators"]]
    assert names == ["李明", "Chen, Wei", "成都理工大学"]
    assert res.json["metadata"]["contributors"][0]["person_or_org"]["name"] == "欧阳修"
    # family and given names stay as entered (DataCite, ORCID matching)
    person = res.json["metadata"]["creators"][0]["person_or_org"]
    assert (person["family_name"], person["given_name"]) == ("李", "明")

    # the formatted citation keeps the Chinese name whole
    cite = client.get(f"/api/records/{res.json['id']}/draft?style=apa",
                      headers={**researcher_token, "Accept": "text/x-bibliography"})
    if cite.status_code == 200:
        text = cite.get_data(as_text=True)
        assert "李明" in text and "李, ." not in text, text
