"""The evaluation test world (issue 19): two departments, three entities, projects,
deposits, late and on-time reviews and requests, directory changes, use.

Rows are written straight into the tables the computation reads (as the
features would have left them), with the dates chosen in weeks without
Chinese public holidays (March and November 2026), so every expected value
can be worked out by hand in the tests. The computation runs "as of"
:data:`ON` (2026-12-01).

Scopes::

    dept-a: ent-1 (project PRJ-1, programme P1), ent-2 (PRJ-2, P1)
    dept-b: ent-3 (PRJ-3, P2)
    data centre: centre-x (every deposit)
"""

import uuid
from datetime import date, datetime

from flask_principal import Identity, RoleNeed, UserNeed
from invenio_access.permissions import any_user, authenticated_user, system_identity
from invenio_communities.communities.records.models import CommunityMetadata
from invenio_db import db
from invenio_rdm_records.records.models import RDMParentMetadata, RDMRecordMetadata
from invenio_requests.records.models import RequestEventModel, RequestMetadata
from invenio_search import current_search_client
from invenio_search.utils import prefix_index

from techdata.directory.models import DirectoryEntry, OpenPlanItem
from techdata.kernel import audit
from techdata.kernel.scopes import ADMIN, DATA_ADMIN, DEPARTMENT, ENTITY, scope_need
from techdata.projects.records.models import ProjectMetadata

ON = date(2026, 12, 1)
"""The day the computation runs (open requests past their due date are late)."""

YEAR = 2026

CENTRE = "centre-x"

PROJECTS = {
    # number: (entity, department, programme, acceptance_due, plan keys, acceptance)
    "PRJ-1": ("ent-1", "dept-a", "P1", "2026-06-30", ["a", "b"],
              {"decision": "accepted", "decided_at": "2026-07-01T02:00:00+00:00",
               "overridden": True, "override": {"approver": "bureau@test.example.org"}}),
    "PRJ-2": ("ent-2", "dept-a", "P1", "2026-09-30", ["a"], None),
    "PRJ-3": ("ent-3", "dept-b", "P2", "2026-05-31", ["a", "b"],
              {"decision": "accepted", "decided_at": "2026-06-01T02:00:00+00:00",
               "overridden": False}),
}

RECORDS = {
    # recid: (project, plan key, first published (UTC), update cycle)
    "rec-1a": ("PRJ-1", "a", datetime(2026, 3, 1, 2), "monthly"),
    "rec-1c": ("PRJ-1", "c", datetime(2026, 8, 1, 2), None),
    "rec-2a": ("PRJ-2", "a", datetime(2026, 4, 1, 2), "irregular"),
    "rec-3a": ("PRJ-3", "a", datetime(2026, 2, 1, 2), "yearly"),
    "rec-3b": ("PRJ-3", "b", datetime(2026, 2, 1, 2), None),
}


def _request(type_, status, payload, recid=None, community=None, title=""):
    """A request row as invenio-requests stores it."""
    rid = uuid.uuid4()
    data = {"type": type_, "status": status, "title": title or f"{type_} {recid or ''}",
            "payload": payload, "topic": {"record": recid} if recid else {},
            "receiver": {"community": community} if community else {"group": "x"},
            "created_by": {"community": community} if community else {"user": "1"}}
    row = RequestMetadata(id=rid, json=data)
    db.session.add(row)
    db.session.flush()
    return str(rid)


