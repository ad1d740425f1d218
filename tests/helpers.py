"""Test data builders shared by the test modules."""

import copy


def deposit(title="成都平原土壤重金属监测数据集", abstract="三年土壤重金属含量观测数据。",
            title_en="Heavy-metal monitoring data of Chengdu Plain soils", files=False,
            **custom):
    """A complete, valid deposit (RDM draft data with its ``cdtd:`` fields).

    Keyword arguments override custom fields by short name, e.g.
    ``deposit(opening_type={"id": "none"})``; a value of None removes the field.
    """
    cf = {
        "cdtd:category": {"id": "rd"},
        "cdtd:secrecy": {"id": "non-classified"},
        "cdtd:title_zh": title,
        "cdtd:title_en": title_en,
        "cdtd:abstract_zh": abstract,
    }
    for name, value in custom.items():
        if value is None:
            cf.pop(f"cdtd:{name}", None)
        else:
            cf[f"cdtd:{name}"] = value
    return copy.deepcopy({
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": files},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": title,
            "additional_titles": [{"title": title_en, "type": {"id": "translated-title"}}],
            "description": abstract,
            "creators": [
                {"person_or_org": {"type": "personal", "family_name": "李", "given_name": "明"}}
            ],
            "publication_date": "2024-03-15",
            "publisher": "成都科技数据汇交平台",
        },
        "custom_fields": cf,
    })


def publish(client, headers, data):
    """Create and publish a deposit over REST; return the published record JSON."""
    res = client.post("/api/records", json=data, headers=headers)
    assert res.status_code == 201, res.get_json()
    res = client.post(f"/api/records/{res.json['id']}/draft/actions/publish", headers=headers)
    assert res.status_code == 202, res.get_json()
    return res.get_json()


def field_errors(response):
    """``{field: messages}`` of a 400 response."""
    body = response.get_json()
    return {e["field"]: e["messages"] for e in body.get("errors", [])}
