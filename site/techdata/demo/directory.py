"""Demo directories: catalogued entries, this year's open plan, a published release.

Everything goes through the directory services as the demo users would
through the API: bureau@example.org compiles (CD-TD Art. 7, 19; CD-PD
Art. 33), reviewer@example.org passes the confidentiality reviews with the
whole checklist (CD-TD Art. 24). The services' own checks (roles, compiler
not reviewer, nothing released without a passed review) apply; nothing is
written to the tables directly. Each step is skipped when its result is
already there, so the loader can run any number of times.
"""

from datetime import date

from invenio_accounts.models import User
from invenio_db import db

from ..directory import catalogue, permissions, plan
from ..directory.fields import SOURCE_CATALOGUED
from ..directory.models import DirectoryEntry, OpenPlanItem
from ..directory.records import sync_all
from ..directory.releases.service import releases
from ..kernel.time import today
from ..review.service import CHECKLIST
from .loader import depositor_identity, published_recid, read_yaml

PASS = {
    "decision": "pass",
    "checklist": {item: True for item in CHECKLIST},
    "reasons": "演示数据，已核对无国家秘密、个人信息与商业秘密 / demo data, checked: no state "
               "secret, personal information or commercial secret",
}
"""A passed confidentiality review with the whole checklist (CD-TD Art. 24; CD-PD Art. 40)."""


class DemoRefused(RuntimeError):
    """A demo user lacks the role a step needs (the demo users file is wrong)."""


def _identity(email, allowed, what):
    """The identity of demo user ``email``, checked against ``allowed(identity)``."""
    identity = depositor_identity(User.query.filter_by(email=email).one())
    if not allowed(identity):
        raise DemoRefused(f"{email} may not {what}")
    return identity


def bureau():
    """The tech bureau's demo identity (compiles directories, the plan, releases)."""
    return _identity("bureau@example.org", permissions.is_bureau, "compile the directories")


def reviewer():
    """The confidentiality reviewer's demo identity."""
    return _identity("reviewer@example.org", permissions.is_confidentiality_reviewer,
                     "review confidentiality")


def catalogued_row(title_zh):
    """The catalogued entry titled ``title_zh`` (live first, then withdrawn), or None.

    An entry the bureau withdrew stays withdrawn: the demo does not bring it back.
    """
    return DirectoryEntry.query.filter(
        DirectoryEntry.source == SOURCE_CATALOGUED,
        DirectoryEntry.data["title_zh"].as_string() == title_zh,
    ).order_by(DirectoryEntry.withdrawn, DirectoryEntry.id).first()


def ensure_catalogued(spec):
    """Catalogue the demo entries held elsewhere and review those marked ``pass``.

    Returns the titles catalogued by this run.
    """
    compiler, checker = bureau(), reviewer()
    created = []
    for item in spec:
        title = item["entry"]["title_zh"]
        row = catalogued_row(title)
        if row is None:
            row = catalogue.create(dict(item["entry"]), compiler.id)
            db.session.commit()
            created.append(title)
        if item.get("review") == "pass" and not row.review_passed and not row.withdrawn:
            catalogue.review(row.entry_id, PASS, checker.id)
            db.session.commit()
    return created


def ensure_plan(spec, year=None):
    """This year's open plan items that are missing; returns how many were added."""
    year = year or today().year
    compiler = bureau()
    added = 0
    for item in spec:
        if OpenPlanItem.query.filter_by(year=year, entity=item["entity"],
                                        title=item["title"]).first():
            continue
        month, day = (int(x) for x in item["planned"].split("-"))
        payload = {"year": year, "entity": item["entity"], "title": item["title"],
                   "planned_date": date(year, month, day).isoformat(),
                   "high_value": bool(item.get("high_value")), "note": item.get("note", "")}
        if item.get("record"):
            payload["record"] = published_recid(item["record"])
        if item.get("catalogued"):
            row = catalogued_row(item["catalogued"])
            payload["entry_id"] = row.entry_id if row and not row.withdrawn else None
        plan.create_item(payload, compiler.id)
        db.session.commit()
        added += 1
    return added


def ensure_release(audience="open"):
    """The first published release of the open directory, if there is none yet.

    Compile → submit (bureau) → confidentiality review passed with the
    checklist (reviewer) → publish (bureau), resuming a draft left half-way.
    Returns the number of the release published now, or None.
    """
    if releases.latest(audience) is not None:
        return None
    compiler, checker = bureau(), reviewer()
    draft = releases.current_draft(audience)
    if draft is None or draft.status == "draft":
        releases.compile(compiler, audience)
        draft = releases.submit(compiler, audience)
    if draft.status == "in_review":
        releases.review(checker, audience, PASS)
    return releases.publish(compiler, audience).number


def ensure_directories():
    """Sync the records' entries, then the demo's catalogue, plan and release.

    Returns counts for the CLI.
    """
    spec = read_yaml("directory.yaml")
    counts = sync_all()  # records published before the directory existed get their entries
    return {
        "entries": counts["synced"],
        "catalogued": len(ensure_catalogued(spec["catalogued"])),
        "plan_items": ensure_plan(spec["plan"]),
        "release": ensure_release(),
    }
