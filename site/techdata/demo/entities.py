"""Demo entities and memberships (issue 18).

The vocabularies' entities are loaded by the set-up step (``ensure_entities``,
run again here so ``invenio techdata demo`` works on its own); the demo company
gets an entity with a valid unified social credit code; the demo entity admin
is the verified data admin of 成都理工大学 (the demo project's lead entity), the
researcher a verified member there, the company user a verified member of its
company. Idempotent.
"""

from invenio_access.permissions import system_identity
from invenio_db import db

from ..entities.migrations import ensure_entities
from ..entities.proxies import current_entities_service
from ..kernel.scopes import DATA_ADMIN, MEMBER

COMPANY_ENTITY = {
    "credit_code": "91510100MA6CDKJ01W", "name_zh": "成都某科技有限公司",
    "name_en": "Chengdu Demo Technology Co., Ltd.", "kind": "enterprise", "department": "jxj",
    "responsible": {"name": "陈总经理", "contact": "028-80000001"},
    "data_admin": {"name": "成都某科技有限公司数据专员", "contact": "company@example.org"},
}
"""The demo company (a valid GB 32100 code; supervised by the economy bureau)."""

MEMBERSHIPS = (
    ("entity@example.org", "cdut", DATA_ADMIN),
    ("researcher@example.org", "cdut", MEMBER),
    ("company@example.org", COMPANY_ENTITY["credit_code"], MEMBER),
)
"""(demo login, entity id, role), each verified."""


def ensure_demo_entities(users):
    """Entities, the demo company and the verified memberships; returns how many were added."""
    ensure_entities()
    service = current_entities_service
    if service.resolve_entity(COMPANY_ENTITY["credit_code"]) is None:
        service.create_entity(system_identity, dict(COMPANY_ENTITY))
    added = 0
    for email, entity_id, role in MEMBERSHIPS:
        user = users.get(email)
        if user is None or service.resolve_entity(entity_id) is None:
            continue
        mine = [m for m in service.memberships_of(user.id)
                if m["entity"]["id"] == entity_id and m["role"] == role]
        if mine and mine[0]["status"] == "verified":
            continue
        membership = mine[0] if mine else service.request_membership(
            system_identity, entity_id, role, user_id=user.id)
        service.verify_membership(system_identity, membership["id"], True)
        added += 1
    db.session.commit()
    return added
