"""Import projects from the program-management system (CSV or XLSX).

Idempotent by project number: a new number creates the project, a known one
updates it (the acceptance decision already recorded is kept). A dry run
validates every row and reports what would happen, storing nothing. Each bad
row is reported with its row number and the field, in Chinese and English;
good rows are imported even when other rows are bad.

Columns (Chinese headings as the program-management system exports them; the
English keys are accepted too): 项目编号 number, 项目名称 title_zh, 英文名称
title_en, 计划类别 program, 资金来源 funding_source (财政资金/社会资金 or
government/social), 经费（万元） budget, 承担单位 lead_entity, 主管部门
department, 项目负责人邮箱 pi, 项目成员邮箱 members (separated by ; or ；),
开始日期 start_date, 结束日期 end_date, 验收日期 acceptance_due, 状态 status
(在研/待验收/已验收/终止), 汇交计划 plan ("key:title" items separated by ;).

The status column is not written as a field (CD-TD Art. 15): a status other
than the project's current one (``in-progress`` for a new project) is applied
as a status decision of the importing identity (``ProjectService.transition``,
recorded with the comment "imported"), along the allowed moves only; ``已验收``
comes from the acceptance decision alone, so a row that would make a project
accepted is refused naming ``status``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from invenio_access.permissions import system_identity
from marshmallow import ValidationError

from ..kernel.errors import field_errors
from ..kernel.i18n import _, bilingual
from .entity_ids import map_ids, unknown_messages
from .services.schema import INITIAL_STATUS
from .services.service import TRANSITIONS, not_a_move

COLUMNS = {
    "项目编号": "number", "项目名称": "title_zh", "英文名称": "title_en",
    "计划类别": "program", "资金来源": "funding_source", "经费（万元）": "budget",
    "经费(万元)": "budget", "承担单位": "lead_entity", "主管部门": "department",
    "项目负责人邮箱": "pi", "项目成员邮箱": "members", "开始日期": "start_date",
    "结束日期": "end_date", "验收日期": "acceptance_due", "状态": "status",
    "汇交计划": "plan",
}
"""Chinese column heading → field."""

VALUES = {
    "funding_source": {"财政资金": "government", "社会资金": "social"},
    "status": {"在研": "in-progress", "待验收": "pending-acceptance", "已验收": "accepted",
               "终止": "terminated"},
}
"""Chinese cell values → stored values."""


@dataclass
class ImportReport:
    """What an import did (or would do, in a dry run)."""

    dry_run: bool
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def rows(self):
        """Rows processed."""
        return len(self.created) + len(self.updated) + len(self.errors)

    def to_dict(self):
        """JSON-ready summary."""
        return {"dry_run": self.dry_run, "created": self.created, "updated": self.updated,
                "errors": self.errors}


def _split(value):
    """A list from a ;/；-separated cell."""
    return [v.strip() for v in str(value or "").replace("；", ";").split(";") if v.strip()]


def _cell(value):
    """Cell text; dates from XLSX become ISO strings; numbers stay numbers."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.strip() if isinstance(value, str) else value


def row_to_project(row):
    """A project document from one row (headings already mapped to fields)."""
    doc = {}
    for key, value in row.items():
        name = COLUMNS.get((key or "").strip(), (key or "").strip())
        value = _cell(value)
        if value in (None, ""):
            continue
        if name in VALUES:
            value = VALUES[name].get(value, value)
        if name == "members":
            value = _split(value)
        elif name == "plan":
            items = []
            for part in _split(value):
                k, _, title = part.partition(":") if ":" in part else part.partition("：")
                items.append({"key": k.strip(), "title": (title or k).strip()})
            value = items
        elif name == "number":
            value = str(value)
        doc[name] = value
    return doc


def _check_scope(service, identity, doc, existing):
    """A program manager imports projects of his own programmes only (CD-TD Art. 8-9): a row
    naming another programme, or updating another programme's project, is a row error."""
    if not service.check_permission(identity, "create_in", record={"program": doc["program"]}):
        raise ValidationError({"program": [bilingual(_(
            "Not one of your programmes: a program manager registers the projects of his "
            "own programmes only (CD-TD Art. 8-9)."))]})
    if existing and not service.check_permission(
            identity, "update", record=service.record_cls.pid.resolve(existing)):
        raise ValidationError({"number": [bilingual(_(
            "This project belongs to a programme you do not manage (CD-TD Art. 8-9)."))]})


def import_projects(service, rows, dry_run=False, identity=system_identity, progress=None):
    """Create or update one project per row; returns an ``ImportReport``."""
    report = ImportReport(dry_run=dry_run)
    seen = set()
    for number, row in enumerate(rows, start=2):  # row 1 holds the headings
        doc = row_to_project(row)
        key = doc.get("number")
        if key in seen:
            report.errors.append({"row": number, "number": key, "errors": [
                {"field": "number", "messages": [bilingual(_("Duplicate project number in the file."))]}]})
            continue
        seen.add(key)
        try:
            unknown = unknown_messages(map_ids(doc))  # entity/department names → ids (issue 18)
            try:
                service.schema.schema().load(doc)  # validation first, for dry runs too
            except ValidationError as err:
                raise ValidationError({**err.messages, **unknown}) from err
            if unknown:
                raise ValidationError(unknown)
            exists = bool(key) and service.exists(key)
            _check_scope(service, identity, doc, key if exists else None)
            target = doc.pop("status", None)
            current = service.record_cls.pid.resolve(key).get("status") if exists else INITIAL_STATUS
            moves = target not in (None, current)
            if moves and target not in TRANSITIONS.get(current, ()):
                raise not_a_move(current, target)
            if not dry_run:
                if exists:
                    service.update(identity, key, doc)
                else:
                    service.create(identity, doc)
                if moves:
                    service.transition(identity, key, {
                        "status": target,
                        "comment": bilingual(_("Imported from the program-management system."))})
            (report.updated if exists else report.created).append(key)
        except ValidationError as err:
            report.errors.append({"row": number, "number": key,
                                  "errors": field_errors(err.messages)})
        if progress:
            progress(number - 1)
    return report
