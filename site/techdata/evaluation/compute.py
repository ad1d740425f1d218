"""Computing the indicators: the platform's tables → facts → summaries (issue 19).

:func:`recompute` builds, for one year, the *facts* of every indicator basis
(``indicators.py``) from the real tables, each fact placed in its scopes
(entity, department, data centre, programme), then aggregates them per
period and scope into ``techdata_evaluation_summary``. Both are replaced in
one transaction, so readers see the old numbers or the new ones.

Where a fact's scopes come from:

- a project: ``lead_entity``, ``department``, ``program`` as stored (issue 18
  migrates them to entity and department ids; this groups by what is stored);
- a record or draft: its project's scopes when it is linked to one, else its
  ``cdtd:providing_entity`` / ``cdtd:responsible_department``; the data
  centre is its parent's default community (slug);
- a request: the scopes of the record it is about; a deposit review's centre
  is the community it was submitted to; an opening application for data not
  in the repository names its entity;
- a directory entry: its ``entity`` and ``department`` columns.

Deadlines count Chinese working days (``techdata.workdays``), from the day
received (not counted) as the clocks do (``access/clock.py``,
``review/deadlines.py``).
"""

import csv
import io
import json
import logging
import time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_audit_logs.records.models import AuditLog
from invenio_communities.communities.records.models import CommunityMetadata
from invenio_db import db
from invenio_rdm_records.records.models import (
    RDMDraftMetadata,
    RDMParentMetadata,
    RDMRecordMetadata,
)
from invenio_rdm_records.records.systemfields.deletion_status import RecordDeletionStatusEnum
from invenio_requests.records.models import RequestEventModel, RequestMetadata
from sqlalchemy import select, text

from ..audit.violations import current_violation_service
from ..directory.models import DirectoryEntry, OpenPlanItem
from ..kernel.time import as_moment, local_date, today
from ..projects.records.models import ProjectMetadata
from ..workdays import working_days
from .config import SCOPE_KINDS
from .indicators import GRANTING_TYPES, INDICATORS, REQUEST_TYPES
from .models import EvaluationFact, EvaluationRun, EvaluationSummary, utcnow

logger = logging.getLogger(__name__)

SCOPED = tuple(k for k in SCOPE_KINDS if k != "city")
"""Scope kinds a fact names (the city holds every fact)."""

CYCLE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92,
              "half-yearly": 183, "yearly": 366}
"""Update cycles (``td-update-cycles``) with a fixed length in days; ``irregular`` and
``static`` have none, so such a dataset is never stale (LZ Art. 30)."""

SNAPSHOT_BASES = ("directories.checked", "directories.openness", "stale.datasets")
"""Bases read from today's state: every period of the year shows the same facts."""

OPEN_STATUSES = ("submitted",)
"""A request waiting for its answer (the clock runs)."""

ENDED_UNANSWERED = ("cancelled", "expired", "deleted", "created")
"""Statuses of a request nobody has to answer (withdrawn, expired, never submitted)."""


@dataclass
class Fact:
    """One item behind an indicator basis (a row of ``techdata_evaluation_fact``)."""

    basis: str
    item: str
    kind: str
    on: date
    label: str = ""
    entity: str = None
    department: str = None
    centre: str = None
    program: str = None
    num: float = 0
    den: float = 0
    days: float = None
    detail: dict = field(default_factory=dict)


def _day(value):
    """The calendar day (Beijing time) of a date, datetime (naive: UTC) or ISO text; or None."""
    if not value:
        return None
    return local_date(value)


def _scopes(info):
    """The scope columns of a fact from a scope dict."""
    info = info or {}
    return {k: (str(info[k])[:200] if info.get(k) else None) for k in SCOPED}


def _label(text, limit=500):
    """A label cut to its column."""
    return (text or "")[:limit]


def _term(cf, name):
    """The id of the term field ``cdtd:<name>`` in a custom-fields dict."""
    value = (cf or {}).get(f"cdtd:{name}")
    return value.get("id") if isinstance(value, dict) else value


