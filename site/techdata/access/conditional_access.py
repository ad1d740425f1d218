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
"""

from datetime import date

from invenio_i18n import lazy_gettext as _
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.models import RequestMetadata
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates, validates_schema

from ..review.deadlines import today
from . import agreements
from .base import ClockedDecisionAction, ClockedRequestType, execute_clocked, get_clocked, refuse
from .grants import MODES, give_access

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a unified social credit code (GB 32100-2015; no I, O, S, V, Z)."""

USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""Weights of positions 1-17 for the check character (GB 32100-2015)."""

_REQUIRED = {"required": "必填 / Required."}
_TEXT = validate.Length(min=2, max=4000, error="须为 2-4000 字 / 2-4000 characters.")
_SHORT = validate.Length(min=2, max=255, error="须为 2-255 字 / 2-255 characters.")


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
            raise ValidationError("结束日期不能早于开始日期 / The term ends before it starts.",
                                  "term_end")
        if end and end < today():
            raise ValidationError("使用期限已结束 / The term has already ended.", "term_end")


class ApplicationSchema(Schema, TermMixin):
    """A conditional-access application (QY Art. 24; LZ Art. 25-26)."""

    class Meta:
        """Fields the form does not know (e.g. a comment) are ignored."""

        unknown = EXCLUDE

    applicant_name = fields.String(required=True, validate=_SHORT, error_messages=_REQUIRED)
    organisation = fields.String(required=True, validate=_SHORT, error_messages=_REQUIRED)
    uscc = fields.String(required=True, error_messages=_REQUIRED)
    contact = fields.String(required=True, validate=_SHORT, error_messages=_REQUIRED)
    purpose = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    intended_use = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    security_means = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    term_start = fields.Date(required=True, error_messages=_REQUIRED)
    term_end = fields.Date(required=True, error_messages=_REQUIRED)
    agreement_version = fields.Integer(load_default=None)
    agreement_sha256 = fields.String(load_default=None)
    accept_agreement = fields.Boolean(load_default=False)

    @validates("uscc")
    def _uscc(self, value, **kwargs):
        """GB 32100-2015: 18 characters, the last one a check character."""
        if not uscc_is_valid(value):
            raise ValidationError(
                "统一社会信用代码无效（GB 32100-2015：18 位，末位为校验码） / Invalid unified "
                "social credit code (GB 32100-2015: 18 characters, the last a check character).")


class GrantSchema(Schema):
    """A grant: how access is given and until when (default: the applied term's end)."""

    class Meta:
        """Fields of the other decisions in the same form are ignored."""

        unknown = EXCLUDE

    modes = fields.List(
        fields.String(validate=validate.OneOf(MODES, error="未知方式 / Unknown mode.")),
        required=True, validate=validate.Length(min=1, error="至少选择一种方式 / Choose at least one mode."),
        error_messages=_REQUIRED)
    term_end = fields.Date(load_default=None)
    comment = fields.String(load_default="", validate=validate.Length(max=4000))


class RefuseSchema(Schema):
    """A refusal and its reason (QY Art. 24: refusals state why)."""

    class Meta:
        """Fields of the other decisions in the same form are ignored."""

        unknown = EXCLUDE

    reason = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)


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
            refuse("授权期限不能超过申请的使用期限 / The grant cannot last longer than the "
                   "term applied for.", "term_end")
        if term_end < today():
            refuse("授权期限已结束 / The grant's term has already ended.", "term_end")
        record = agreements.published_record(payload["record"])
        payload["grant"] = give_access(self.request, record, decision["modes"], term_end, uow)
        self.request["payload"] = payload
        decision["term_end"] = term_end


class RefuseAction(ClockedDecisionAction):
    """Refuse, with the reason (sent to the applicant; kept in the timeline)."""

    status_to = "declined"
    decision_schema = RefuseSchema

    def apply(self, identity, uow, decision):
        """Record the reason in the payload."""
        payload = dict(self.request["payload"])
        payload["refusal_reason"] = decision["reason"]
        self.request["payload"] = payload


class GrantingRequestType(ClockedRequestType):
    """A clocked request about a dataset that ends in a grant or a refusal."""

    topic_can_be_none = False
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


class ConditionalAccess(GrantingRequestType):
    """有条件开放申请: conditional-open access to a dataset (QY Art. 24; LZ Art. 25-26)."""

    type_id = "conditional-access"
    name = _("Conditional access")
    deadline_key = "conditional-access"

    @classmethod
    def validate_submission(cls, request):
        """A (re)submission stands on the dataset's current agreement (QY Art. 24)."""
        payload = request.get("payload") or {}
        accepted = payload.get("agreement") or {}
        current = agreements.current_agreement(payload.get("parent"))
        if accepted.get("sha256") != current["sha256"]:
            refuse(
                f"数据利用协议已更新为第 {current['version']} 版，请重新阅读并接受后再提交 / "
                f"The data-use agreement changed (now version {current['version']}): "
                "read and accept it before submitting.", "agreement")

    payload_schema = {
        **GrantingRequestType.payload_schema,
        "uscc": fields.String(),
        "intended_use": fields.String(),
        "security_means": fields.String(),
    }


