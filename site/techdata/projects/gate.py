"""``AcceptanceGate``: may this project pass its acceptance review? (CD-TD Art. 15)

"先汇交科技数据、再验收": a funded project passes acceptance only when its data
is deposited. The gate lists each condition with pass/fail and a bilingual
reason:

- ``plan``: the project data directory (deposit plan) exists (LZ Art. 12);
- ``dataset:<key>``: each planned dataset is published here, linked to the
  project, and went through a data centre's deposit review (CD-TD Art. 11);
- ``confidentiality``: every linked deposit that opens data passed its
  confidentiality review (CD-TD Art. 24), none is still waiting for one;
- ``certificate``: the deposit certificate (汇交凭证) was issued.
"""

from invenio_rdm_records.records.api import RDMRecord
from invenio_rdm_records.records.models import RDMDraftMetadata, RDMRecordMetadata
from invenio_requests.records.models import RequestMetadata

from flask_babel import get_locale

from ..kernel.i18n import _, bilingual
from ..review.gate import needs_confidentiality_review, reviews_of

PROJECT_CF = "cdtd:project"
DATASET_CF = "cdtd:project_dataset"


def _cf(model, name):
    """SQL expression for a ``custom_fields`` value of a record model."""
    return model.json[("custom_fields", name)].as_string()


def linked_records(number):
    """Latest published versions linked to the project, ``[(model, json)]``."""
    rows = RDMRecordMetadata.query.filter(
        _cf(RDMRecordMetadata, PROJECT_CF) == number,
        RDMRecordMetadata.is_deleted.is_(False),
    ).all()
    latest = {}
    for row in rows:
        keep = latest.get(row.parent_id)
        if keep is None or (row.index or 0) > (keep.index or 0):
            latest[row.parent_id] = row
    return list(latest.values())


def pending_drafts(number):
    """Live drafts linked to the project (new deposits and pending edits)."""
    return RDMDraftMetadata.query.filter(
        _cf(RDMDraftMetadata, PROJECT_CF) == number,
        RDMDraftMetadata.is_deleted.is_(False),
    ).all()


def deposit_review_accepted(recid):
    """True when a data centre accepted the deposit of ``recid`` (CD-TD Art. 11)."""
    return RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == "deposit-review",
        RequestMetadata.json["status"].as_string() == "accepted",
        RequestMetadata.json[("topic", "record")].as_string() == recid,
    ).count() > 0


class PlannedDataset:
    """A planned dataset as each language's reason names it: “its title” in Chinese,
    'its plan key' in English (formatted into a message while its locale is forced)."""

    def __init__(self, item):
        """``item``: the deposit-plan entry (``key``, ``title``)."""
        self.item = item

    def __str__(self):
        """The name for the current locale."""
        locale = get_locale()
        if locale is not None and locale.language == "zh":
            return f"“{self.item['title']}”"
        return f"'{self.item['key']}'"


def _condition(cid, passed, message, **extra):
    """One gate condition; ``message`` (a msgid) becomes the bilingual ``reason``."""
    return {"id": cid, "passed": bool(passed), "reason": bilingual(message), **extra}


class AcceptanceGate:
    """The conditions of a project's acceptance, evaluated from stored facts."""

    def __init__(self, project, certificate_lookup=None):
        """``project`` is the project record (dict-like)."""
        self.project = project
        self.number = project["number"]
        self.certificate_lookup = certificate_lookup
        self._linked = None

    def linked(self):
        """Published records linked to the project (queried once per gate)."""
        if self._linked is None:
            self._linked = linked_records(self.number)
        return self._linked

    def records(self):
        """Published records linked to the project, by plan key."""
        by_key = {}
        for row in self.linked():
            key = ((row.json.get("custom_fields") or {}).get(DATASET_CF)) or ""
            by_key.setdefault(key, []).append(row)
        return by_key

    def conditions(self):
        """Every condition, each with ``passed`` and a bilingual ``reason``."""
        plan = self.project.get("plan") or []
        out = [_condition(
            "plan", plan,
            _("the deposit plan (project data directory) exists") if plan
            else _("no deposit plan (project data directory), LZ Art. 12"),
        )]
        by_key = self.records()
        for item in plan:
            rows = by_key.get(item["key"], [])
            dataset = PlannedDataset(item)
            reviewed = [r for r in rows if deposit_review_accepted(r.json["id"])]
            if reviewed:
                recid = reviewed[0].json["id"]
                out.append(_condition(
                    f"dataset:{item['key']}", True,
                    _("%(dataset)s deposited and accepted by a data centre (%(recid)s)",
                      dataset=dataset, recid=recid),
                    records=[r.json["id"] for r in reviewed]))
            elif rows:
                out.append(_condition(
                    f"dataset:{item['key']}", False,
                    _("%(dataset)s is published but no data centre accepted it",
                      dataset=dataset),
                    records=[r.json["id"] for r in rows]))
            else:
                out.append(_condition(
                    f"dataset:{item['key']}", False,
                    _("%(dataset)s is not deposited yet", dataset=dataset)))
        out.append(self._confidentiality())
        out.append(self._certificate())
        return out

    def _confidentiality(self):
        """Linked deposits that open data passed their confidentiality review."""
        missing = []
        for row in self.linked():
            if needs_confidentiality_review(row.json):
                parent = RDMRecord.get_record(row.id).parent.pid.pid_value
                passed = [r for r in reviews_of(parent, "accepted")
                          if (r.json.get("payload") or {}).get("decision") == "pass"]
                if not passed:
                    missing.append(row.json["id"])
        waiting = [d.json.get("id") for d in pending_drafts(self.number)
                   if needs_confidentiality_review(d.json)]
        ok = not missing and not waiting
        return _condition(
            "confidentiality", ok,
            _("every deposit to be opened passed its confidentiality review (CD-TD Art. 24)")
            if ok else _("some deposits to be opened have no passed confidentiality review"),
            records=missing + waiting)

    def _certificate(self):
        """The deposit certificate was issued."""
        cert = self.certificate_lookup(self.number) if self.certificate_lookup else None
        return _condition(
            "certificate", cert is not None,
            _("deposit certificate %(cert)s issued", cert=cert) if cert
            else _("no deposit certificate yet"),
            certificate=cert)

    def evaluate(self):
        """``{"project", "passed", "conditions"}``."""
        conditions = self.conditions()
        return {
            "project": self.number,
            "passed": all(c["passed"] for c in conditions),
            "conditions": conditions,
        }

    def deposits_complete(self, conditions=None):
        """All conditions but the certificate pass: a certificate may be issued."""
        conditions = conditions or self.conditions()
        return all(c["passed"] for c in conditions if c["id"] != "certificate")