class World:
    """What the fact builders look up, read once per computation."""

    def __init__(self, on):
        """Read projects, records, drafts, parents and communities."""
        self.on = on
        self.calendar = working_days()
        self._origin, self._totals = None, []
        self.communities = {str(i): s for i, s in db.session.execute(
            select(CommunityMetadata.id, CommunityMetadata.slug))}
        self.parents = {}
        for pid, data in db.session.execute(
                select(RDMParentMetadata.id, RDMParentMetadata.json)):
            data = data or {}
            default = ((data.get("communities") or {}).get("default"))
            owner = ((data.get("access") or {}).get("owned_by") or {}).get("user")
            self.parents[str(pid)] = {"centre": self.communities.get(str(default)) if default
                                      else None, "owner": str(owner) if owner else None,
                                      "pid": data.get("id")}
        self.projects = self._projects()
        self.records, self.versions = self._records()

    @staticmethod
    def _projects():
        """Projects by number: the stored JSON."""
        out = {}
        for data, in db.session.execute(select(ProjectMetadata.json).where(
                ProjectMetadata.json.isnot(None), ProjectMetadata.is_deleted.isnot(True))):
            if data and data.get("number"):
                out[data["number"]] = data
        return out

    def project_scopes(self, number):
        """Scopes of project ``number`` (empty when unknown)."""
        project = self.projects.get(number) or {}
        return {"entity": project.get("lead_entity"), "department": project.get("department"),
                "program": project.get("program")}

    def _records(self):
        """Records and drafts by recid (latest published version wins), and each
        parent's published versions ``[(created, index, recid)]``."""
        records, versions = {}, defaultdict(list)
        for model, published in ((RDMDraftMetadata, False), (RDMRecordMetadata, True)):
            query = select(model.id, model.json, model.created, model.parent_id,
                           model.index).where(model.is_deleted.isnot(True),
                                              model.json.isnot(None))
            if published:  # a deleted (tombstoned) record is no deposit any more
                query = query.where(model.deletion_status == RecordDeletionStatusEnum.PUBLISHED)
            for _id, data, created, parent_id, index in db.session.execute(query):
                recid = data.get("id")
                if not recid:
                    continue
                cf = data.get("custom_fields") or {}
                parent = self.parents.get(str(parent_id)) or {}
                project = cf.get("cdtd:project")
                scopes = self.project_scopes(project) if project else {}
                info = {
                    "recid": recid, "parent": str(parent_id), "published": published,
                    "project": project, "dataset": cf.get("cdtd:project_dataset"),
                    "entity": scopes.get("entity") or _term(cf, "providing_entity"),
                    "department": scopes.get("department") or _term(
                        cf, "responsible_department"),
                    "program": scopes.get("program"), "centre": parent.get("centre"),
                    "owner": parent.get("owner"), "created": created, "index": index or 0,
                    "title": cf.get("cdtd:title_zh") or (data.get("metadata") or {}).get(
                        "title") or recid,
                    "update_cycle": _term(cf, "update_cycle"),
                }
                if published:
                    versions[str(parent_id)].append((created, index or 0, recid))
                keep = records.get(recid)
                if keep is None or published or not keep["published"]:
                    records[recid] = info
        return records, versions

    def record_scopes(self, recid):
        """Scopes of record ``recid`` (empty when unknown)."""
        return self.records.get(recid) or {}

    def first_published(self, parent):
        """When the first version of ``parent`` was published (its record row created)."""
        rows = self.versions.get(parent) or []
        return min(rows)[0] if rows else None

    def working_days(self, start, end):
        """Working days in (start, end] (the calendar's count, from a running total)."""
        if self._origin is None:
            self._build_totals(start.year)
        i, j = (start - self._origin).days, (end - self._origin).days
        if 0 <= i < len(self._totals) and 0 <= j < len(self._totals):
            return self._totals[j] - self._totals[i]
        return self.calendar.working_days_between(start, end)

    def add_working_days(self, start, count):
        """The day ``count`` working days after ``start`` (the calendar's answer)."""
        if self._origin is None:
            self._build_totals(start.year)
        i = (start - self._origin).days
        if 0 <= i < len(self._totals):
            target = self._totals[i] + count
            j = bisect_left(self._totals, target, lo=i)
            if j < len(self._totals):
                return self._origin + timedelta(days=j)
        return self.calendar.add_working_days(start, count)

    def _build_totals(self, year):
        """Working days counted from 1 January the year before ``year`` to each day up
        to the end of the year after it: each difference is a count in O(1)."""
        self._origin = date(min(year, self.on.year) - 1, 1, 1)
        last = date(max(year, self.on.year) + 1, 12, 31)
        total, day, totals = 0, self._origin, [0]
        while day < last:
            day += timedelta(days=1)
            total += 1 if self.calendar.is_workday(day) else 0
            totals.append(total)
        self._totals = totals


