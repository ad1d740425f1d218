"""Conditional-open access (有条件开放申请): apply, return, grant or refuse, in 15 working days.

QY Art. 24; LZ Art. 25-26: a company or person applies for data whose opening
type is 有条件开放 (conditional), stating who they are (name, organisation,
its unified social credit code, contact), purpose, intended use, security
means and term, and accepting the dataset's data-use agreement
(``agreements.py``). The providing entity answers within 15 working days
(``TECHDATA_ACCESS_DEADLINES``): grants (download and/or API token, until the
end of the term; ``grants.py``), refuses with a reason, or returns the
application for more information (the clock pauses; the applicant answers
the same request and the clock resumes).

The providing entity (the request's receiver) is the record's data-centre
community (its owners, managers and curators) or, for a record in no
community, the record's owner.

The applicant acts for the entity whose credit code the application gives
(issue 18; LZ Art. 9, 26; CD-TD Art. 8): when the platform knows that entity,
only an account with a VERIFIED membership there may apply on its behalf, and
the request and the accepted agreement carry the verified entity
(``payload["entity"]``); a code the platform does not know yet is stored as
``verified: false`` for the provider to weigh.
"""

from datetime import date

from marshmallow import (
    EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates, validates_schema,
)

from invenio_access.permissions import system_identity

from ..entities.proxies import current_entities_service
from ..kernel.i18n import _, bilingual, lazy_bilingual
from ..kernel.labels import cf_value
from ..kernel.scopes import ENTITY, holds_scope
from ..kernel.time import today
from . import agreements, registry
from .applying import file_request
from .base import ClockedDecisionAction, ClockedRequestType, Filing, RefuseAction
from .common import REQUIRED, SHORT, TEXT, published_record, readable_title, refuse
from .grants import MODES, give_access
from .receivers import provider_of

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a unified social credit code (GB 32100-2015; no I, O, S, V, Z)."""

USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""Weights of positions 1-17 for the check character (GB 32100-2015)."""

def uscc_is_valid(code):
    """True if ``code`` is an 18-character unified social credit code with a correct check."""
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


class TermMixin:
    """Term of use: start and end dates, end not before start nor before today."""

    @validates_schema
    def _term(self, data, **kwargs):
        """The term is a real period that has not ended."""
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            raise ValidationError(bilingual(_("The term ends before it starts.")),
                                  "term_end")
        if end and end < today():
            raise ValidationError(bilingual(_("The term has already ended.")), "term_end")


class TermApplicationSchema(Schema, TermMixin):
    """What every application for a term of use gives (conditional access and sharing):
    who applies, for what, and the term."""

    class Meta:
        """Fields the form does not know (e.g. a comment) are ignored."""

        unknown = EXCLUDE

    applicant_name = fields.String(required=True, validate=SHORT, error_messages=REQUIRED)
    organisation = fields.String(required=True, validate=SHORT, error_messages=REQUIRED)
    contact = fields.String(required=True, validate=SHORT, error_messages=REQUIRED)
    purpose = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    term_start = fields.Date(required=True, error_messages=REQUIRED)
    term_end = fields.Date(required=True, error_messages=REQUIRED)


class ApplicationSchema(TermApplicationSchema):
    """A conditional-access application (QY Art. 24; LZ Art. 25-26)."""

    uscc = fields.String(required=True, error_messages=REQUIRED)
    intended_use = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    security_means = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    agreement_version = fields.Integer(load_default=None)
    agreement_sha256 = fields.String(load_default=None)
    accept_agreement = fields.Boolean(load_default=False)

    @validates("uscc")
    def _uscc(self, value, **kwargs):
        """GB 32100-2015: 18 characters, the last one a check character."""
        if not uscc_is_valid(value):
            raise ValidationError(
                bilingual(_("Invalid unified social credit code (GB 32100-2015: 18 "
                            "characters, the last a check character).")))

    @post_load
    def _upper(self, data, **kwargs):
        """The code is stored as written on the licence: upper case, no spaces."""
        if data.get("uscc"):
            data["uscc"] = data["uscc"].strip().upper()
        return data


