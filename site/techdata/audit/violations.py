"""The register of violations and rectification (CD-TD Art. 27; CD-PD Art. 46; QY Art. 32).

The bureau (and auditors, administrators) record a finding against an
entity, optionally one of its projects: which rule, found when, what, and a
rectification deadline counted in Chinese working days from the day found
(the platform's calendar); they follow it up and close it with the day it
was rectified. An entity's data administrators see their entity's findings
(scope ``entity``/``data-admin``, :mod:`techdata.kernel.scopes`). Every act
is written to the audit trail in the same unit of work.

Evaluation reads the figures with :meth:`ViolationService.count` (registered,
rectified, rectified on time, open, overdue for a year, platform-wide or for
one entity) and :meth:`ViolationService.count_by_entity`. Reached through
:data:`current_violation_service` (built on first use, once per app).
"""

import re
from datetime import date

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_records_permissions.generators import SystemProcess
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import extract, select
from werkzeug.local import LocalProxy

from ..kernel import audit
from ..kernel.errors import invalid, not_found
from ..kernel.generators import DomainRoles
from ..kernel.i18n import _, bilingual, lazy_bilingual, lazy_error
from ..kernel.scopes import DATA_ADMIN, ENTITY, InScope, scopes_of
from ..kernel.services import (DomainPermissionPolicy, DomainService, DomainServiceConfig,
                               unit_of_work)
from ..kernel.time import today
from ..access.proxies import current_access_service
from ..directory.proxies import current_directory_service
from ..projects.proxies import current_projects_service
from ..workdays.calendar import working_days
from .models import Violation, utcnow

KINDS = {
    "not_deposited": (_("Project data not deposited by its acceptance"), "CD-TD Art. 15, 27"),
    "late_answer": (_("Review or request answered late"), "CD-PD Art. 46; QY Art. 32"),
    "directory_stale": (_("Directory entry not updated within 15 working days"),
                        "CD-PD Art. 14; QY Art. 8, 32"),
    "directory_unchecked": (_("Directory entry not checked this year"), "QY Art. 8, 32"),
    "wrong_data": (_("Faked or wrong data found by a correction"), "CD-TD Art. 27; QY Art. 32"),
    "other": (_("Other violation"), "CD-TD Art. 27"),
}
"""Kinds of finding: ``{kind: (label, default article)}``."""

REF = re.compile(r"^\[([^\]]+)\]")
"""The reference a proposed finding's description starts with (``[request <id>]``)."""

STATUS_LABELS = {"open": _("Rectification running"), "rectified": _("Rectified")}
"""Labels of a finding's status."""

TEXT_MAX = 4000
"""Longest description, follow-up note or rectification text."""


class ViolationPermissionPolicy(DomainPermissionPolicy):
    """Who registers, follows up, closes and reads findings (CD-TD Art. 27; LZ Art. 40)."""

    can_manage = [DomainRoles("config:TECHDATA_VIOLATION_REGISTRAR_ROLES"), SystemProcess()]
    can_read_all = [DomainRoles("config:TECHDATA_VIOLATION_READER_ROLES"), SystemProcess()]
    can_read = [DomainRoles("config:TECHDATA_VIOLATION_READER_ROLES"),
                InScope(kind=ENTITY, field="entity", scope_roles=(DATA_ADMIN,)), SystemProcess()]


class ViolationServiceConfig(DomainServiceConfig):
    """Config of the violation register's service."""

    service_id = "techdata-violations"
    permission_policy_cls = ViolationPermissionPolicy


def _text(required=True, maximum=TEXT_MAX):
    """A trimmed text field of at most ``maximum`` characters."""
    extra = {} if required else {"load_default": None}
    return fields.String(
        required=required, **extra,
        validate=validate.Length(min=1, max=maximum, error=lazy_bilingual(
            _("Between 1 and %(max)s characters.", max=maximum))),
        error_messages={"required": lazy_error(_("Required."))})