#
# Deposit (CD-TD Art. 15)
#
def deposit_facts(world, year):
    """Planned datasets, acceptances, deposits before and after the acceptance."""
    by_plan, by_project = defaultdict(list), defaultdict(list)
    for info in world.records.values():
        if info["published"] and info["project"]:
            by_plan[(info["project"], info["dataset"] or "")].append(info)
            by_project[info["project"]].append(info)
    accepted_recids = accepted_deposits()
    for number, project in world.projects.items():
        scopes = _scopes(world.project_scopes(number))
        title = project.get("title_zh") or number
        plan = project.get("plan") or []
        due = _day(project.get("acceptance_due"))
        if due and due.year == year:
            for item in plan:
                rows = by_plan.get((number, item["key"]), [])
                label = _label(f"{number} · {item.get('title') or item['key']}")
                ident = f"{number}/{item['key']}"
                detail = {"project": number, "plan_key": item["key"],
                          "records": sorted(r["recid"] for r in rows)}
                yield Fact("deposit.deposited", ident, "plan-item", due, label, **scopes,
                           num=1 if rows else 0, den=1, detail=detail)
                yield Fact("deposit.accepted", ident, "plan-item", due, label, **scopes,
                           num=1 if any(r["recid"] in accepted_recids for r in rows) else 0,
                           den=1, detail=detail)
        acceptance = project.get("acceptance") or {}
        decided = as_moment(acceptance.get("decided_at"))
        if not decided:
            continue
        decided_day = _day(decided)
        if decided_day.year == year:
            yield Fact("deposit.overrides", number, "project", decided_day, _label(title),
                       **scopes, num=1 if acceptance.get("overridden") else 0, den=1,
                       detail={"decision": acceptance.get("decision"),
                               "approver": (acceptance.get("override") or {}).get("approver")})
        if acceptance.get("decision") != "accepted":
            continue
        if decided_day.year == year:
            for item in plan:
                rows = by_plan.get((number, item["key"]), [])
                firsts = [world.first_published(r["parent"]) for r in rows]
                firsts = [f for f in firsts if f is not None]
                first = min(firsts) if firsts else None
                before = first is not None and _naive(first) < _naive(decided)
                yield Fact("deposit.before_acceptance", f"{number}/{item['key']}", "plan-item",
                           decided_day, _label(f"{number} · {item.get('title') or item['key']}"),
                           **scopes, num=1 if before else 0, den=1,
                           detail={"project": number, "plan_key": item["key"],
                                   "first_published": first.isoformat() if first else None,
                                   "accepted_at": acceptance.get("decided_at")})
        seen = set()
        for info in by_project.get(number, ()):
            if info["parent"] in seen:
                continue
            seen.add(info["parent"])
            first = world.first_published(info["parent"])
            if first is None or _naive(first) <= _naive(decided):
                continue
            on = _day(first)
            if on.year == year:
                yield Fact("deposit.post_acceptance", info["recid"], "record", on,
                           _label(f"{number} · {info['title']}"), **scopes, num=1, den=1,
                           detail={"project": number, "accepted_at": acceptance.get(
                               "decided_at"), "published": first.isoformat()})


def _naive(moment):
    """A datetime as naive UTC (database columns are naive UTC)."""
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def accepted_deposits():
    """Recids of deposits a data centre accepted (CD-TD Art. 11)."""
    rows = db.session.execute(select(RequestMetadata.json["topic"]["record"].as_string()).where(
        RequestMetadata.json["type"].as_string() == "deposit-review",
        RequestMetadata.json["status"].as_string() == "accepted"))
    return {r[0] for r in rows if r[0]}


#
# Requests: reviews and requests from outside
#
def _request_rows(types):
    """``(id, json, created, updated)`` of the requests of ``types``."""
    query = select(RequestMetadata.id, RequestMetadata.json, RequestMetadata.created,
                   RequestMetadata.updated).where(
        RequestMetadata.json["type"].as_string().in_(list(types)))
    return db.session.execute(query)


def returned_requests():
    """Ids of requests returned at least once (their ``returned`` log events)."""
    rows = db.session.execute(select(RequestEventModel.request_id).where(
        RequestEventModel.type == "L",
        RequestEventModel.json["payload"]["event"].as_string() == "returned").distinct())
    return {str(r[0]) for r in rows}


