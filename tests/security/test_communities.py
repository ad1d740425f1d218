"""Community creation and data centres are the bureau's (CD-TD Art. 10; issue 20)."""

import pytest


def _community(slug, level=None):
    data = {
        "slug": slug,
        "access": {"visibility": "public", "record_submission_policy": "open",
                   "review_policy": "open"},
        "metadata": {"title": f"Community {slug}"},
    }
    if level:
        data["custom_fields"] = {"cdtd:centre_level": level}
    return data


@pytest.mark.parametrize("level", [None, "district"])
def test_registered_account_cannot_create_communities(running_app, client, researcher_token,
                                                      stored_counts, level):
    """A registered account made itself a district data centre."""
    before = stored_counts()
    res = client.post("/api/communities", json=_community("self-made", level),
                      headers=researcher_token)
    assert res.status_code == 403, res.get_json()
    assert stored_counts() == before


def test_bureau_creates_a_data_centre(running_app, client, bureau_token):
    """The bureau creates a district data centre."""
    res = client.post("/api/communities", json=_community("wuhou-centre", "district"),
                      headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    assert res.json["custom_fields"]["cdtd:centre_level"] == "district"


def test_owner_cannot_change_the_centre_level(running_app, client, db, bureau_token,
                                             researcher, researcher_token):
    """An owner the bureau added (not the bureau) cannot set or change the centre level."""
    from invenio_access.permissions import system_identity
    from invenio_communities.proxies import current_communities

    res = client.post("/api/communities", json=_community("unit-centre", "unit"),
                      headers=bureau_token)
    assert res.status_code == 201, res.get_json()
    community_id = res.json["id"]
    current_communities.service.members.add(
        system_identity, community_id,
        {"members": [{"type": "user", "id": str(researcher.id)}], "role": "owner"})
    db.session.commit()
    for level in ("district", None):
        res = client.put(f"/api/communities/{community_id}",
                         json=_community("unit-centre", level), headers=researcher_token)
        assert res.status_code == 403, (level, res.get_json())
    # Other edits of the community are still the owner's.
    data = _community("unit-centre", "unit")
    data["metadata"]["title"] = "Renamed unit centre"
    res = client.put(f"/api/communities/{community_id}", json=data, headers=researcher_token)
    assert res.status_code == 200, res.get_json()
    assert res.json["custom_fields"]["cdtd:centre_level"] == "unit"
