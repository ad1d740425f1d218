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

from datetime import timedelta

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..kernel.i18n import _, bilingual, lazy_error
from ..kernel.time import today
from ..workdays import working_days
from . import registry
from .applying import file_request
from .base import ClockedDecisionAction, ClockedRequestType, Filing, actions_with, payload_fields
from .common import LONG_TEXT, REQUIRED, published_record, readable_title, refuse
from .receivers import provider_of

OUTCOMES = ("fixed", "confirmed-correct", "resolved-by-discussion")
"""The three answers to a correction report (LZ Art. 31)."""

OLDEST_FINDING_DAYS = 3660
"""A day an error was found lies at most about ten years back (checked before any calendar work)."""


class CorrectionReportSchema(Schema):
    """What the reporter states: what is wrong, where, the evidence, when found."""

    record = fields.String(required=True, error_messages=REQUIRED)
    what = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)
    where = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)
    evidence = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)
    found_on = fields.Date(required=True, error_messages={
        **REQUIRED, "invalid": lazy_error(_("Date as YYYY-MM-DD."))})


class CorrectionAnswerSchema(Schema):
    """The provider's answer: the outcome and what it needs."""

    outcome = fields.String(required=True, error_messages=REQUIRED,
                            validate=validate.OneOf(OUTCOMES))
    record = fields.String()
    explanation = fields.String(validate=LONG_TEXT)
    summary = fields.String(validate=LONG_TEXT)

    @validates_schema
    def _complete(self, data, **kwargs):
        """Each outcome carries its own detail (LZ Art. 31)."""
        needed = {"fixed": ("record", bilingual(_("Name the new version that fixes the error."))),
                  "confirmed-correct": ("explanation", bilingual(_("Explain why the data is "
                                                                   "correct."))),
                  "resolved-by-discussion": ("summary",
                                             bilingual(_("Summarise what was agreed.")))}
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
        refuse(_("That record is not a published newer version of the reported dataset."),
               "record")


def check_reported_in_time(found_on, on=None):
    """CD-PD Art. 27: a report comes within N working days of finding the error."""
    on = on or today()
    if found_on > on:
        refuse(_("The day found cannot be in the future."), "found_on")
    if found_on < on - timedelta(days=OLDEST_FINDING_DAYS):
        # refused before any calendar work, which would walk every day back to it
        refuse(_("The day found is out of range (at most ten years ago)."), "found_on")
    limit = current_app.config["TECHDATA_CORRECTION_REPORT_DAYS"]
    used = working_days().working_days_between(found_on, on)
    if used > limit:
        refuse(
            _("An error must be reported within %(limit)s working days of finding it (CD-PD "
              "Art. 27); %(used)s working days have passed.", limit=limit, used=used),
            "found_on")


class Correction(ClockedRequestType):
    """Report of an error in a dataset (CD-PD Art. 27; QY Art. 18; LZ Art. 31)."""

    type_id = "correction"
    name = _("Correction")

    payload_schema = payload_fields("record", "what", "where", "evidence", "found_on")
    available_actions = actions_with(answer=CorrectionAnswerAction)

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The report (CD-PD Art. 27: in time), for the record's provider.

        The stored title names the dataset by the id the reporter gave, with
        its title only if the reporter may read the record (CD-TD Art. 18, 24).
        """
        data = CorrectionReportSchema().load(data)
        check_reported_in_time(data["found_on"], on=on)
        record = published_record(data["record"])
        payload = {
            "record": str(record.pid.pid_value),
            "what": data["what"],
            "where": data["where"],
            "evidence": data["evidence"],
            "found_on": data["found_on"].isoformat(),
        }
        return Filing(payload=payload, receiver=provider_of(record), topic=record,
                      title=f"{registry.get(cls.type_id).names}: "
                            f"{readable_title(identity, record)}")


def report_error(identity, data, on=None):
    """File a correction report; returns the submitted request item."""
    return file_request(identity, Correction.type_id, data or {}, on=on)
