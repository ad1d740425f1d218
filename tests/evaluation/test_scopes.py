"""Who reads which scope of the evaluation, and the REST API's answers (issue 19).

A department's administrator reads his department and its entities, an
entity's data administrator his entity, the bureau everything; anonymous
callers and companies are refused; bad parameters are a 400 naming the field.
"""

import pytest

from techdata.evaluation.proxies import current_evaluation_service as service
from techdata.kernel.errors import DomainError
from tests.evaluation.world import YEAR, department_admin, entity_admin


def _refused(identity, kind, scope_id=None):
    """True when ``identity`` is refused the scope."""
    try:
        service.indicators(identity, YEAR, None, kind, scope_id)
    except DomainError as err:
        assert err.code in (401, 403)
        return True
    return False


def test_department_admin_reads_only_his_department(world, app):
    """dept-a's admin: dept-a and its entities ent-1, ent-2; not dept-b, ent-3 or the city."""
    with app.test_request_context():
        admin = department_admin("dept-a")
        rows = {r["key"]: r for r in service.indicators(admin, YEAR, None, "department",
                                                        "dept-a")}
        assert rows["deposit.planned"]["value"] == 3
        assert not _refused(admin, "entity", "ent-1")
        assert not _refused(admin, "entity", "ent-2")
        assert _refused(admin, "department", "dept-b")
        assert _refused(admin, "entity", "ent-3")
        assert _refused(admin, "city")
        ranked = service.ranking(admin, "deposit.deposited", YEAR, "entity")
        assert sorted(r["scope_id"] for r in ranked) == ["ent-1", "ent-2"]
        assert service.scopes(admin, YEAR, "department") == ["dept-a"]
        late = service.items(admin, "requests.on_time", YEAR, None, "department", "dept-a",
                             subset="rest")
        assert late == []  # dept-a's requests were all answered on time
        with pytest.raises(DomainError):
            service.items(admin, "requests.on_time", YEAR, None, "department", "dept-b")


def test_entity_admin_reads_only_his_entity(world, app):
    """ent-3's data admin: ent-3 only."""
    with app.test_request_context():
        admin = entity_admin("ent-3")
        rows = {r["key"]: r for r in service.indicators(admin, YEAR, None, "entity", "ent-3")}
        assert rows["deposit.planned"]["value"] == 2
        assert _refused(admin, "entity", "ent-1")
        assert _refused(admin, "department", "dept-b")
        assert _refused(admin, "city")
        assert service.scopes(admin, YEAR, "entity") == ["ent-3"]


def test_rest_refuses_anonymous_and_companies(world, client, company_token):
    """Anonymous: 401 (log in); a company: 403."""
    assert client.get("/api/evaluation/indicators?year=2026").status_code == 401
    res = client.get("/api/evaluation/indicators?year=2026", headers=company_token)
    assert res.status_code == 403
    res = client.post("/api/evaluation/recompute", json={"year": 2026}, headers=company_token)
    assert res.status_code == 403


def test_rest_answers_the_bureau(world, client, bureau_token):
    """Indicators, items, series, ranking, recompute; values as the service computes them."""
    res = client.get("/api/evaluation/indicators?year=2026&scope=department&id=dept-b",
                     headers=bureau_token)
    assert res.status_code == 200
    hits = {h["key"]: h for h in res.json["hits"]}
    assert hits["deposit.deposited"]["value"] == 1.0 and hits["deposit.planned"]["value"] == 2
    assert res.json["scope"] == {"kind": "department", "id": "dept-b"}
    res = client.get("/api/evaluation/indicators/requests.on_time/items?year=2026&subset=rest",
                     headers=bureau_token)
    assert res.status_code == 200 and res.json["total"] == 2
    res = client.get("/api/evaluation/indicators/deposit.planned/series?years=2025,2026",
                     headers=bureau_token)
    assert [h["value"] for h in res.json["hits"]] == [0, 5]
    res = client.get("/api/evaluation/indicators/deposit.deposited/ranking?year=2026"
                     "&scope=department", headers=bureau_token)
    assert [h["scope_id"] for h in res.json["hits"]] == ["dept-b", "dept-a"]
    res = client.post("/api/evaluation/recompute", json={"year": 2026}, headers=bureau_token)
    assert res.status_code == 200 and res.json["hits"][0]["year"] == 2026


@pytest.mark.parametrize("query,field", [
    ("year=20x6", "year"),
    ("year=1800", "year"),
    ("year=2026&period=Q5", "period"),
    ("year=2026&scope=galaxy", "scope"),
    ("year=2026&scope=department", "id"),
])
def test_rest_bad_parameters_name_the_field(world, client, bureau_token, query, field):
    """400 in Chinese and English, naming the parameter."""
    res = client.get(f"/api/evaluation/indicators?{query}", headers=bureau_token)
    assert res.status_code == 400
    assert [e["field"] for e in res.json["errors"]] == [field]
    assert " / " in res.json["errors"][0]["messages"][0]  # 中文 / English


def test_rest_unknown_indicator_and_subset(world, client, bureau_token):
    """An unknown key or subset is a 400 naming it, not a 500."""
    res = client.get("/api/evaluation/indicators/nope/items?year=2026", headers=bureau_token)
    assert res.status_code == 400 and res.json["errors"][0]["field"] == "key"
    res = client.get("/api/evaluation/indicators/requests.on_time/items?year=2026&subset=x",
                     headers=bureau_token)
    assert res.status_code == 400 and res.json["errors"][0]["field"] == "subset"
    res = client.post("/api/evaluation/recompute", json={"year": "abc"}, headers=bureau_token)
    assert res.status_code == 400 and res.json["errors"][0]["field"] == "year"
