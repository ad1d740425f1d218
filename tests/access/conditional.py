"""Shared set-up of the conditional access, sharing and list tests.

A dataset opened and shared on conditions, with a restricted file, published
through the deposit and confidentiality reviews (module scope: once per test
module); an open dataset; the company applicant, another company and the
city centre's curator (the provider). Imported with
``from tests.access.conditional import ...``; the fixtures ``datasets``
(``tests/conftest.py``, the browser journeys use it too) and ``people``
(``tests/access/conftest.py``) are built from it.
"""

from datetime import date, timedelta

from techdata.kernel.time import today
from tests.helpers import deposit

USCC = "91350100M000100Y43"
"""A valid unified social credit code (GB 32100-2015 check character 3)."""

CONDITIONAL = dict(
    opening_type={"id": "conditional"},
    opening_reason="数据量大且需持续获取 / large and continuously updated",
    opening_legal_basis="《泸州市公共数据管理办法》第二十五条 / LZ Art. 25",
    sharing_type={"id": "conditional"},
    sharing_reason="含企业经营数据 / contains business data",
    sharing_legal_basis="《成都市公共数据管理应用暂行规定》第二十六条 / CD-PD Art. 26",
)
"""Custom fields of a dataset opened and shared on conditions."""

FILE_KEY = "soil.csv"
FILE_BODY = b"site,cd_mg_kg\nA1,0.21\n"


def upload(client, headers, recid):
    """Upload ``FILE_KEY`` to a draft over REST."""
    base = f"/api/records/{recid}/draft/files"
    assert client.post(base, json=[{"key": FILE_KEY}], headers=headers).status_code == 201
    res = client.put(f"{base}/{FILE_KEY}/content", data=FILE_BODY,
                     headers={**headers, "Content-Type": "application/octet-stream"})
    assert res.status_code == 200, res.get_json()
    assert client.post(f"{base}/{FILE_KEY}/commit", headers=headers).status_code == 200


def application(client, recid, **extra):
    """A complete application accepting the dataset's current agreement."""
    agreement = client.get(f"/api/techdata/access/agreements/{recid}").get_json()["current"]
    start = today()
    body = {
        "record": recid,
        "applicant_name": "王芳",
        "organisation": "成都某某科技有限公司",
        "uscc": USCC,
        "contact": "028-12345678",
        "purpose": "土壤修复方案研究 / soil remediation study",
        "intended_use": "内部模型训练，不对外发布 / internal modelling only",
        "security_means": "内网隔离存储，专人管理 / isolated storage, named custodian",
        "term_start": start.isoformat(),
        "term_end": (start + timedelta(days=90)).isoformat(),
        "agreement_version": agreement["version"],
        "agreement_sha256": agreement["sha256"],
        "accept_agreement": True,
    }
    body.update(extra)
    return body


def apply(client, headers, body):
    """POST an application; returns the response."""
    return client.post("/api/techdata/access/apply/conditional-access", json=body,
                       headers=headers)


def act(client, headers, request_id, action, **body):
    """POST an action with its data; returns the response."""
    return client.post(f"/api/techdata/access/requests/{request_id}/actions/{action}",
                       json=body, headers=headers)


def content(client, recid, headers=None):
    """Status of downloading the dataset's file (the response closed, as a server does
    after the last byte: what is done on close, a download's audit entry, is done)."""
    with client.get(f"/api/records/{recid}/files/{FILE_KEY}/content",
                    headers=headers or {}) as res:
        return res.status_code



__all__ = ("USCC", "CONDITIONAL", "FILE_KEY", "FILE_BODY", "upload",
           "application", "apply", "act", "content", "date", "timedelta", "today")
