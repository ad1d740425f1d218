"""``ProjectService``: the registry plus gate, acceptance and certificate."""

from datetime import datetime, timezone

from invenio_accounts.models import User
from invenio_records_resources.services import RecordService
from invenio_records_resources.services.uow import RecordCommitOp, unit_of_work
from marshmallow import Schema, ValidationError, fields, validate

from ..gate import AcceptanceGate


class OverrideSchema(Schema):
    """An explicit, recorded override of a failing gate."""

    reason = fields.String(required=True, validate=validate.Length(min=10, max=4000),
                           error_messages={"required": "必填 / Required."})
    approver = fields.Email(required=True, error_messages={"required": "必填 / Required."})


class AcceptanceSchema(Schema):
    """The acceptance decision of a program manager (CD-TD Art. 15)."""

    decision = fields.String(required=True, validate=validate.OneOf(["accepted", "rejected"]),
                             error_messages={"required": "必填 / Required."})
    comment = fields.String(validate=validate.Length(max=4000), load_default="")
    override = fields.Nested(OverrideSchema)


def _now():
    """UTC now, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _certificate_id(number):
    """Id of the latest deposit certificate of a project, or ``None``."""
    try:
        from ...certificates.models import DepositCertificate
    except ImportError:  # certificates not installed in this build
        return None
    cert = (DepositCertificate.query.filter_by(project_number=number)
            .order_by(DepositCertificate.issued_at.desc()).first())
    return cert.id if cert else None


class ProjectService(RecordService):
    """Projects: CRUD and search from ``RecordService``, plus the gate."""

    def _record(self, identity, id_, action="read"):
        """Resolve a project and check ``action``."""
        record = self.record_cls.pid.resolve(id_)
        self.require_permission(identity, action, record=record)
        return record

    def create(self, identity, data, uow=None, **kwargs):
        """Create a project; a number already registered is a 400, not a 500."""
        number = (data or {}).get("number") if isinstance(data, dict) else None
        if number and self.exists(number):
            raise ValidationError({"number": [f"项目编号已存在 {number} / Project number already registered."]})
        return super().create(identity, data, uow=uow, **kwargs)

    def exists(self, number):
        """True when a project with this number exists."""
        from invenio_pidstore.errors import PIDDoesNotExistError

        try:
            self.record_cls.pid.resolve(number)
            return True
        except PIDDoesNotExistError:
            return False

    def gate(self, identity, id_):
        """The acceptance conditions of a project (read permission)."""
        record = self._record(identity, id_)
        return AcceptanceGate(record, _certificate_id).evaluate()

    @unit_of_work()
    def decide(self, identity, id_, data, uow=None):
        """Record the acceptance decision; a failing gate needs an override."""
        record = self._record(identity, id_, "decide")
        data = AcceptanceSchema().load(data or {})
        gate = AcceptanceGate(record, _certificate_id).evaluate()
        override = data.get("override")
        if data["decision"] == "accepted" and not gate["passed"]:
            if not override:
                failing = [c["reason"] for c in gate["conditions"] if not c["passed"]]
                raise ValidationError({"override": [
                    "验收条件未满足，不能通过验收；如确需通过，须说明理由并由另一名审批人批准。 / "
                    "The acceptance gate fails (CD-TD Art. 15); accepting needs an override "
                    "with a reason and a second approver."] + failing})
            self._check_approver(identity, override["approver"])
        elif override:
            override = None  # nothing to override
        record["acceptance"] = {
            "decision": data["decision"],
            "comment": data["comment"],
            "decided_at": _now(),
            "decided_by": str(identity.id),
            "overridden": bool(override),
            **({"override": override} if override else {}),
            "gate": gate,
        }
        if data["decision"] == "accepted":
            record["status"] = "accepted"
        uow.register(RecordCommitOp(record, indexer=self.indexer, index_refresh=True))
        return self.result_item(self, identity, record, links_tpl=self.links_item_tpl)

    def _check_approver(self, identity, email):
        """The approver is another program manager or bureau admin."""
        user = User.query.filter_by(email=email.lower()).one_or_none()
        roles = {"program-manager", "bureau-admin"}
        if user is None or not roles & {r.name for r in user.roles}:
            raise ValidationError({"override.approver": [
                "审批人须为已注册的计划管理或科技局管理员 / The approver must be a registered "
                "program manager or bureau administrator."]})
        if str(user.id) == str(identity.id):
            raise ValidationError({"override.approver": [
                "审批人不能是决定人本人 / The approver cannot be the person deciding."]})

    def certify(self, identity, id_):
        """Issue the deposit certificate once every deposit condition passes."""
        record = self._record(identity, id_, "certify")
        gate = AcceptanceGate(record, _certificate_id)
        conditions = gate.conditions()
        if not gate.deposits_complete(conditions):
            raise ValidationError({"gate": [
                "汇交尚未完成，不能出具汇交凭证 / Deposits are incomplete: no certificate yet."]
                + [c["reason"] for c in conditions if not c["passed"] and c["id"] != "certificate"]})
        from ...certificates.api import issue_certificate

        datasets = [_dataset(row) for rows in gate.records().values() for row in rows]
        project = {
            "number": record["number"], "title_zh": record.get("title_zh"),
            "title_en": record.get("title_en"), "lead_entity": record.get("lead_entity"),
            "pi": (record.get("pi") or {}).get("email"),
        }
        return issue_certificate(project, datasets, issued_by=str(identity.id))

    def overdue(self, identity, today):
        """Projects past their acceptance due date without any deposit (CD-TD Art. 27)."""
        from ..gate import linked_records

        result = self.search(identity, params={"size": 1000},
                             extra_filter=_overdue_filter(today))
        return [hit for hit in result.hits if not linked_records(hit["number"])]


def _overdue_filter(today):
    """Not yet accepted or terminated, due before ``today``."""
    from invenio_search.engine import dsl

    return dsl.Q("range", acceptance_due={"lt": today.isoformat()}) & ~dsl.Q(
        "terms", status=["accepted", "terminated"])


def _dataset(row):
    """What the certificate states about one deposited dataset (a record model row)."""
    from invenio_rdm_records.records.api import RDMRecord

    record = RDMRecord.get_record(row.id)
    pids = record.get("pids") or {}
    files = []
    if record.files.enabled:
        for key, entry in sorted(record.files.entries.items()):
            files.append({"key": key, "checksum": entry.file.checksum if entry.file else None})
    return {
        "recid": record["id"],
        "title": (record.get("metadata") or {}).get("title"),
        "doi": (pids.get("doi") or {}).get("identifier"),
        "cstr": (pids.get("cstr") or {}).get("identifier"),
        "files": files,
    }
