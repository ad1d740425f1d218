"""``ProjectService``: the registry plus gate, acceptance decision and certificate.

The acceptance decision is the one way a project becomes ``accepted``
(CD-TD Art. 15), a status decision (:meth:`ProjectService.transition`) the one
way it moves between the other statuses: saving a project (``POST``/``PUT``,
the import) never writes its status (``ProjectDataComponent``) and ignores
submitted acceptance data. Two decisions made at the same time on
the same revision cannot both win: the loser gets a 409 (optimistic
concurrency on the record's revision), never a 500 nor a silent overwrite.
"""

from invenio_accounts.models import User
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_rdm_records.records.api import RDMRecord
from invenio_records_resources.services import RecordService
from invenio_records_resources.services.uow import RecordCommitOp, unit_of_work
from invenio_search.engine import dsl
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.orm.exc import StaleDataError

from ...certificates.api import certificates_of, issue_certificate
from ...entities.proxies import current_entities_service
from ...kernel import audit
from ...kernel.errors import conflict
from ...kernel.i18n import _, bilingual, lazy_error
from ...kernel.roles import BUREAU, PROGRAM_MANAGER
from ...kernel.time import utcnow
from ..entity_ids import entity_name
from ..gate import AcceptanceGate, linked_records
from .schema import ACCEPTED, INITIAL_STATUS, STATUSES

REQUIRED = {"required": lazy_error(_("Required."))}
"""The error of a missing field, in both languages."""

APPROVER_ROLES = (PROGRAM_MANAGER, BUREAU)
"""Who may approve an override of a failing gate (a second person, CD-TD Art. 15)."""

CLOSED_STATUSES = (ACCEPTED, "terminated")
"""Projects no longer waiting for acceptance (not overdue, CD-TD Art. 27)."""

TRANSITIONS = {
    "in-progress": ("pending-acceptance", "terminated"),
    "pending-acceptance": ("in-progress", "terminated"),
}
"""Status decisions: from → allowed targets. ``accepted`` only through the acceptance
decision; ``accepted`` and ``terminated`` are final (CD-TD Art. 15)."""


class OverrideSchema(Schema):
    """An explicit, recorded override of a failing gate."""

    reason = fields.String(required=True, validate=validate.Length(min=10, max=4000),
                           error_messages=REQUIRED)
    approver = fields.Email(required=True, error_messages=REQUIRED)


class AcceptanceSchema(Schema):
    """The acceptance decision of a program manager (CD-TD Art. 15)."""

    decision = fields.String(required=True, validate=validate.OneOf(["accepted", "rejected"]),
                             error_messages=REQUIRED)
    comment = fields.String(validate=validate.Length(max=4000), load_default="")
    override = fields.Nested(OverrideSchema)
    revision_id = fields.Integer(strict=True)
    """The revision the decision was made on; a stale one is a 409."""


def not_a_move(current, target):
    """The 400 (naming ``status``) of a status decision :data:`TRANSITIONS` does not allow."""
    return ValidationError({"status": [bilingual(_(
        "A project cannot move from \"%(current)s\" to \"%(target)s\" by a status decision "
        "(CD-TD Art. 15); \"accepted\" comes from the acceptance decision only.",
        current=current, target=target))]})


class TransitionSchema(Schema):
    """A status decision of a program manager (CD-TD Art. 15)."""

    status = fields.String(required=True, validate=validate.OneOf(STATUSES),
                           error_messages=REQUIRED)
    comment = fields.String(validate=validate.Length(max=4000), load_default="")
    revision_id = fields.Integer(strict=True)
    """The revision the decision was made on; a stale one is a 409."""


def _now():
    """UTC now, ISO 8601 (seconds)."""
    return utcnow().isoformat(timespec="seconds")


def certificate_id(number):
    """Id of the latest deposit certificate of a project, or ``None`` (certificates' public API)."""
    latest = certificates_of(number)
    return latest[0].id if latest else None