#
# Applying
#
def providing_entity(record):
    """The receiver of requests about ``record``: its data centre, else its owner."""
    community = record.parent.communities.default
    if community is not None:
        return community
    owner = record.parent.access.owned_by.resolve()
    if owner is None:
        refuse("该数据集没有可受理申请的提供单位 / This dataset has no provider to answer.",
               "record")
    return owner


def refuse_duplicate(type_id, record, identity):
    """One open request of a type per applicant and dataset."""
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == type_id,
        RequestMetadata.json["status"].as_string().in_(["submitted", "returned"]),
        RequestMetadata.json["topic"]["record"].as_string() == record.pid.pid_value,
        RequestMetadata.json["created_by"]["user"].as_string() == str(identity.id),
    ).count()
    if rows:
        refuse("您对该数据集已有未办结的申请 / You already have an open request for this "
               "dataset.", "record")


def _application_payload(record, data, acceptance):
    """The payload stored for an application (dates as ISO strings)."""
    out = {k: (v.isoformat() if isinstance(v, date) else v.strip() if isinstance(v, str) else v)
           for k, v in data.items()
           if k not in ("agreement_version", "agreement_sha256", "accept_agreement")}
    out.update(record=record.pid.pid_value, parent=str(record.parent.pid.pid_value))
    if acceptance is not None:
        out["agreement"] = acceptance
    return out


def _accepted(record, data):
    """The acceptance of the current agreement, or a bilingual 400."""
    if not data.get("accept_agreement"):
        refuse("申请前须阅读并接受数据利用协议 / You must read and accept the data-use "
               "agreement to apply.", "accept_agreement")
    return agreements.accept(record.parent.pid.pid_value, data.get("agreement_version"),
                             data.get("agreement_sha256"))


def apply_for_access(identity, recid, data, on=None):
    """Create and submit a conditional-access application; returns the request item."""
    if not isinstance(data, dict):
        refuse("须为 JSON 对象 / A JSON object is required.", "_schema")
    record = agreements.published_record(recid)
    opening = ((record.get("custom_fields") or {}).get("cdtd:opening_type") or {}).get("id")
    if opening != "conditional":
        refuse("只有“有条件开放”的数据集需要申请；无条件开放的数据可直接下载，不予开放的数据"
               "不能申请开放利用。 / Only datasets opened on conditions (有条件开放) take "
               "applications: unconditionally open data is downloaded directly, data not "
               "opened cannot be applied for.", "record")
    loaded = ApplicationSchema().load(data)
    loaded["uscc"] = loaded["uscc"].strip().upper()
    acceptance = _accepted(record, loaded)
    return file_on_record(identity, ConditionalAccess, record, "有条件开放申请 Conditional access",
                          loaded, acceptance, on=on)


def file_on_record(identity, type_cls, record, title_prefix, loaded, acceptance, on=None):
    """File a validated application about ``record`` with its providing entity and submit it.

    Shared by conditional access and conditional sharing: one open request
    per applicant and dataset, the clock starts on submission.
    """
    refuse_duplicate(type_cls.type_id, record, identity)
    title = record["metadata"].get("title", "")
    item = current_requests_service.create(
        identity,
        {"title": f"{title_prefix}: {title}"[:250],
         "payload": _application_payload(record, loaded, acceptance)},
        type_cls(),
        receiver=providing_entity(record),
        topic=record,
    )
    return execute_clocked(identity, item.id, "submit", on=on)


def answer_return(identity, request_id, data, comment=None, on=None):
    """The applicant answers a return: updated application, resubmitted (clock resumes)."""
    request = get_clocked(request_id)
    if request.status != "returned":
        refuse("只有被退回的申请可以补充后重新提交 / Only a returned request can be "
               "answered and resubmitted.", "request")
    current_requests_service.require_permission(identity, "action_submit", request=request)
    payload = dict(request["payload"])
    record = agreements.published_record(payload["record"])
    schema = {"conditional-access": ApplicationSchema}.get(request.type.type_id)
    if schema is None:
        from .sharing import SharingApplicationSchema as schema  # noqa: N813
    loaded = schema().load({**_editable(payload, schema), **(data or {})})
    acceptance = None
    if "accept_agreement" in schema().fields and request.type.type_id == "conditional-access":
        acceptance = _accepted(record, loaded)
    if "uscc" in loaded:
        loaded["uscc"] = loaded["uscc"].strip().upper()
    payload.update(_application_payload(record, loaded, acceptance))
    request["payload"] = payload
    request.commit()
    return execute_clocked(identity, request.id, "submit",
                           comment=comment or "已补充材料 / More information given.", on=on)


def _editable(payload, schema):
    """The application fields of a stored payload (to be overlaid by an answer)."""
    keep = set(schema().fields) - {"agreement_version", "agreement_sha256", "accept_agreement"}
    return {k: v for k, v in payload.items() if k in keep}
