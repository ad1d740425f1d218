"""Request type ``correction`` (校核): a user of the data reports an error.

CD-PD Art. 27: a user who finds an obvious error reports it to the provider
within 5 working days of finding it (``TECHDATA_CORRECTION_REPORT_DAYS``);
the provider deals with it and answers within 10 working days
(``TECHDATA_ACCESS_DEADLINES["correction"]``; QY Art. 18 says 5). LZ Art. 31
names the three answers, all recorded as the request's decision (action
``answer``, status ``accepted``):

* ``fixed`` (完成整改): corrected and re-deposited; the answer must name the
  new version that fixes it — a published, newer version of the same record;
* ``confirmed-correct`` (确认无误): checked, the data is right; with the
  explanation (the reporter may appeal, ``appeal.py``);
* ``resolved-by-discussion`` (沟通解决): with a summary of what was agreed.
"""

from invenio_i18n import lazy_gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..review.deadlines import today
from ..workdays import working_days
from .applying import config, file_request, provider_of, published_record
from .base import ClockedDecisionAction, ClockedRequestType, refuse

OUTCOMES = ("fixed", "confirmed-correct", "resolved-by-discussion")
"""The three answers to a correction report (LZ Art. 31)."""

_REQUIRED = {"required": "必填 / Required."}
_TEXT = validate.Length(min=2, max=8000, error="2-8000 个字符 / 2-8000 characters.")


class CorrectionReportSchema(Schema):
    """What the reporter states: what is wrong, where, the evidence, when found."""

    record = fields.String(required=True, error_messages=_REQUIRED)
    what = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    where = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    evidence = fields.String(required=True, validate=_TEXT, error_messages=_REQUIRED)
    found_on = fields.Date(required=True, error_messages={
        **_REQUIRED, "invalid": "日期格式应为 YYYY-MM-DD / Date as YYYY-MM-DD."})


class CorrectionAnswerSchema(Schema):
    """The provider's answer: the outcome and what it needs."""

    outcome = fields.String(required=True, error_messages=_REQUIRED,
                            validate=validate.OneOf(OUTCOMES))
    record = fields.String()
    explanation = fields.String(validate=_TEXT)
    summary = fields.String(validate=_TEXT)

    @validates_schema
    def _complete(self, data, **kwargs):
        """Each outcome carries its own detail (LZ Art. 31)."""
        needed = {"fixed": ("record", "须给出修正后的新版本 / Name the new version that "
                            "fixes the error."),
                  "confirmed-correct": ("explanation", "须说明核查结果 / Explain why the "
                                        "data is correct."),
                  "resolved-by-discussion": ("summary", "须概述沟通结果 / Summarise what "
                                             "was agreed.")}
        field, message = needed[data["outcome"]]
        if not (data.get(field) or "").strip():
            raise ValidationError(message, field)


class CorrectionAnswerAction(ClockedDecisionAction):
    """The provider's answer (fixed / confirmed correct / resolved by discussion)."""

    status_to = "accepted"
    decision_schema = CorrectionAnswerSchema

    def apply(self, identity, uow, decision):
        """A ``fixed`` answer must link a published newer version of the same record."""
        if decision["outcome"] == "fixed":
            check_fixed_version(self.request["payload"]["record"], decision["record"])


def check_fixed_version(reported_id, fixed_id):
    """Refuse unless ``fixed_id`` is a published newer version of ``reported_id``."""
    reported = published_record(reported_id)
    fixed = published_record(fixed_id)
    same_parent = reported.parent.pid.pid_value == fixed.parent.pid.pid_value
    if not same_parent or fixed.versions.index <= reported.versions.index:
        refuse("所给记录不是被报告数据集的已发布新版本 / That record is not a published "
               "newer version of the reported dataset.", "record")


def check_reported_in_time(found_on, on=None):
    """CD-PD Art. 27: a report comes within N working days of finding the error."""
    on = on or today()
    if found_on > on:
        refuse("发现日期不能晚于今天 / The day found cannot be in the future.", "found_on")
    limit = config("TECHDATA_CORRECTION_REPORT_DAYS")
    used = working_days().working_days_between(found_on, on)
    if used > limit:
        refuse(
            f"应在发现问题后 {limit} 个工作日内提出校核（《成都市公共数据管理办法》第二十七条），"
            f"本次已过 {used} 个工作日。 / An error must be reported within {limit} working "
            f"days of finding it (CD-PD Art. 27); {used} working days have passed.",
            "found_on")


class Correction(ClockedRequestType):
    """Report of an error in a dataset (CD-PD Art. 27; QY Art. 18; LZ Art. 31)."""

    type_id = "correction"
    name = _("Correction")
    deadline_key = "correction"

    payload_schema = {
        **ClockedRequestType.payload_schema,
        "record": fields.String(),
        "what": fields.String(),
        "where": fields.String(),
        "evidence": fields.String(),
        "found_on": fields.String(),
    }
    available_actions = {
        **ClockedRequestType.available_actions,
        "answer": CorrectionAnswerAction,
    }


def report_error(identity, data, on=None):
    """File a correction report; returns the submitted request item."""
    data = CorrectionReportSchema().load(data or {})
    found_on = data["found_on"]
    check_reported_in_time(found_on, on=on)
    record = published_record(data["record"])
    payload = {
        "record": str(record.pid.pid_value),
        "what": data["what"],
        "where": data["where"],
        "evidence": data["evidence"],
        "found_on": found_on.isoformat(),
    }
    title = "数据校核 Correction: " + (record.metadata or {}).get("title", "")
    return file_request(identity, Correction, payload, provider_of(record), topic=record,
                        title=title, on=on)
