"""Upper bounds of a deposit (issue 20: no stored junk): titles, abstracts, lists, dates."""

import pytest
from invenio_rdm_records.records.api import RDMDraft

from tests.helpers import deposit, field_errors


def _drafts():
    """Number of live drafts in the database."""
    return RDMDraft.model_cls.query.filter(RDMDraft.model_cls.json.isnot(None)).count()


def _with_metadata(**metadata):
    """A valid deposit with metadata fields replaced."""
    data = deposit()
    data["metadata"].update(metadata)
    return data


@pytest.mark.parametrize("field,data", [
    ("metadata.title", _with_metadata(title="长" * 501)),
    ("metadata.description", _with_metadata(description="长" * 10001)),
    ("metadata.subjects", _with_metadata(subjects=[{"subject": f"k{i}"} for i in range(101)])),
    ("metadata.publication_date", _with_metadata(publication_date="0001-01-01")),
    ("metadata.publication_date", _with_metadata(publication_date="2020/2999")),
    ("custom_fields.cdtd:abstract_zh", deposit(abstract_zh="长" * 10001)),
    ("custom_fields.cdtd:data_items", deposit(data_items=[f"item{i}" for i in range(101)])),
    ("custom_fields.cdtd:access_methods",
     deposit(access_methods=[{"id": "download"}] * 101)),
])
def test_bounds_refused_with_the_field_named(running_app, db, researcher_token, client,
                                             field, data):
    """400 naming the field, bilingual, and nothing stored."""
    before = _drafts()
    res = client.post("/api/records", json=data, headers=researcher_token)
    assert res.status_code == 400, res.json
    errors = field_errors(res)
    named = [f for f in errors if f.startswith(field)]
    assert named, errors
    assert any(" / " in m for m in errors[named[0]]), errors
    assert _drafts() == before


def test_values_within_bounds_pass(running_app, db, researcher_token, client):
    """At the bounds: stored."""
    data = _with_metadata(title="长" * 500, publication_date="1900-01-01",
                          subjects=[{"subject": f"k{i}"} for i in range(100)])
    data["custom_fields"]["cdtd:title_zh"] = "长" * 500
    data["custom_fields"]["cdtd:data_items"] = [f"item{i}" for i in range(100)]
    res = client.post("/api/records", json=data, headers=researcher_token)
    assert res.status_code == 201, res.json