def build_world(owner_id):
    """Write the world; returns ``{"requests": {name: id}, "centre": community id}``."""
    community_id = uuid.uuid4()
    db.session.add(CommunityMetadata(id=community_id, slug=CENTRE, json={"slug": CENTRE}))
    for number, (entity, dept, program, due, plan, acceptance) in PROJECTS.items():
        data = {"number": number, "title_zh": f"项目{number}", "lead_entity": entity,
                "department": dept, "program": program, "acceptance_due": due,
                "status": "accepted" if acceptance else "in-progress",
                "plan": [{"key": k, "title": f"数据集{k}"} for k in plan]}
        if acceptance:
            data["acceptance"] = acceptance
        db.session.add(ProjectMetadata(id=uuid.uuid4(), json=data))
    for recid, (project, key, published, cycle) in RECORDS.items():
        parent_id = uuid.uuid4()
        db.session.add(RDMParentMetadata(id=parent_id, json={
            "id": f"parent-{recid}", "communities": {"default": str(community_id),
                                                     "ids": [str(community_id)]},
            "access": {"owned_by": {"user": str(owner_id)}}}))
        cf = {"cdtd:project": project, "cdtd:project_dataset": key,
              "cdtd:title_zh": f"数据{recid}"}
        if cycle:
            cf["cdtd:update_cycle"] = {"id": cycle}
        db.session.add(RDMRecordMetadata(id=uuid.uuid4(), parent_id=parent_id, index=1,
                                         json={"id": recid, "custom_fields": cf},
                                         created=published, updated=published))
    db.session.flush()
    cid = str(community_id)
    r = {}
    # Deposit reviews: due 5 working days after 2026-03-02 (Mon) = 2026-03-09.
    deposit = {"received_on": "2026-03-02", "due_date": "2026-03-09"}
    r["R1"] = _request("deposit-review", "accepted",
                       {**deposit, "decided_at": "2026-03-06T02:00:00+00:00"}, "rec-1a", cid)
    r["R2"] = _request("deposit-review", "declined", deposit, "rec-2a", cid)
    r["R3"] = _request("deposit-review", "accepted",
                       {**deposit, "decided_at": "2026-03-09T02:00:00+00:00"}, "rec-3a", cid)
    r["R3b"] = _request("deposit-review", "accepted",
                        {**deposit, "decided_at": "2026-03-09T02:00:00+00:00"}, "rec-3b", cid)
    r["R4"] = _request("deposit-review", "submitted",
                       {"received_on": "2026-11-02", "due_date": "2026-11-09"}, "rec-3b", cid)
    db.session.add(RequestEventModel(type="L", request_id=uuid.UUID(r["R2"]),
                                     json={"payload": {"event": "returned"}}))
    # Confidentiality reviews.
    conf = {"received_on": "2026-03-09", "due_date": "2026-03-16"}
    r["C1"] = _request("confidentiality-review", "accepted",
                       {**conf, "decided_at": "2026-03-10T02:00:00+00:00"}, "rec-1a", cid)
    r["C2"] = _request("confidentiality-review", "declined", conf, "rec-3a", cid)
    # A decline without a decision date in the payload is dated by its log event.
    for name, day in (("R2", datetime(2026, 3, 12, 2)), ("C2", datetime(2026, 3, 20, 2))):
        db.session.add(RequestEventModel(type="L", request_id=uuid.UUID(r[name]),
                                         json={"payload": {"event": "declined"}}, created=day))
    # Requests from outside (clock fields as access/clock.py writes them).
    march = {"received_on": "2026-03-02", "clock": "stopped"}
    r["A1"] = _request("conditional-access", "accepted",
                       {**march, "due_date": "2026-03-23", "answered_on": "2026-03-13"},
                       "rec-1a")
    r["A2"] = _request("conditional-access", "declined",
                       {**march, "due_date": "2026-03-23", "answered_on": "2026-03-25"},
                       "rec-3a")
    r["A3"] = _request("conditional-sharing", "accepted",
                       {**march, "due_date": "2026-03-18", "answered_on": "2026-03-12",
                        "pauses": [["2026-03-04", "2026-03-09"]]}, "rec-2a")
    r["A4"] = _request("appeal", "accepted",
                       {"received_on": "2026-03-26", "clock": "stopped",
                        "due_date": "2026-04-10", "answered_on": "2026-03-31"}, "rec-3a")
    november = {"received_on": "2026-11-02", "due_date": "2026-11-16"}
    r["A5"] = _request("correction", "accepted",
                       {**november, "clock": "stopped", "answered_on": "2026-11-06",
                        "decision": {"outcome": "fixed"}}, "rec-1a")
    r["A6"] = _request("data-service", "delivered",
                       {**november, "clock": "stopped", "answered_on": "2026-11-05",
                        "entity": "ent-3", "voucher": {"number": "V-2026-1"},
                        "delivery": {"at": "2026-11-20T02:00:00+00:00"}}, None, cid)
    r["A7"] = _request("opening-application", "submitted",
                       {**november, "clock": "running", "entity": "ent-2"})
    r["A8"] = _request("conditional-access", "cancelled",
                       {**march, "due_date": "2026-03-23", "answered_on": "2026-03-03"},
                       "rec-1a")
    # Directory entries (15 working days to release a change, CD-PD Art. 14).
    entries = (
        # id, entity, dept, changed (UTC), released, in_open, withdrawn, last checked
        ("x1", "ent-1", "dept-a", datetime(2026, 3, 2, 3), datetime(2026, 3, 10, 3), True,
         False, datetime(2026, 5, 1, 3)),
        ("x2", "ent-2", "dept-a", datetime(2026, 3, 2, 3), datetime(2026, 4, 1, 3), False,
         False, datetime(2025, 5, 1, 3)),
        ("x3", "ent-3", "dept-b", datetime(2026, 11, 20, 3), None, True, False,
         datetime(2026, 2, 1, 3)),
        ("x4", "ent-3", "dept-b", datetime(2026, 3, 2, 3), None, False, True,
         datetime(2026, 2, 1, 3)),
    )
    for entry_id, entity, dept, changed, released, in_open, withdrawn, checked in entries:
        db.session.add(DirectoryEntry(
            entry_id=entry_id, source="catalogued", entity=entity, department=dept,
            in_open=in_open, withdrawn=withdrawn, data={"title_zh": f"条目{entry_id}"},
            changed_at=changed, last_released_at=released, last_checked=checked,
            created=datetime(2026, 1, 10)))
    for entity, entry_id, title in (("ent-1", "x1", "计划一"), ("ent-2", "x2", "计划二"),
                                    ("ent-3", None, "计划三")):
        db.session.add(OpenPlanItem(year=YEAR, entity=entity, entry_id=entry_id, title=title,
                                    planned_date=date(2026, 6, 30)))
    add_violations()
    db.session.commit()
    # A download of protected data, recorded by the audit trail (now, this year).
    audit.log("techdata.file.download", "rec-3a", identity=system_identity,
              details={"file": "data.csv"})
    return {"requests": r, "centre": cid}


