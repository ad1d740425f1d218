"""The set-up step loading the td-entities/td-departments vocabularies into the tables."""

from invenio_access.permissions import system_identity

from techdata.entities.migrations import ensure_entities
from techdata.entities.models import Department, Entity
from techdata.entities.proxies import current_entities_service as service


def test_vocabularies_become_rows_with_ids_kept_and_idempotent(running_app, db):
    departments, entities = ensure_entities()
    assert departments >= 10 and entities >= 10
    scu = db.session.get(Entity, "scu")
    assert (scu.name_zh, scu.name_en, scu.kind) == ("四川大学", "Sichuan University",
                                                    "university")
    assert db.session.get(Department, "kjj").name_zh == "成都市科学技术局"
    assert ensure_entities() == (0, 0)
    service.update_entity(system_identity, "scu", {"name_en": "Sichuan Univ."})
    assert ensure_entities() == (0, 0)
    assert db.session.get(Entity, "scu").name_en == "Sichuan Univ."  # edits are kept
    assert service.resolve_entity("四川大学") == "scu"