class GrantSchema(Schema):
    """A grant: how access is given and until when (default: the applied term's end)."""

    class Meta:
        """Fields of the other decisions in the same form are ignored."""

        unknown = EXCLUDE

    modes = fields.List(
        fields.String(validate=validate.OneOf(MODES, error=lazy_bilingual(_("Unknown mode.")))),
        required=True,
        validate=validate.Length(min=1, error=lazy_bilingual(_("Choose at least one mode."))),
        error_messages=REQUIRED)
    term_end = fields.Date(load_default=None)
    comment = fields.String(load_default="", validate=validate.Length(max=4000))


#
# Actions
#
class GrantAction(ClockedDecisionAction):
    """Grant: the applicant alone gets the dataset's files until the term ends."""

    status_to = "accepted"
    decision_schema = GrantSchema

    def apply(self, identity, uow, decision):
        """Give access (``grants.give_access``) and record the grant in the payload."""
        payload = dict(self.request["payload"])
        applied_end = date.fromisoformat(payload["term_end"])
        term_end = decision.get("term_end") or applied_end
        if term_end > applied_end:
            refuse(_("The grant cannot last longer than the term applied for."), "term_end")
        if term_end < today():
            refuse(_("The grant's term has already ended."), "term_end")
        record = published_record(payload["record"])
        payload["grant"] = give_access(self.request, record, decision["modes"], term_end, uow)
        self.request["payload"] = payload
        decision["term_end"] = term_end


