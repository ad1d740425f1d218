"""CSV/XLSX import of entities (``invenio techdata entities import FILE``, the import page).

One entity per row, Chinese or English column headings:

统一社会信用代码 credit_code, 编号 id (for an entity without a code), 单位名称
name_zh, 英文名称 name_en, 单位类型 kind (高校/科研院所/企业/政府部门/区（市）县
or the English ids), 主管部门 department (id or name), 第一责任人 / 联系方式,
数据管理员 / 联系方式, 安全员 / 联系方式.

A row whose entity exists (by id or code) updates it, else it is created. Each
refused row is reported with its row number, the field and a bilingual message;
the other rows are imported.
"""

from dataclasses import dataclass, field

from invenio_access.permissions import system_identity

from ..kernel.errors import DomainError
from ..kernel.i18n import _, bilingual
from .credit_code import normalise

HEADINGS = {
    "统一社会信用代码": "credit_code", "credit_code": "credit_code",
    "编号": "id", "id": "id",
    "单位名称": "name_zh", "name_zh": "name_zh",
    "英文名称": "name_en", "name_en": "name_en",
    "单位类型": "kind", "kind": "kind",
    "主管部门": "department", "department": "department",
    "第一责任人": "responsible.name", "第一责任人联系方式": "responsible.contact",
    "数据管理员": "data_admin.name", "数据管理员联系方式": "data_admin.contact",
    "安全员": "security_officer.name", "安全员联系方式": "security_officer.contact",
    "responsible": "responsible.name", "responsible_contact": "responsible.contact",
    "data_admin": "data_admin.name", "data_admin_contact": "data_admin.contact",
    "security_officer": "security_officer.name",
    "security_officer_contact": "security_officer.contact",
}
"""Column heading → field (dotted: a named person's name or contact)."""

KIND_NAMES = {"高校": "university", "大学": "university", "科研院所": "institute",
              "研究所": "institute", "企业": "enterprise", "政府部门": "government-department",
              "区（市）县": "district", "区县": "district", "区(市)县": "district"}
"""Chinese kinds of entity → ids."""


@dataclass
class EntityImportReport:
    """What an import did: ids created and updated, row errors."""

    dry_run: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def to_dict(self):
        """The report as a dict."""
        return {"dry_run": self.dry_run, "created": self.created, "updated": self.updated,
                "errors": self.errors}


def row_to_entity(row):
    """The entity data of one row (empty cells left out)."""
    data = {}
    for heading, value in (row or {}).items():
        key = HEADINGS.get(str(heading or "").strip())
        if key is None or value is None or str(value).strip() == "":
            continue
        value = str(value).strip()
        if key == "kind":
            value = KIND_NAMES.get(value, value)
        if "." in key:
            person, part = key.split(".")
            data.setdefault(person, {})[part] = value
        else:
            data[key] = value
    return data


def import_entities(service, rows, dry_run=False, identity=system_identity):
    """Create or update one entity per row; returns an :class:`EntityImportReport`."""
    report = EntityImportReport(dry_run=dry_run)
    seen = set()
    for number, row in enumerate(rows, start=2):  # row 1 holds the headings
        data = row_to_entity(row)
        if data.get("department"):
            data["department"] = service.resolve_department(data["department"]) or data["department"]
        key = data.get("id") or normalise(data.get("credit_code")) or None
        existing = service.resolve_entity(key) if key else None
        if key and key in seen:
            report.errors.append({"row": number, "id": key, "errors": [{
                "field": "credit_code", "messages": [bilingual(_("The entity is twice in the file."))]}]})
            continue
        seen.add(key)
        try:
            if existing:
                data.pop("id", None)
                if not dry_run:
                    service.update_entity(identity, existing, data)
                else:
                    service.check_entity(data, existing)
                report.updated.append(existing)
            else:
                if dry_run:
                    service.check_entity(data)
                    report.created.append(key)
                else:
                    report.created.append(service.create_entity(identity, data)["id"])
        except DomainError as err:
            report.errors.append({"row": number, "id": key, "errors": err.errors or [
                {"field": "_row", "messages": [err.message]}]})
    return report
