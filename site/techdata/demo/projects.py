"""The demo project: a plan of two datasets, one deposited, one missing (issue 13).

A newcomer on a fresh instance sees the acceptance gate at work (CD-TD Art.
15): the first demo record (``records.yaml``, ``project:``) is deposited for
the plan item ``soil``; ``water`` is not, so the gate fails and the project
page offers "deposit this dataset" to its PI, researcher@example.org.
"""

from flask import current_app
from invenio_access.permissions import system_identity

DEMO_PROJECT = {
    "number": "2024CDKJ0108",
    "title_zh": "成都平原农田土壤环境质量监测与修复技术研究",
    "title_en": "Monitoring and remediation of farmland soils in the Chengdu Plain",
    "program": "重点研发计划",
    "funding_source": "government",
    "lead_entity": "成都理工大学",
    "pi": "researcher@example.org",
    "acceptance_due": "2026-12-31",
    "plan": [
        {"key": "soil", "title": "成都平原土壤重金属监测数据集"},
        {"key": "water", "title": "灌溉水质监测数据"},
    ],
}
"""The demo project (its PI is the demo researcher)."""


def ensure_project():
    """Create the demo project if missing; returns its number (idempotent)."""
    service = current_app.extensions["techdata"].projects_service
    if not service.exists(DEMO_PROJECT["number"]):
        service.create(system_identity, dict(DEMO_PROJECT))
        service.indexer.refresh()
    return DEMO_PROJECT["number"]