def decision_dates():
    """When each request was accepted or declined (its log event), by request id."""
    rows = db.session.execute(select(RequestEventModel.request_id, RequestEventModel.created)
                              .where(RequestEventModel.type == "L",
                                     RequestEventModel.json["payload"]["event"].as_string()
                                     .in_(["accepted", "declined"])))
    return {str(rid): created for rid, created in rows}


def _request_scopes(world, data):
    """Scopes of a request: its record's, its receiving centre, a named entity."""
    payload = data.get("payload") or {}
    topic = data.get("topic") or {}
    recid = topic.get("record") or payload.get("record")
    info = dict(world.record_scopes(recid)) if recid else {}
    for ref in (data.get("receiver") or {}, data.get("created_by") or {}):
        community = ref.get("community")
        if community and world.communities.get(str(community)):
            info["centre"] = world.communities[str(community)]
            break
    if not info.get("entity") and payload.get("entity"):
        info["entity"] = payload["entity"]
    return _scopes(info), recid


def _label_of(data, rid):
    """A request's label: its number and title."""
    number = data.get("number") or ""
    return _label(f"{number} {data.get('title') or ''}".strip() or rid)


def review_facts(world, year):
    """Deposit and confidentiality reviews: on time, days, returns, declines, fails."""
    returned = returned_requests()
    decisions = decision_dates()
    bases = {"deposit-review": "reviews.deposit",
             "confidentiality-review": "reviews.confidentiality"}
    for rid, data, created, updated in _request_rows(bases):
        rid = str(rid)
        rtype, status = data.get("type"), data.get("status")
        payload = data.get("payload") or {}
        scopes, recid = _request_scopes(world, data)
        label = _label_of(data, rid)
        received = _day(payload.get("received_on")) or _day(created)
        due = _day(payload.get("due_date"))
        detail = {"type": rtype, "status": status, "record": recid,
                  "received_on": received.isoformat() if received else None,
                  "due_date": due.isoformat() if due else None}
        if rtype == "deposit-review" and received and received.year == year:
            yield Fact("reviews.deposit_returns", rid, "request", received, label, **scopes,
                       num=1 if rid in returned else 0, den=1, detail=detail)
        decided = None
        if status in ("accepted", "declined"):
            decided = (_day(payload.get("decided_at")) or _day(decisions.get(rid))
                       or _day(updated))
            outcome = {"deposit-review": ("reviews.deposit_declines", "declined"),
                       "confidentiality-review": ("reviews.confidentiality_fails", "declined")}
            basis, bad = outcome[rtype]
            if decided.year == year:
                yield Fact(basis, rid, "request", decided, label, **scopes,
                           num=1 if status == bad else 0, den=1,
                           detail={**detail, "decided_on": decided.isoformat()})
        fact = _timeliness(world, bases[rtype], rid, label, scopes, received, due, decided,
                           status in OPEN_STATUSES, year, detail)
        if fact is not None:
            yield fact


def _timeliness(world, basis, rid, label, scopes, received, due, answered, running, year,
                detail, paused_days=0):
    """The on-time fact of an answer (or of a running clock past its due date), or None."""
    if answered is not None:
        if answered.year != year:
            return None
        days = world.working_days(received, answered) - paused_days if received else None
        late_by = world.working_days(due, answered) if due and answered > due else 0
        return Fact(basis, rid, "request", answered, label, **scopes,
                    num=0 if late_by else 1, den=1, days=days,
                    detail={**detail, "answered_on": answered.isoformat(),
                            "days_late": late_by})
    if running and due and due < world.on and due.year == year:
        return Fact(basis, rid, "request", due, label, **scopes, num=0, den=1,
                    detail={**detail, "answered_on": None,
                            "days_late": world.working_days(due, world.on)})
    return None


def _paused_days(world, payload):
    """Working days a request's clock was paused (returned to the applicant)."""
    total = 0
    for pause in payload.get("pauses") or []:
        try:
            start, end = _day(pause[0]), _day(pause[1])
        except (IndexError, TypeError, ValueError):
            continue
        if start and end:
            total += max(world.working_days(start, end), 0)
    return total