class GrantingRequestType(ClockedRequestType):
    """A clocked request about a dataset that ends in a grant or a refusal.

    Filed from the dataset's page with the application (``application_schema``)
    and, where the type asks for it, the acceptance of the data-use agreement;
    one open request per applicant and dataset.
    """

    topic_can_be_none = False
    terms_field = None
    """The ``cdtd:`` field that must be ``conditional`` for the type to apply."""
    wrong_record = ""
    """The refusal when the dataset's ``terms_field`` is not ``conditional``."""
    available_actions = {
        **ClockedRequestType.available_actions,
        "grant": GrantAction,
        "refuse": RefuseAction,
    }
    payload_schema = {
        **ClockedRequestType.payload_schema,
        "record": fields.String(),
        "parent": fields.String(),
        "applicant_name": fields.String(),
        "organisation": fields.String(),
        "contact": fields.String(),
        "purpose": fields.String(),
        "term_start": fields.String(),
        "term_end": fields.String(),
        "agreement": fields.Dict(),
        "grant": fields.Dict(),
        "refusal_reason": fields.String(),
    }

    @classmethod
    def check_applicant(cls, identity):
        """Refuse an applicant the type is not for (anyone may, by default)."""

    @classmethod
    def acceptance(cls, record, loaded):
        """The acceptance of the agreement stored with the application (none by default)."""
        return None

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The application about ``data["record"]``, for its providing entity."""
        data = dict(data)
        recid = data.pop("record", None)
        if not recid:
            refuse(_("Required."), "record")
        cls.check_applicant(identity)
        record = published_record(recid)
        if (cf_value(record, cls.terms_field) or {}).get("id") != "conditional":
            refuse(cls.wrong_record, "record")
        loaded = cls.application_schema().load(data)
        acceptance = cls.acceptance(record, loaded)
        return Filing(
            payload=application_payload(record, loaded, acceptance),
            receiver=provider_of(record), topic=record, one_open_per_record=True,
            title=f"{registry.get(cls.type_id).names}: {readable_title(identity, record)}",
        )

    @classmethod
    def reapply(cls, request, data):
        """The payload of a returned application answered with changed ``data``."""
        payload = dict(request["payload"])
        record = published_record(payload["record"])
        keep = set(cls.application_schema().fields) - set(AGREEMENT_FIELDS)
        loaded = cls.application_schema().load(
            {**{k: v for k, v in payload.items() if k in keep}, **(data or {})})
        payload.update(application_payload(record, loaded, cls.acceptance(record, loaded)))
        return payload


AGREEMENT_FIELDS = ("agreement_version", "agreement_sha256", "accept_agreement")
"""Fields of an application that accept the agreement (not stored as such)."""


def application_payload(record, data, acceptance):
    """The payload stored for an application (dates as ISO strings)."""
    out = {k: (v.isoformat() if isinstance(v, date) else v.strip() if isinstance(v, str) else v)
           for k, v in data.items() if k not in AGREEMENT_FIELDS}
    out.update(record=record.pid.pid_value, parent=str(record.parent.pid.pid_value))
    if acceptance is not None:
        out["agreement"] = acceptance
    return out


def applicant_entity(identity, code):
    """The entity the applicant acts for, by its credit ``code`` (issue 18; LZ Art. 9, 26).

    A bilingual 400 naming ``uscc`` when the platform knows the entity and the
    applicant holds no verified membership there (CD-TD Art. 8).
    """
    entity_id = current_entities_service.resolve_entity(code)
    if entity_id is None:
        return {"credit_code": code, "verified": False}
    if not holds_scope(identity, ENTITY, entity_id):
        refuse(_("You may apply for this entity only once its data administrator or the tech "
                 "bureau has verified your membership (LZ Art. 9, 26; CD-TD Art. 8): ask to "
                 "join it under “My entities”."), "uscc")
    entity = current_entities_service.read_entity(system_identity, entity_id)
    return {"id": entity_id, "credit_code": code, "name_zh": entity.get("name_zh"),
            "name_en": entity.get("name_en"), "verified": True}


class ConditionalAccess(GrantingRequestType):
    """有条件开放申请: conditional-open access to a dataset (QY Art. 24; LZ Art. 25-26)."""

    type_id = "conditional-access"
    name = _("Conditional access")
    application_schema = ApplicationSchema
    terms_field = "opening_type"
    wrong_record = lazy_bilingual(_(
        "Only datasets opened on conditions (有条件开放) take applications: "
        "unconditionally open data is downloaded directly, data not opened cannot be "
        "applied for."))

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The application, carrying the entity the applicant acts for (issue 18)."""
        filing = super().prepare(identity, data, on=on)
        entity = applicant_entity(identity, filing.payload.get("uscc"))
        filing.payload["entity"] = entity
        if filing.payload.get("agreement") is not None:
            filing.payload["agreement"] = {**filing.payload["agreement"], "entity": entity}
        return filing

    @classmethod
    def acceptance(cls, record, loaded):
        """The acceptance of the dataset's current agreement, or a bilingual 400 (QY Art. 24)."""
        if not loaded.get("accept_agreement"):
            refuse(_("You must read and accept the data-use agreement to apply."),
                   "accept_agreement")
        return agreements.accept(record.parent.pid.pid_value, loaded.get("agreement_version"),
                                 loaded.get("agreement_sha256"))

    @classmethod
    def validate_submission(cls, request):
        """A (re)submission stands on the dataset's current agreement (QY Art. 24)."""
        payload = request.get("payload") or {}
        accepted = payload.get("agreement") or {}
        current = agreements.current_agreement(payload.get("parent"))
        if accepted.get("sha256") != current["sha256"]:
            refuse(
                _("The data-use agreement changed (now version %(version)s): read and accept "
                  "it before submitting.", version=current['version']), "agreement")

    payload_schema = {
        **GrantingRequestType.payload_schema,
        "entity": fields.Dict(),
        "uscc": fields.String(),
        "intended_use": fields.String(),
        "security_means": fields.String(),
    }


def apply_for_access(identity, recid, data, on=None):
    """Create and submit a conditional-access application; returns the request item."""
    if not isinstance(data, dict):
        refuse(_("A JSON object is required."), "_schema")
    return file_request(identity, ConditionalAccess.type_id, {**data, "record": recid}, on=on)
