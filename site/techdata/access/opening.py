"""Request type ``opening-application``: open data not yet in the open directory.

CD-PD Art. 34, LZ Art. 23: anyone may ask for data outside the open directory
(or listed but not opened) to be opened, stating the purpose and the secrecy
conditions; the providing entity answers within 10 days (working days here,
``TECHDATA_ACCESS_DEADLINES["opening-application"]``): open it and list it,
or refuse with reasons (which can be appealed, ``appeal.py``).

What the application names:

* a **record** that is not openly available (不予开放 or 有条件开放): the
  receiver is its provider (data-centre community, else owner); or
* a **free description** of data held by an entity: the receiver is the data
  centre the applicant chooses (the city centre by default).

The rule for a grant (CD-TD Art. 24: nothing is opened without a passed
confidentiality review):

* For a record, granting changes its opening type to 无条件开放 in a new
  draft (metadata and files public) and opens a **confidentiality review** of
  that draft (``review.requests.open_confidentiality_review``), which the
  confidentiality reviewers decide on their own clock. Passing it publishes
  the record openly, which lists it in the open directory; failing it keeps
  the published record as it was (the edit's draft stays, for its owner to
  discard or change). The application records the review's id
  (``payload.opening``), so the applicant and the bureau can follow it. The
  curator who grants cannot also pass the review.
* For a description, the provider first deposits and opens the data through
  the normal deposit path (deposit review + confidentiality review), then
  grants naming that published, unconditionally open record; a grant naming
  anything else is refused.
"""

from invenio_access.permissions import system_identity
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_rdm_records.records.api import RDMDraft
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..kernel.i18n import _, bilingual
from ..kernel.labels import NAMESPACE, NOT_OPENED, cf_value
from ..review.requests import open_confidentiality_review
from . import registry
from .applying import file_request
from .base import (
    ClockedDecisionAction,
    ClockedRequestType,
    Filing,
    RefuseAction,
    actions_with,
    payload_fields,
)
from .common import REQUIRED, TEXT, published_record, readable_title, refuse
from .receivers import data_centre, provider_of

NOT_OPEN = (NOT_OPENED, "conditional")
"""Opening types an application can ask to open: 不予开放, 有条件开放."""

CF = f"{NAMESPACE}:"
"""Prefix of the domain's custom fields."""


def opening_type(record):
    """The ``cdtd:opening_type`` id of a draft or record (default unconditional)."""
    return (cf_value(record, "opening_type") or {}).get("id") or "unconditional"


class OpeningApplicationSchema(Schema):
    """What an applicant states (CD-PD Art. 34; LZ Art. 23: purpose, secrecy conditions)."""

    record = fields.String()
    community = fields.String()
    entity = fields.String(validate=validate.Length(max=500))
    description = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    purpose = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    security = fields.String(validate=validate.Length(max=4000))

    @validates_schema
    def _record_or_entity(self, data, **kwargs):
        """Without a record, say which entity holds the data."""
        if not data.get("record") and not (data.get("entity") or "").strip():
            raise ValidationError(
                bilingual(_("Name a dataset, or the entity that holds the data (CD-PD Art. "
                            "34).")), "entity")


class OpeningGrantSchema(Schema):
    """A grant; for a described (not recorded) dataset, the record now listed."""

    record = fields.String()
    comment = fields.String()


class OpeningGrantAction(ClockedDecisionAction):
    """Grant: open the record through a confidentiality review, or link the listed record."""

    status_to = "accepted"
    decision_schema = OpeningGrantSchema

    def apply(self, identity, uow, decision):
        """CD-TD Art. 24: the record is opened only by a passed confidentiality review."""
        payload = dict(self.request["payload"])
        if payload.get("record"):
            payload["opening"] = open_record(self.request, identity, uow)
        else:
            if not decision.get("record"):
                refuse(_("Name the published, openly listed dataset that answers the "
                         "application (CD-PD Art. 34)."), "record")
            record = published_record(decision["record"])
            if opening_type(record) != "unconditional":
                refuse(_("That dataset is not unconditionally open yet: open it through the "
                         "deposit and confidentiality reviews first (CD-TD Art. 24)."), "record")
            payload["opening"] = {"record": str(record.pid.pid_value), "listed": True}
        self.request["payload"] = payload


def open_record(request, identity, uow):
    """A 无条件开放 draft of the topic record and its confidentiality review."""
    recid = request["payload"]["record"]
    record = published_record(recid)
    if has_open_draft(recid):
        refuse(_("The dataset has unpublished changes: publish or discard them before "
                 "granting, so that no unreviewed change is opened with it (CD-TD Art. 24)."),
               "record")
    records_service.edit(system_identity, recid, uow=uow)
    doc = records_service.read_draft(system_identity, recid).to_dict()
    cf = doc.setdefault("custom_fields", {})
    cf[f"{CF}opening_type"] = {"id": "unconditional"}
    for key in ("opening_reason", "opening_legal_basis"):
        cf.pop(f"{CF}{key}", None)
    doc["access"] = {**doc.get("access", {}), "record": "public", "files": "public"}
    result = records_service.update_draft(system_identity, recid, doc, uow=uow)
    errors = [e for e in (result.errors or [])
              if str(e.get("field", "")).startswith(("custom_fields", "access"))]
    if errors:
        raise ValidationError({e["field"]: e["messages"] for e in errors})
    draft = RDMDraft.pid.resolve(recid, registered_only=False)
    creator = provider_of(record)
    review = open_confidentiality_review(draft, request, identity, creator, uow)
    return {"record": recid, "confidentiality_review": str(review.id), "listed": False}


def has_open_draft(recid):
    """True when the published record ``recid`` has an edit in progress."""
    try:
        RDMDraft.pid.resolve(recid, registered_only=False)
    except Exception:  # no live draft (deleted on publication)
        return False
    return True


class OpeningApplication(ClockedRequestType):
    """Application to open data not yet in the open directory (CD-PD Art. 34; LZ Art. 23)."""

    type_id = "opening-application"
    name = _("Opening application")

    payload_schema = payload_fields("record", "entity", "description", "purpose", "security",
                                    opening=fields.Dict())
    available_actions = actions_with(grant=OpeningGrantAction, refuse=RefuseAction)

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The application, for the record's provider or the chosen data centre.

        The stored title names the dataset by the id the applicant gave, with
        its title only if the applicant may read the record (CD-TD Art. 18, 24).
        """
        data = OpeningApplicationSchema().load(data)
        payload = {k: data[k] for k in ("entity", "description", "purpose", "security")
                   if data.get(k)}
        topic = None
        if data.get("record"):
            topic = published_record(data["record"])
            if opening_type(topic) not in NOT_OPEN:
                refuse(_("This dataset is already unconditionally open: download it "
                         "directly."), "record")
            receiver = provider_of(topic)
            payload["record"] = str(topic.pid.pid_value)
            about = readable_title(identity, topic)
        else:
            receiver = data_centre(data.get("community"))
            about = data["description"]
        return Filing(payload=payload, receiver=receiver, topic=topic,
                      title=f"{registry.get(cls.type_id).names}: {about}")


def apply_for_opening(identity, data, on=None):
    """File an opening application; returns the submitted request item."""
    return file_request(identity, OpeningApplication.type_id, data or {}, on=on)