def _stale():
    """The 409 of a decision made on a project changed meanwhile."""
    return conflict(_("Someone else recorded a decision on this project meanwhile; "
                      "reload the page and check it before deciding again."))


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
        if isinstance(number, str) and number and self.exists(number):
            raise ValidationError({"number": [bilingual(_("Project number already registered: %(number)s.", number=number))]})
        self._require_program(identity, data)
        return super().create(identity, data, uow=uow, **kwargs)

    def update(self, identity, id_, data, revision_id=None, uow=None, expand=False, **kwargs):
        """Change a project; a program manager keeps it in one of his programmes."""
        self._require_program(identity, data)
        return super().update(identity, id_, data, revision_id=revision_id, uow=uow,
                              expand=expand, **kwargs)

    def _require_program(self, identity, data):
        """A program manager registers or moves projects only into his own programmes
        (CD-TD Art. 8-9): 403 otherwise (a missing programme is the schema's 400)."""
        program = data.get("program") if isinstance(data, dict) else None
        if isinstance(program, str) and program.strip():
            self.require_permission(identity, "create_in", record={"program": program})

    def exists(self, number):
        """True when a project with this number exists."""
        try:
            self.record_cls.pid.resolve(number)
            return True
        except PIDDoesNotExistError:
            return False

    def may(self, identity, id_, *actions):
        """``{action: bool}``: what ``identity`` may do on the project (for its page)."""
        record = self.record_cls.pid.resolve(id_)
        return {a: self.check_permission(identity, a, record=record) for a in actions}

    def is_participant(self, identity, number):
        """True when ``identity`` is the PI or a member of the project ``number``.

        ``False`` for an unknown number too: callers answer both alike, so
        nobody learns which project numbers exist (issue 20).
        """
        try:
            project = self.record_cls.pid.resolve(number)
        except PIDDoesNotExistError:
            return False
        people = [project.get("pi") or {}] + list(project.get("members") or [])
        return str(identity.id) in {str(p.get("user")) for p in people}

    def plan_keys(self, number):
        """The dataset keys of the project's deposit plan (LZ Art. 12)."""
        project = self.record_cls.pid.resolve(number)
        return {p["key"] for p in project.get("plan") or []}

    def acceptance_gate(self, record):
        """The :class:`AcceptanceGate` of a project record."""
        return AcceptanceGate(record, certificate_id)

    def gate(self, identity, id_):
        """The acceptance conditions of a project (read permission)."""
        record = self._record(identity, id_)
        return self.acceptance_gate(record).evaluate()

    @unit_of_work()
    def decide(self, identity, id_, data, uow=None):
        """Record the acceptance decision; a failing gate needs an override (CD-TD Art. 15).

        ``revision_id`` (optional) is the revision the decider saw: when the
        project changed since, or when two decisions race, the later one is
        refused with a 409.
        """
        record = self._record(identity, id_, "decide")
        data = AcceptanceSchema().load(data or {})
        expected = data.get("revision_id")
        if expected is not None and expected != record.revision_id:
            raise _stale()
        if (record.get("acceptance") or {}).get("decision") == ACCEPTED:
            raise conflict(_("This project was already accepted; the decision is final."))
        gate = self.acceptance_gate(record).evaluate()
        before_status = record.get("status")  # for the audit trail (CD-TD Art. 15)
        override = data.get("override")
        if data["decision"] == ACCEPTED and not gate["passed"]:
            if not override:
                failing = [c["reason"] for c in gate["conditions"] if not c["passed"]]
                raise ValidationError({"override": [
                    bilingual(_("The acceptance gate fails (CD-TD Art. 15); accepting needs an "
                                "override with a reason and a second approver."))] + failing})
            self._check_approver(identity, override["approver"], record)
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
        if data["decision"] == ACCEPTED:
            record["status"] = ACCEPTED
        try:
            # Record.commit flushes the UPDATE ... WHERE version_id = <read>:
            # the loser of two parallel decisions fails here.
            uow.register(RecordCommitOp(record, indexer=self.indexer, index_refresh=True))
        except StaleDataError:
            raise _stale()
        audit.log("techdata.acceptance.decide", record["number"], identity=identity, uow=uow,
                  before={"status": before_status},
                  after={"status": record.get("status"), "decision": data["decision"],
                         "overridden": bool(override),
                         "approver": (override or {}).get("approver")},
                  details={"comment": data["comment"], "gate_passed": gate["passed"]})
        return self.result_item(self, identity, record, links_tpl=self.links_item_tpl)

    @unit_of_work()
    def transition(self, identity, id_, data, uow=None):
        """Move the project to another status by a recorded decision (CD-TD Art. 15).

        ``data``: ``status`` (the target), ``comment``, ``revision_id``
        (optional, a stale one is a 409). Allowed moves are in
        :data:`TRANSITIONS`; each decision is appended to ``transitions``
        (from, to, comment, who, when).
        """
        record = self._record(identity, id_, "decide")
        data = TransitionSchema().load(data or {})
        expected = data.get("revision_id")
        if expected is not None and expected != record.revision_id:
            raise _stale()
        current = record.get("status", INITIAL_STATUS)
        target = data["status"]
        if target not in TRANSITIONS.get(current, ()):
            raise not_a_move(current, target)
        record["transitions"] = list(record.get("transitions") or []) + [{
            "from": current, "to": target, "comment": data["comment"],
            "decided_at": _now(), "decided_by": str(identity.id),
        }]
        record["status"] = target
        try:
            uow.register(RecordCommitOp(record, indexer=self.indexer, index_refresh=True))
        except StaleDataError:
            raise _stale()
        audit.log("techdata.project.status", record["number"], identity=identity, uow=uow,
                  before={"status": current}, after={"status": target},
                  details={"comment": data["comment"]})  # CD-TD Art. 15; LZ Art. 21
        return self.result_item(self, identity, record, links_tpl=self.links_item_tpl)

    def _check_approver(self, identity, email, record):
        """The approver is another manager of the project's programme or a bureau admin
        (CD-TD Art. 8-9, 15)."""
        user = User.query.filter_by(email=email.lower()).one_or_none()
        held = {r.name for r in user.roles} if user is not None else set()
        if user is None or not set(APPROVER_ROLES) & held:
            raise ValidationError({"override.approver": [
                bilingual(_("The approver must be a registered program manager or bureau "
                            "administrator."))]})
        if BUREAU not in held and record.get("program") not in set(
                current_entities_service.programs_of(user.id)):
            raise ValidationError({"override.approver": [
                bilingual(_("The approver must manage this project's programme (CD-TD "
                            "Art. 8-9) or be a bureau administrator."))]})
        if str(user.id) == str(identity.id):
            raise ValidationError({"override.approver": [
                bilingual(_("The approver cannot be the person deciding."))]})

    def certify(self, identity, id_):
        """Issue the deposit certificate once every deposit condition passes (CD-TD Art. 15)."""
        record = self._record(identity, id_, "certify")
        gate = self.acceptance_gate(record)
        conditions = gate.conditions()
        if not gate.deposits_complete(conditions):
            raise ValidationError({"gate": [
                bilingual(_("Deposits are incomplete: no certificate yet."))]
                + [c["reason"] for c in conditions if not c["passed"] and c["id"] != "certificate"]})
        datasets = [_dataset(row) for rows in gate.records().values() for row in rows]
        project = {
            "number": record["number"], "title_zh": record.get("title_zh"),
            "title_en": record.get("title_en"), "lead_entity": entity_name(record.get("lead_entity")),
            "lead_entity_id": record.get("lead_entity"),
            "pi": (record.get("pi") or {}).get("email"),
        }
        cert = issue_certificate(project, datasets, issued_by=str(identity.id))
        audit.log("techdata.certificate.issue", record["number"], identity=identity,
                  after={"certificate": cert.id, "datasets": len(datasets)})  # CD-TD Art. 15
        return cert

    def certificates(self, identity, id_):
        """The deposit certificates of a project, latest first (read permission)."""
        record = self._record(identity, id_)
        return certificates_of(record["number"])

    def overview(self, identity, today, program=None, status=None, overdue_only=False):
        """Projects ``identity`` may see, each with its gate, overdue flag and deposits.

        The program manager's list and its export (CD-TD Art. 15, 27).
        """
        params = {"size": 500, "sort": "acceptance_due"}
        for key, value in (("program", program), ("status", status)):
            if value:
                params.setdefault("facets", {})[key] = [value]
        now = today.isoformat()
        rows = []
        for hit in self.search(identity, params=params).hits:
            try:
                record = self.record_cls.pid.resolve(hit["id"])
            except PIDDoesNotExistError:
                continue  # indexed but no longer stored (an index behind the database)
            gate_check = self.acceptance_gate(record)
            overdue = (hit.get("acceptance_due", "9999") < now
                       and hit.get("status") not in CLOSED_STATUSES)
            if overdue_only and not overdue:
                continue
            rows.append({**hit, "gate": gate_check.evaluate(), "overdue": overdue,
                         "deposits": len(gate_check.linked())})
        return rows

    def overdue(self, identity, today):
        """Projects past their acceptance due date, not accepted or terminated, that still
        owe deposits (CD-TD Art. 15, 27): one with one of five datasets deposited is
        reminded too, as ``/projects/?overdue=1`` lists it (issue 16 item 7). Each gains
        ``deposited`` (datasets linked) and ``planned`` (datasets in its plan)."""
        result = self.search(identity, params={"size": 1000},
                             extra_filter=_overdue_filter(today))
        out = []
        for hit in result.hits:
            try:
                record = self.record_cls.pid.resolve(hit["id"])
            except PIDDoesNotExistError:
                continue  # indexed but no longer stored
            gate = self.acceptance_gate(record)
            if gate.deposits_complete():
                continue  # everything deposited: the acceptance decision is the bureau's
            out.append({**hit, "deposited": len(linked_records(hit["number"])),
                        "planned": len(hit.get("plan") or [])})
        return out


def _overdue_filter(today):
    """Not yet accepted or terminated, due before ``today``."""
    return dsl.Q("range", acceptance_due={"lt": today.isoformat()}) & ~dsl.Q(
        "terms", status=list(CLOSED_STATUSES))


def _dataset(row):
    """What the certificate states about one deposited dataset (a record model row)."""
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
