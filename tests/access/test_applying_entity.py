"""Applying on an entity's behalf needs a verified membership (issue 18; LZ Art. 9, 26;
CD-TD Art. 8); the request and the accepted agreement carry the verified entity."""

from invenio_access.permissions import system_identity

from techdata.entities.proxies import current_entities_service as entities
from tests.access.conditional import USCC, application, apply

CODE = "91510100MA6CQ2K8XU"
"""The credit code of an entity registered on the platform."""


def test_unverified_member_cannot_apply_for_the_entity(running_app, client, datasets, people,
                                                       db):
    """Pending membership: refused, naming ``uscc``; verified: filed with the entity."""
    recid = datasets["conditional"]
    entity = entities.create_entity(system_identity, {
        "credit_code": CODE, "name_zh": "申请测试科技有限公司", "kind": "enterprise"})
    membership = entities.request_membership(system_identity, entity["id"], "member",
                                             user_id=people["company"].user.id)
    db.session.commit()

    res = apply(client, people["company_h"], application(client, recid, uscc=CODE))
    assert res.status_code == 400, res.get_json()
    errors = {e["field"]: " ".join(e["messages"]) for e in res.get_json()["errors"]}
    assert "uscc" in errors and "LZ Art. 9" in errors["uscc"]
    # and nobody else may type the code either
    res = apply(client, people["other_h"], application(client, recid, uscc=CODE))
    assert res.status_code == 400 and "uscc" in str(res.get_json())

    entities.verify_membership(system_identity, membership["id"], True)
    db.session.commit()
    res = apply(client, people["company_h"], application(client, recid, uscc=CODE))
    assert res.status_code == 201, res.get_json()
    payload = res.get_json()["payload"]
    assert payload["entity"] == {"id": entity["id"], "credit_code": CODE,
                                 "name_zh": "申请测试科技有限公司", "name_en": None,
                                 "verified": True}
    assert payload["agreement"]["entity"]["id"] == entity["id"]


def test_a_code_the_platform_does_not_know_is_marked_unverified(running_app, client, datasets,
                                                                people):
    """An entity not registered yet: filed, and the provider sees it is unverified."""
    res = apply(client, people["other_h"], application(client, datasets["conditional"],
                                                       uscc=USCC))
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["payload"]["entity"] == {"credit_code": USCC, "verified": False}