def access_facts(world, year):
    """Requests from outside per type: received, on time, days, decisions, services."""
    types = [t for t, _name, _article in REQUEST_TYPES]
    for rid, data, created, updated in _request_rows(types):
        rid = str(rid)
        rtype, status = data.get("type"), data.get("status")
        payload = data.get("payload") or {}
        scopes, recid = _request_scopes(world, data)
        label = _label_of(data, rid)
        received = _day(payload.get("received_on"))
        due = _day(payload.get("due_date"))
        detail = {"type": rtype, "status": status, "record": recid,
                  "received_on": received.isoformat() if received else None,
                  "due_date": due.isoformat() if due else None}
        if received is None:
            continue  # never submitted: nobody had to answer
        if received.year == year:
            yield Fact(f"requests.received.{rtype}", rid, "request", received, label, **scopes,
                       den=1, detail={"status": status, "record": recid})
        answered = None
        if status not in ENDED_UNANSWERED and status not in OPEN_STATUSES \
                and status != "returned":
            answered = _day(payload.get("answered_on")) or _day(updated)
        fact = _timeliness(world, f"requests.answers.{rtype}", rid, label, scopes, received,
                           due, answered, status in OPEN_STATUSES
                           and payload.get("clock") != "paused", year, detail,
                           paused_days=_paused_days(world, payload) if answered else 0)
        if fact is not None:
            yield fact
        if answered is None or answered.year != year:
            continue
        outcome = {**detail, "answered_on": answered.isoformat()}
        if rtype in GRANTING_TYPES and status in ("accepted", "declined"):
            yield Fact("requests.decisions", rid, "request", answered, label, **scopes,
                       num=1 if status == "accepted" else 0, den=1, detail=outcome)
        elif rtype == "appeal" and status in ("accepted", "declined"):
            yield Fact("requests.overturned", rid, "request", answered, label, **scopes,
                       num=1 if status == "accepted" else 0, den=1, detail=outcome)
        elif rtype == "correction" and status in ("accepted", "declined"):
            fixed = ((payload.get("decision") or {}).get("outcome") == "fixed"
                     and status == "accepted")
            yield Fact("requests.corrections_fixed", rid, "request", answered, label,
                       **scopes, num=1 if fixed else 0, den=1, detail=outcome)
        elif rtype == "data-service":
            delivered = status == "delivered"
            on = _day((payload.get("delivery") or {}).get("at")) or answered
            if on.year != year:
                continue
            yield Fact("use.services_delivered", rid, "request", on, label, **scopes,
                       num=1 if delivered else 0, den=1, detail=outcome)
            if delivered:
                voucher = payload.get("voucher") or {}
                yield Fact("use.vouchers", rid, "request", on, label, **scopes,
                           num=1 if any(str(v).strip() for v in voucher.values()) else 0,
                           den=1, detail={**outcome, "voucher": voucher.get("number")})


#
# Directories (CD-PD Art. 14, 33; QY Art. 8; CD-TD Art. 18)
#
def directory_facts(world, year):
    """Entries changed and released in time, checked, open; the open plan delivered."""
    days = int(current_app.config.get("TECHDATA_DIRECTORY_UPKEEP_DAYS", 15))
    entries = {}
    query = select(DirectoryEntry.entry_id, DirectoryEntry.entity, DirectoryEntry.department,
                   DirectoryEntry.record_pid, DirectoryEntry.in_open, DirectoryEntry.withdrawn,
                   DirectoryEntry.changed_at, DirectoryEntry.last_released_at,
                   DirectoryEntry.last_checked, DirectoryEntry.created, DirectoryEntry.data)
    for (entry_id, entity, department, recid, in_open, withdrawn, changed_at, released_at,
         last_checked, created, data) in db.session.execute(query):
        info = dict(world.record_scopes(recid)) if recid else {}
        info.update({k: v for k, v in (("entity", entity), ("department", department)) if v})
        scopes = _scopes(info)
        label = _label(f"{entry_id} {(data or {}).get('title_zh') or ''}".strip())
        entries[entry_id] = (scopes, in_open and not withdrawn, label)
        changed = _day(changed_at)
        if changed and changed.year == year and not (withdrawn and released_at is None):
            due = world.add_working_days(changed, days)
            released = released_at is not None and released_at >= changed_at
            if released or due < world.on:
                on_time = released and _day(released_at) <= due
                yield Fact("directories.updated_on_time", entry_id, "entry", changed, label,
                           **scopes, num=1 if on_time else 0, den=1,
                           detail={"changed_on": changed.isoformat(), "due_date": due.isoformat(),
                                   "released_on": _day(released_at).isoformat()
                                   if released else None})
        if withdrawn:
            continue
        checked = _day(last_checked)
        yield Fact("directories.checked", entry_id, "entry", checked, label, **scopes,
                   num=1 if checked and checked.year == year else 0, den=1,
                   detail={"last_checked": checked.isoformat() if checked else None})
        yield Fact("directories.openness", entry_id, "entry", _day(created), label, **scopes,
                   num=1 if in_open else 0, den=1, detail={"in_open": bool(in_open)})
    for item in OpenPlanItem.query.filter_by(year=year):
        scopes, opened, label = entries.get(item.entry_id, ({}, False, ""))
        scopes = {**{k: None for k in SCOPED}, **scopes, "entity": item.entity}
        yield Fact("directories.open_plan_delivered", str(item.id), "plan", item.planned_date,
                   _label(item.title or label or str(item.id)), **scopes,
                   num=1 if opened else 0, den=1,
                   detail={"entry_id": item.entry_id, "high_value": item.high_value,
                           "planned_date": item.planned_date.isoformat()})


