"""What a review decision must contain (CD-TD Art. 11, 24).

Public: the directory's release review (``techdata.directory``) uses
:data:`CHECKLIST` and :class:`ConfidentialityDecisionSchema` too.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..kernel.i18n import _, bilingual, lazy_error

CHECKLIST = ("no_state_secret", "no_personal_information", "no_commercial_secret",
             "desensitised")
"""What a confidentiality reviewer confirms (CD-TD Art. 24; CD-PD Art. 40)."""

TEXT = validate.Length(max=4000)
"""Longest free text of a decision (comment, basis, reasons)."""
REQUIRED = {"required": lazy_error(_("Required."))}
"""Error message of a missing required field."""


class GradingSchema(Schema):
    """The grading and classification a curator confirms (CD-TD Art. 11)."""

    category = fields.String()
    sharing_type = fields.String()
    opening_type = fields.String()
    grade = fields.String(required=True, error_messages=REQUIRED)
    basis = fields.String(required=True, validate=validate.Length(min=2, max=4000),
                          error_messages=REQUIRED)
    sharing_reason = fields.String(validate=TEXT)
    sharing_legal_basis = fields.String(validate=TEXT)
    opening_reason = fields.String(validate=TEXT)
    opening_legal_basis = fields.String(validate=TEXT)


class DepositDecisionSchema(Schema):
    """A deposit-review decision: accept (with grading), decline or return."""

    decision = fields.String(required=True, error_messages=REQUIRED,
                             validate=validate.OneOf(["accept", "decline", "return"]))
    comment = fields.String(validate=TEXT)
    grading = fields.Nested(GradingSchema)

    @validates_schema
    def _complete(self, data, **kwargs):
        """Accept needs grading; decline and return need a reason."""
        if data.get("decision") == "accept" and not data.get("grading"):
            raise ValidationError(bilingual(_("Grading required to accept.")), "grading")
        if data.get("decision") in ("decline", "return") and not (data.get("comment") or "").strip():
            raise ValidationError(bilingual(_("A reason is required.")), "comment")


class ConfidentialityDecisionSchema(Schema):
    """A confidentiality decision: pass (whole checklist) or fail (with reasons)."""

    decision = fields.String(required=True, error_messages=REQUIRED,
                             validate=validate.OneOf(["pass", "fail"]))
    checklist = fields.Dict(keys=fields.String(validate=validate.OneOf(CHECKLIST)),
                            values=fields.Boolean(), load_default=dict)
    reasons = fields.String(validate=TEXT, load_default="")

    @validates_schema
    def _complete(self, data, **kwargs):
        """Passing needs every checklist item confirmed; failing needs reasons."""
        if data.get("decision") == "pass":
            missing = [c for c in CHECKLIST if not data["checklist"].get(c)]
            if missing:
                raise ValidationError(
                    bilingual(_("Every checklist item must be confirmed: %(items)s",
                                items=", ".join(missing))), "checklist")
        if data.get("decision") == "fail" and not data["reasons"].strip():
            raise ValidationError(bilingual(_("Reasons required.")), "reasons")