class RegisterSchema(Schema):
    """A new finding (bad input names its field)."""

    entity = _text(maximum=255)
    project = _text(required=False, maximum=255)
    kind = fields.String(required=True, validate=validate.OneOf(
        list(KINDS), error=lazy_bilingual(_("Unknown kind of violation."))),
        error_messages={"required": lazy_error(_("Required."))})
    article = _text(required=False, maximum=64)
    found_on = fields.Date(required=True, error_messages={
        "required": lazy_error(_("Required.")), "invalid": lazy_error(_("Not a date."))})
    description = _text()
    rectify_days = fields.Integer(required=True, strict=False, validate=validate.Range(
        min=1, max=250, error=lazy_bilingual(_("Between 1 and 250 working days."))),
        error_messages={"required": lazy_error(_("Required.")),
                        "invalid": lazy_error(_("Not a whole number."))})

    @validates_schema
    def _not_in_future(self, data, **kwargs):
        """A finding is found today at the latest."""
        if data.get("found_on") and data["found_on"] > today():
            raise ValidationError(lazy_error(_("The date lies in the future.")), "found_on")


class FollowUpSchema(Schema):
    """A follow-up note."""

    note = _text()


class CloseSchema(Schema):
    """The closing: the day rectified and what was done."""

    rectified_on = fields.Date(required=True, error_messages={
        "required": lazy_error(_("Required.")), "invalid": lazy_error(_("Not a date."))})
    rectification = _text()


def _load(schema, data):
    """``data`` checked by ``schema`` (strings trimmed; empty strings are absent)."""
    if not isinstance(data, dict):
        raise invalid(errors=[{"field": "body", "messages": [bilingual(
            _("A JSON object is expected."))]}])
    cleaned = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        cleaned[key] = value
    try:
        return schema().load(cleaned, unknown="exclude")
    except ValidationError as err:
        raise invalid(err)


def as_dict(v):
    """A finding as plain JSON (labels in the reader's language)."""
    overdue = v.status == "open" and today() > v.due_on
    return {
        "id": v.id, "entity": v.entity, "project": v.project, "kind": v.kind,
        "kind_label": str(KINDS.get(v.kind, (v.kind,))[0]), "article": v.article,
        "found_on": v.found_on.isoformat(), "description": v.description,
        "rectify_days": v.rectify_days, "due_on": v.due_on.isoformat(), "status": v.status,
        "status_label": str(STATUS_LABELS.get(v.status, v.status)),
        "rectified_on": v.rectified_on.isoformat() if v.rectified_on else None,
        "rectification": v.rectification, "on_time": v.on_time, "overdue": overdue,
        "follow_up": list(v.follow_up or []), "registered_by": v.registered_by,
        "registered_at": v.registered_at.isoformat() if v.registered_at else None,
        "closed_by": v.closed_by, "closed_at": v.closed_at.isoformat() if v.closed_at else None,
    }


def _user_id(identity):
    """The numeric user id of ``identity`` (``None`` for the system)."""
    uid = getattr(identity, "id", None)
    return uid if isinstance(uid, int) else None