#
# Use (CD-TD Art. 20, 22; LZ Art. 21, 40)
#
def use_facts(world, year):
    """Views and downloads (InvenioRDM statistics), protected downloads (audit trail)."""
    for basis, event in (("use.views", "record-view"), ("use.downloads", "file-download")):
        for recid, month, count in stats_counts(event, year):
            info = world.record_scopes(recid)
            yield Fact(basis, f"{recid}/{month.isoformat()[:7]}", "record", month,
                       _label(info.get("title") or recid), **_scopes(info), num=count, den=0,
                       detail={"record": recid})
    month = db.func.date_trunc("month", AuditLog.created)
    resource = AuditLog.json["resource"]["id"].as_string()
    query = (select(resource, month, db.func.count())
             .where(AuditLog.action == "techdata.file.download",
                    AuditLog.created >= datetime(year, 1, 1),
                    AuditLog.created < datetime(year + 1, 1, 1))
             .group_by(resource, month))
    for recid, first, count in db.session.execute(query):
        info = world.record_scopes(recid)
        yield Fact("use.conditional_downloads", f"{recid}/{first.date().isoformat()[:7]}",
                   "record", first.date(), _label(info.get("title") or recid),
                   **_scopes(info), num=count, den=0, detail={"record": recid})


def stats_counts(event, year):
    """``(recid, first day of month, count)`` of InvenioRDM's ``event`` events in ``year``."""
    from invenio_search import current_search_client  # noqa: PLC0415 (only when counting)
    from invenio_search.utils import prefix_index  # noqa: PLC0415
    index = prefix_index(f"events-stats-{event}-{year}-*")
    body = {"size": 0, "query": {"range": {"timestamp": {
        "gte": f"{year}-01-01T00:00:00", "lt": f"{year + 1}-01-01T00:00:00"}}},
        "aggs": {"c": {"composite": {"size": 1000, "sources": [
            {"recid": {"terms": {"field": "recid"}}},
            {"month": {"date_histogram": {"field": "timestamp",
                                          "calendar_interval": "month"}}}]}}}}
    after = None
    while True:
        if after:
            body["aggs"]["c"]["composite"]["after"] = after
        try:
            result = current_search_client.search(index=index, body=body,
                                                  ignore_unavailable=True)
        except Exception:  # noqa: BLE001  (no statistics index yet: nothing counted)
            logger.warning("No %s statistics for %s", event, year, exc_info=True)
            return
        agg = (result.get("aggregations") or {}).get("c") or {}
        for bucket in agg.get("buckets") or []:
            month = datetime.utcfromtimestamp(bucket["key"]["month"] / 1000).date()
            yield bucket["key"]["recid"], month, bucket["doc_count"]
        after = agg.get("after_key")
        if not after or not agg.get("buckets"):
            return


#
# Stale data (LZ Art. 30; CD-PD Art. 29)
#
def stale_facts(world, year):
    """Published datasets with a fixed update cycle: stale when the cycle passed."""
    latest = {}
    for info in world.records.values():
        if info["published"]:
            keep = latest.get(info["parent"])
            if keep is None or info["index"] > keep["index"]:
                latest[info["parent"]] = info
    for info in latest.values():
        cycle = CYCLE_DAYS.get(info.get("update_cycle") or "")
        if not cycle:
            continue
        last = _day(info["created"])
        due = last + timedelta(days=cycle)
        stale = due < world.on
        yield Fact("stale.datasets", info["recid"], "record", last, _label(info["title"]),
                   **_scopes(info), num=1 if stale else 0, den=1,
                   detail={"record": info["recid"], "update_cycle": info["update_cycle"],
                           "last_version": last.isoformat(), "due_date": due.isoformat(),
                           "owners": [info["owner"]] if info.get("owner") else []})


