"""Dataset import (issue 18): providing entity and responsible department by name or code."""

from invenio_access.permissions import system_identity

from techdata.entities.proxies import current_entities_service as entities
from techdata.importer.rows import entity_terms

CODE = "91350100M000100Y43"


def test_names_and_codes_become_ids_unknown_names_are_row_errors(running_app, db):
    entities.create_department(system_identity, {"id": "kjj-t", "name_zh": "测试科技局"})
    entities.create_entity(system_identity, {"credit_code": CODE, "name_zh": "甲测试公司",
                                             "kind": "enterprise"})
    row = {"providing_entity": "甲测试公司", "responsible_department": "测试科技局"}
    errors = {}
    entity_terms(row, errors)
    assert errors == {} and row == {"providing_entity": CODE, "responsible_department": "kjj-t"}
    row = {"providing_entity": "9135 0100 M000100Y43", "responsible_department": "kjj"}
    entity_terms(row, errors)
    assert errors == {} and row["providing_entity"] == CODE
    assert row["responsible_department"] == "kjj"  # an id: left for the vocabulary check
    row = {"providing_entity": "无名公司"}
    entity_terms(row, errors)
    assert "无名公司" in errors["providing_entity"] and " / " in errors["providing_entity"]