class ViolationService(DomainService):
    """Register, follow up, close, list and count findings."""

    def _get(self, violation_id):
        """The finding ``violation_id`` (404 otherwise)."""
        try:
            key = int(violation_id)
        except (TypeError, ValueError):
            key = None
        v = db.session.get(Violation, key) if key is not None and 0 < key < 2**31 else None
        if v is None:
            raise not_found(_("There is no such finding."))
        return v

    def _audit(self, identity, uow, action, v, before=None, after=None, details=None):
        """The act in the audit trail, with the caller's changes."""
        audit.log(action, v.id, identity=identity, uow=uow, before=before, after=after,
                  details={"entity": v.entity, "project": v.project, "article": v.article,
                           **(details or {})})

    @unit_of_work()
    def register(self, identity, data, uow=None):
        """Record a finding; the deadline is ``rectify_days`` working days after it was found."""
        self.require(identity, "manage")
        data = _load(RegisterSchema, data)
        v = Violation(
            entity=data["entity"], project=data.get("project"), kind=data["kind"],
            article=data.get("article") or KINDS[data["kind"]][1], found_on=data["found_on"],
            description=data["description"], rectify_days=data["rectify_days"],
            due_on=working_days().add_working_days(data["found_on"], data["rectify_days"]),
            status="open", follow_up=[], registered_by=_user_id(identity),
            registered_at=utcnow())
        db.session.add(v)
        db.session.flush()
        self._audit(identity, uow, "techdata.violation.register", v, before={},
                    after={k: as_dict(v)[k] for k in ("kind", "found_on", "due_on",
                                                      "rectify_days", "status")},
                    details={"description": v.description[:500]})
        return as_dict(v)

    @unit_of_work()
    def follow_up(self, identity, violation_id, data, uow=None):
        """Add a follow-up note to an open finding."""
        self.require(identity, "manage")
        v = self._get(violation_id)
        data = _load(FollowUpSchema, data)
        if v.status != "open":
            raise invalid(errors=[{"field": "status", "messages": [bilingual(
                _("This finding is already closed."))]}])
        note = {"on": today().isoformat(), "by": _user_id(identity), "note": data["note"]}
        v.follow_up = [*(v.follow_up or []), note]
        db.session.flush()
        self._audit(identity, uow, "techdata.violation.follow_up", v,
                    after={"follow_up": len(v.follow_up)}, details={"note": data["note"][:500]})
        return as_dict(v)

    @unit_of_work()
    def close(self, identity, violation_id, data, uow=None):
        """Close an open finding with the day it was rectified and what was done."""
        self.require(identity, "manage")
        v = self._get(violation_id)
        data = _load(CloseSchema, data)
        errors = []
        if v.status != "open":
            errors.append({"field": "status", "messages": [bilingual(
                _("This finding is already closed."))]})
        elif data["rectified_on"] < v.found_on or data["rectified_on"] > today():
            errors.append({"field": "rectified_on", "messages": [bilingual(
                _("The day rectified lies between the day found and today."))]})
        if errors:
            raise invalid(errors=errors)
        before = {"status": v.status, "rectified_on": None}
        v.status, v.rectified_on, v.rectification = "rectified", data["rectified_on"], \
            data["rectification"]
        v.closed_by, v.closed_at = _user_id(identity), utcnow()
        db.session.flush()
        self._audit(identity, uow, "techdata.violation.close", v, before=before,
                    after={"status": v.status, "rectified_on": v.rectified_on.isoformat(),
                           "on_time": v.on_time},
                    details={"rectification": v.rectification[:500]})
        return as_dict(v)

    def read(self, identity, violation_id):
        """One finding, for the audit roles and the entity's data administrators."""
        v = self._get(violation_id)
        self.require(identity, "read", record={"entity": v.entity})
        return as_dict(v)

    def search(self, identity, entity=None, status=None, year=None, overdue=None):
        """Findings the caller may read, newest first, filtered.

        The audit roles read every entity's; a data administrator reads only
        the entities where they hold that role; anyone else is refused.
        """
        query = select(Violation)
        if not self.can(identity, "read_all"):
            mine = scopes_of(identity, ENTITY, DATA_ADMIN)
            if not mine:
                self.require(identity, "read_all")
            query = query.where(Violation.entity.in_(sorted(mine)))
        if entity:
            query = query.where(Violation.entity == entity)
        if status in ("open", "rectified"):
            query = query.where(Violation.status == status)
        if year:
            query = query.where(extract("year", Violation.found_on) == int(year))
        if overdue:
            query = query.where(Violation.status == "open", Violation.due_on < today())
        limit = current_app.config["TECHDATA_VIOLATION_LIST_MAX"]
        rows = db.session.execute(query.order_by(Violation.found_on.desc(), Violation.id.desc())
                                  .limit(limit)).scalars()
        return [as_dict(v) for v in rows]

    def candidates(self, identity, on=None):
        """Findings proposed from the existing clocks, not registered yet (CD-TD Art. 27).

        - projects past their acceptance date with datasets still owed (the
          projects' overdue list): kind ``not_deposited`` (CD-TD Art. 15, 27);
        - requests from outside answered after their due date, or unanswered
          past it (the access service's late answers): kind ``late_answer``
          (CD-PD Art. 46; QY Art. 32);
        - directory entries not checked by their check date (the directory's
          upkeep): kind ``directory_unchecked`` (QY Art. 8, 32), and changes
          not released within their working days: ``directory_stale``
          (CD-PD Art. 14; QY Art. 8, 32).

        Each is a ready registration body; the bureau confirms it on the
        register page. A request or directory entry is named in the
        description's leading ``[reference]``, so a registered one is not
        proposed again.
        """
        self.require(identity, "manage")
        on = on or today()
        known = {p for (p,) in db.session.execute(
            select(Violation.project).where(Violation.kind == "not_deposited",
                                            Violation.project.isnot(None)))}
        refs = registered_refs()
        days = current_app.config["TECHDATA_VIOLATION_RECTIFY_DAYS"]

        def proposal(entity, kind, description, project=""):
            return {"entity": str(entity or "") or "-", "project": project, "kind": kind,
                    "article": KINDS[kind][1], "found_on": on.isoformat(),
                    "description": description, "rectify_days": days}

        out = []
        for hit in current_projects_service.overdue(system_identity, on):
            if hit["number"] in known:
                continue
            out.append(proposal(
                hit.get("lead_entity"), "not_deposited",
                f"{hit.get('title_zh') or hit['number']}: "
                f"acceptance due {hit.get('acceptance_due')}, "
                f"{hit['deposited']} of {hit['planned']} datasets deposited",
                project=hit["number"]))
        for row in current_access_service.late_answers(system_identity, on):
            ref = f"request {row['id']}"
            if ref not in refs:
                answered = row["answered_on"] or "not answered"
                out.append(proposal(row["entity"], "late_answer",
                                    f"[{ref}] {row['type']} {row['title']}: due "
                                    f"{row['due_date']}, answered {answered}"))
        upkeep = current_directory_service.upkeep(system_identity)
        for row in upkeep["unchecked"]:
            ref = f"directory {row['entry_id']} check {row['due_date']}"
            if ref not in refs and row["due_date"] < on.isoformat():
                out.append(proposal(row["entity"], "directory_unchecked",
                                    f"[{ref}] {row['title_zh']}: last checked "
                                    f"{row['last_checked']}, check due {row['due_date']}"))
        for row in upkeep["pending_changes"]:
            ref = f"directory {row['entry_id']} change {row['changed_at']}"
            if ref not in refs and row["overdue"]:
                out.append(proposal(row["entity"], "directory_stale",
                                    f"[{ref}] {row['title_zh']}: changed {row['changed_at']}, "
                                    f"release due {row['due_date']}"))
        return out

    def is_registrar(self, identity):
        """Whether ``identity`` registers and closes findings."""
        return self.can(identity, "manage")

    @staticmethod
    def _figures(rows, year_end):
        """Counts of ``rows`` as of ``year_end`` (or today if earlier)."""
        cut = min(year_end, today())
        out = {"registered": 0, "rectified": 0, "rectified_on_time": 0, "open": 0, "overdue": 0}
        for v in rows:
            out["registered"] += 1
            if v.status == "rectified":
                out["rectified"] += 1
                out["rectified_on_time"] += 1 if v.on_time else 0
            else:
                out["open"] += 1
                out["overdue"] += 1 if v.due_on < cut else 0
        return out

    @staticmethod
    def _year_rows(year, entity=None):
        """The findings found in ``year`` (of ``entity``) and the year's last day."""
        query = select(Violation).where(extract("year", Violation.found_on) == int(year))
        if entity is not None:
            query = query.where(Violation.entity == str(entity))
        return list(db.session.execute(query).scalars()), date(int(year), 12, 31)

    def count(self, year, entity=None, identity=system_identity):
        """Figures of the findings found in ``year`` (CD-TD Art. 26-27; QY Art. 31-32).

        ``{"registered", "rectified", "rectified_on_time", "open", "overdue"}``
        for the whole platform, or for ``entity`` (its id as registered).
        "Overdue": still open after its deadline, as of the year's end (or
        today). The system reads it for evaluation; a person needs the
        register's read right.
        """
        self.require(identity, "read_all" if entity is None else "read",
                     record={"entity": entity})
        rows, year_end = self._year_rows(year, entity)
        return self._figures(rows, year_end)

    def count_by_entity(self, year, identity=system_identity):
        """:meth:`count` of every entity with a finding found in ``year``: ``{entity: figures}``."""
        self.require(identity, "read_all")
        rows, year_end = self._year_rows(year)
        by = {}
        for v in rows:
            by.setdefault(v.entity, []).append(v)
        return {entity: self._figures(found, year_end) for entity, found in sorted(by.items())}


def registered_refs():
    """The ``[reference]`` leading the descriptions of the registered findings."""
    rows = db.session.execute(select(Violation.description).where(
        Violation.kind.in_(("late_answer", "directory_unchecked", "directory_stale"))))
    return {m.group(1) for (text,) in rows if (m := REF.match(text or ""))}


def violation_service(app=None):
    """The app's register service, built once per app (kept in ``app.extensions``)."""
    app = app or current_app
    if SERVICE_KEY not in app.extensions:
        app.extensions[SERVICE_KEY] = ViolationService(ViolationServiceConfig.build(app))
    return app.extensions[SERVICE_KEY]


SERVICE_KEY = "techdata-violations"
"""Where the app keeps the register's service."""

current_violation_service = LocalProxy(violation_service)
"""The register of violations (CD-TD Art. 27): the service behind the pages, REST and
evaluation."""