#
# Violations (QY Art. 32; CD-TD Art. 27)
#
def violation_register():
    """The register of violations (``audit/``, CD-TD Art. 27; QY Art. 32)."""
    return current_violation_service


def source_available(name):
    """Whether the optional source ``name`` of an indicator exists here."""
    return name != "violations" or violation_register() is not None


def violation_facts(world, year):
    """Findings registered in the year; rectified on time (as of the computation day)."""
    register = violation_register()
    if register is None:
        return
    for v in register.search(system_identity, year=year):
        found, due = _day(v["found_on"]), _day(v["due_on"])
        rectified = _day(v.get("rectified_on"))
        scopes = {**world.project_scopes(v["project"]), "entity": v["entity"]} \
            if v.get("project") else {"entity": v["entity"]}
        label = _label(f"{v.get('kind_label') or v['kind']}: {v.get('description') or ''}")
        detail = {"kind": v["kind"], "article": v.get("article"), "project": v.get("project"),
                  "found_on": found.isoformat(), "due_on": due.isoformat(),
                  "rectified_on": rectified.isoformat() if rectified else None}
        yield Fact("violations.registered", str(v["id"]), "violation", found, label,
                   **_scopes(scopes), num=1, den=1, detail=detail)
        if rectified is not None or due < world.on:
            yield Fact("violations.rectified_on_time", str(v["id"]), "violation", found, label,
                       **_scopes(scopes), num=1 if rectified and rectified <= due else 0,
                       den=1, detail=detail)


BUILDERS = (deposit_facts, review_facts, access_facts, directory_facts, use_facts,
            stale_facts, violation_facts)
"""Fact builders, each ``(world, year) -> facts``."""


#
# Aggregation
#
ALL_PERIODS = ("", "Q1", "Q2", "Q3", "Q4", "H1", "H2")


def percentile(values, q):
    """The ``q`` quantile (0..1) of ``values``, linear interpolation (None if empty)."""
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * q
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)


def _bucket_bases(basis, targets):
    """The bases a fact of ``basis`` counts in: its own and the ``prefix.*`` ones."""
    return [basis] + [t for t in targets if t.endswith(".*") and basis.startswith(t[:-1])]


def aggregate(facts, year):
    """Summary rows of ``facts``: ``{(period, kind, id, key): (value, num, den)}``.

    Facts are first summed per basis, quarter and scope tuple (few groups),
    then each group is added to the year, its quarter and half, for the city
    and each of its scopes.
    """
    wildcard = {i.fact_basis for i in INDICATORS if i.fact_basis.endswith(".*")}
    groups = {}
    for fact in facts:
        quarter = 0 if fact.basis in SNAPSHOT_BASES else (fact.on.month - 1) // 3 + 1
        key = (fact.basis, quarter, *(getattr(fact, k) for k in SCOPED))
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = [0.0, 0.0, []]
        acc[0] += fact.num
        acc[1] += fact.den
        if fact.days is not None:
            acc[2].append(fact.days)
    sums = defaultdict(lambda: [0.0, 0.0, []])
    cache = {}
    for (basis, quarter, *scope_ids), (num, den, days) in groups.items():
        bases = cache.get(basis)
        if bases is None:
            bases = cache[basis] = _bucket_bases(basis, wildcard)
        periods = ALL_PERIODS if quarter == 0 else \
            ("", f"Q{quarter}", "H1" if quarter <= 2 else "H2")
        scopes = [("city", "")] + [(k, v) for k, v in zip(SCOPED, scope_ids) if v]
        for target in bases:
            for period in periods:
                for kind, sid in scopes:
                    acc = sums[(target, period, kind, sid)]
                    acc[0] += num
                    acc[1] += den
                    if days:
                        acc[2].extend(days)
    by_basis = defaultdict(list)
    for indicator in INDICATORS:
        if indicator.recorded:
            by_basis[indicator.fact_basis].append(indicator)
    out = {}
    for (basis, period, kind, sid), (num, den, days) in sums.items():
        for indicator in by_basis.get(basis, ()):
            out[(period, kind, sid, indicator.key)] = value_of(indicator.agg, num, den, days)
    return out


def value_of(agg, num, den, days):
    """``(value, numerator, denominator)`` of an indicator's ``agg`` over summed facts."""
    if agg == "num":
        return num, num, den
    if agg == "den":
        return den, num, den
    if agg == "rest":
        return den - num, den - num, den
    if agg == "ratio":
        return (num / den if den else None), num, den
    q = 0.5 if agg == "median" else 0.9
    return percentile(days, q), None, float(len(days))