def add_violations():
    """Three findings when the register of violations is installed (``audit/``):
    V1 rectified on time, V2 open past its deadline, V3 open and not yet due."""
    try:
        from techdata.audit.models import Violation  # noqa: PLC0415 (optional feature)
    except ImportError:
        return False
    for entity, project, found, due, rectified in (
            ("ent-1", None, date(2026, 3, 2), date(2026, 3, 23), date(2026, 3, 20)),
            ("ent-3", "PRJ-3", date(2026, 4, 1), date(2026, 4, 22), None),
            ("ent-2", None, date(2026, 11, 25), date(2026, 12, 16), None)):
        db.session.add(Violation(
            entity=entity, project=project, kind="other", article="CD-TD Art. 27",
            found_on=found, description="测试", rectify_days=15, due_on=due,
            status="rectified" if rectified else "open", rectified_on=rectified,
            follow_up=[]))
    return True


STATS_INDICES = ("events-stats-record-view-2026-03", "events-stats-file-download-2026-03")


def index_stats():
    """Four views (rec-1a three times in March, rec-3a once) and two downloads of rec-1a."""
    mapping = {"mappings": {"properties": {"recid": {"type": "keyword"},
                                           "timestamp": {"type": "date"}}}}
    docs = {"events-stats-record-view-2026-03": [("rec-1a", "2026-03-03T10:00:00")] * 3
            + [("rec-3a", "2026-03-20T10:00:00")],
            "events-stats-file-download-2026-03": [("rec-1a", "2026-03-04T10:00:00")] * 2}
    for name, rows in docs.items():
        index = prefix_index(name)
        if current_search_client.indices.exists(index=index):
            current_search_client.indices.delete(index=index)
        current_search_client.indices.create(index=index, body=mapping)
        for recid, stamp in rows:
            current_search_client.index(index=index, body={"recid": recid, "timestamp": stamp})
        current_search_client.indices.refresh(index=index)


def drop_stats():
    """Remove the statistics indices of :func:`index_stats`."""
    for name in STATS_INDICES:
        current_search_client.indices.delete(index=prefix_index(name), ignore=[404])


def identity_with(*needs, user_id=99):
    """An identity holding ``needs`` (scope needs, roles)."""
    identity = Identity(user_id)
    identity.provides.update({UserNeed(user_id), any_user, authenticated_user, *needs})
    return identity


def department_admin(dept):
    """The identity of an administrator of department ``dept``."""
    return identity_with(RoleNeed("department-admin"), scope_need(DEPARTMENT, dept, ADMIN))


def entity_admin(entity):
    """The identity of a data administrator of entity ``entity``."""
    return identity_with(RoleNeed("entity-admin"), scope_need(ENTITY, entity, DATA_ADMIN))