FACT_COLUMNS = ("year", "basis", "item", "kind", "label", "on", "entity", "department",
                "centre", "program", "num", "den", "days", "detail")
"""Columns of ``techdata_evaluation_fact`` that :func:`recompute` writes, in order."""

SUMMARY_COLUMNS = ("year", "period", "scope_kind", "scope_id", "key", "value", "numerator",
                   "denominator", "computed_at")
"""Columns of ``techdata_evaluation_summary`` that :func:`recompute` writes, in order."""

_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode
"""A fact's detail as JSON (one encoder for every fact: ``json.dumps`` builds one per call)."""


def fact_rows(facts, year):
    """``facts`` as COPY rows of :data:`FACT_COLUMNS` (tuples; no ``dataclasses.asdict``,
    whose deep copy of every detail took most of the write at 300,000 facts)."""
    for f in facts:
        detail = f.detail
        yield (year, f.basis, f.item, f.kind, f.label, f.on.isoformat() if f.on else None,
               f.entity, f.department, f.centre, f.program, f.num, f.den, f.days,
               None if detail is None else _JSON(detail))


def _copy(table, columns, rows):
    """Write ``rows`` (tuples in ``columns`` order, values as COPY reads them: ISO dates,
    JSON text) into ``table`` with one ``COPY``; returns how many.

    Hundreds of thousands of facts: ``COPY`` in the session's transaction is
    many times faster than batched ``INSERT``s. CSV with every text quoted; an
    empty value of a nullable column is NULL (``FORCE_NULL``), of another one
    an empty text.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    cursor = db.session.connection().connection.cursor()
    try:
        names = ", ".join(f'"{c}"' for c in columns)  # "on" is an SQL keyword
        nullable = ", ".join(f'"{c}"' for c in columns if table.columns[c].nullable)
        force = f", FORCE_NULL ({nullable})" if nullable else ""
        cursor.copy_expert(f"COPY {table.name} ({names}) FROM STDIN WITH (FORMAT csv{force})",
                           buffer)
    finally:
        cursor.close()
    return count


def collect(year, on=None):
    """Every fact of ``year`` (a list), as of ``on`` (default today)."""
    world = World(on or today())
    facts = []
    for builder in BUILDERS:
        facts.extend(builder(world, year))
    return facts


def recompute(year, on=None):
    """Replace the facts and summaries of ``year``; returns ``{"year", "facts", "summaries",
    "seconds", "phases"}``. Commits."""
    started = time.monotonic()
    facts = collect(year, on=on)
    collected = time.monotonic()
    summaries = aggregate(facts, year)
    aggregated = time.monotonic()
    now = utcnow()
    # Derived data, recomputed nightly or on demand: the commit need not wait for the
    # disk (a crash loses at most this recomputation, never corrupts anything).
    db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.execute(EvaluationFact.__table__.delete().where(EvaluationFact.year == year))
    db.session.execute(EvaluationSummary.__table__.delete().where(
        EvaluationSummary.year == year))
    deleted = time.monotonic()
    _copy(EvaluationFact.__table__, FACT_COLUMNS, fact_rows(facts, year))
    copied = time.monotonic()
    stamp = now.isoformat()
    _copy(EvaluationSummary.__table__, SUMMARY_COLUMNS, (
        (year, period, kind, sid, key, value, num, den, stamp)
        for (period, kind, sid, key), (value, num, den) in summaries.items()))
    written = time.monotonic()
    seconds = written - started
    run = db.session.get(EvaluationRun, year) or EvaluationRun(year=year)
    run.computed_at, run.seconds, run.facts = now, seconds, len(facts)
    db.session.add(run)
    db.session.commit()
    done = time.monotonic()
    logger.info("Evaluation %s: %s facts, %s summaries in %.1f s", year, len(facts),
                len(summaries), seconds)
    return {"year": year, "facts": len(facts), "summaries": len(summaries),
            "seconds": round(seconds, 3),
            "phases": {"collect": round(collected - started, 2),
                       "aggregate": round(aggregated - collected, 2),
                       "delete": round(deleted - aggregated, 2),
                       "write_facts": round(copied - deleted, 2),
                       "write_summaries": round(written - copied, 2),
                       "commit": round(done - written, 2)}}
