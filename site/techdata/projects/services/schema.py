"""Marshmallow schema of a project (bilingual, field-level errors)."""

from invenio_accounts.models import User
from marshmallow import (
    EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema,
)

from ...kernel.bounds import MAX_AMOUNT, MAX_ITEMS, MAX_TITLE, Between, MaxLength, sensible_date
from ...kernel.i18n import _, bilingual, lazy_bilingual, lazy_error

STATUSES = ("in-progress", "pending-acceptance", "accepted", "terminated")
"""在研 / 待验收 / 已验收 / 终止."""

ACCEPTED = "accepted"
"""The status only the acceptance decision sets (CD-TD Art. 15)."""

INITIAL_STATUS = "in-progress"
"""The status a new project starts in; every later one comes from a decision (CD-TD Art. 15)."""

LIST_FIELDS = ("members", "plan")
"""List fields of a project, each bounded to ``MAX_ITEMS`` before it is read."""

FUNDING = ("government", "social")
"""财政资金 / 社会资金 (CD-TD Art. 15-16)."""

_REQ = {"required": lazy_error(_("Required."))}
NUMBER = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$",
    error=lazy_bilingual(_("Project number: letters, digits and ._/- only.")),
)


def _user_ref(email):
    """``{"user": id, "email": email}`` for a registered user, else a ValidationError."""
    user = User.query.filter_by(email=(email or "").strip().lower()).one_or_none()
    if user is None:
        raise ValidationError(bilingual(_("No registered user %(email)s.", email=email)))
    return {"user": str(user.id), "email": user.email}


class PersonField(fields.Field):
    """A registered user given by e-mail (stored as id and e-mail)."""

    def _deserialize(self, value, attr, data, **kwargs):
        """E-mail (or ``{"email": ...}``) → user reference."""
        email = value.get("email") if isinstance(value, dict) else value
        if not isinstance(email, str):
            raise ValidationError(bilingual(_("An e-mail address is required.")))
        return _user_ref(email)

    def _serialize(self, value, attr, obj, **kwargs):
        """Stored reference as is."""
        return value


class ISODate(fields.Date):
    """A date loaded from ISO text (years 1900..today+20) and stored/dumped as ISO text."""

    def __init__(self, **kwargs):
        """A date field whose year is sensible (issue 20: no stored junk)."""
        super().__init__(validate=sensible_date, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        """Stored ISO strings dump as they are."""
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class PlanItemSchema(Schema):
    """One expected dataset of the project data directory (LZ Art. 12)."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$"),
                        error_messages=_REQ)
    title = fields.String(required=True, validate=[validate.Length(min=1), MaxLength(300)],
                          error_messages=_REQ)
    category = fields.String(validate=validate.OneOf(
        ["rd", "observation", "transfer", "service", "resources"]))


class ProjectSchema(Schema):
    """A funded project as the program-management system knows it."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(dump_only=True)
    revision_id = fields.Integer(dump_only=True)
    """The revision a decision is made on (optimistic concurrency, 409 when stale)."""
    created = fields.String(dump_only=True)
    updated = fields.String(dump_only=True)
    number = fields.String(required=True, validate=NUMBER, error_messages=_REQ)
    title_zh = fields.String(required=True, validate=[validate.Length(min=2), MaxLength(300)],
                             error_messages=_REQ)
    title_en = fields.String(validate=MaxLength(MAX_TITLE))
    program = fields.String(required=True, validate=[validate.Length(min=1), MaxLength(100)],
                            error_messages=_REQ)
    funding_source = fields.String(required=True, validate=validate.OneOf(FUNDING),
                                   error_messages=_REQ)
    budget = fields.Float(validate=Between(0, MAX_AMOUNT / 10000))  # 万元: at most 1e12 yuan
    lead_entity = fields.String(required=True, validate=[validate.Length(min=1), MaxLength(200)],
                                error_messages=_REQ)
    department = fields.String(validate=MaxLength(200))
    pi = PersonField(required=True, error_messages=_REQ)
    members = fields.List(PersonField(), load_default=list, validate=MaxLength(MAX_ITEMS, True))
    start_date = ISODate()
    end_date = ISODate()
    acceptance_due = ISODate(required=True, error_messages=_REQ)
    status = fields.String(validate=validate.OneOf(STATUSES))
    """Read back as stored; a submitted value other than the current one is a 400
    (``ProjectDataComponent``): it changes through decisions only (CD-TD Art. 15)."""
    plan = fields.List(fields.Nested(PlanItemSchema), load_default=list,
                       validate=MaxLength(MAX_ITEMS, True))
    acceptance = fields.Dict(dump_only=True)
    """Written by the acceptance decision only (CD-TD Art. 15); ignored when submitted."""
    transitions = fields.List(fields.Dict(), dump_only=True)
    """The status decisions so far (``ProjectService.transition``); ignored when submitted."""

    @pre_load
    def _strip(self, data, **kwargs):
        """Trim strings; accept empty strings as missing; bound lists before reading them."""
        if not isinstance(data, dict):
            raise ValidationError(bilingual(_("A JSON object is required.")))
        too_long = {name: [MaxLength(MAX_ITEMS, True).message()] for name in LIST_FIELDS
                    if isinstance(data.get(name), (list, tuple)) and len(data[name]) > MAX_ITEMS}
        if too_long:
            raise ValidationError(too_long)
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()
                if not (isinstance(v, str) and not v.strip())}

    @validates_schema
    def _dates(self, data, **kwargs):
        """End after start; unique plan keys."""
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            raise ValidationError(bilingual(_("End date before start date.")), "end_date")
        keys = [p["key"] for p in data.get("plan") or []]
        if len(keys) != len(set(keys)):
            raise ValidationError(bilingual(_("Duplicate dataset keys in the plan.")), "plan")

    @post_load
    def _isoformat(self, data, **kwargs):
        """Dates as ISO strings in the stored JSON."""
        for key in ("start_date", "end_date", "acceptance_due"):
            if data.get(key):
                data[key] = data[key].isoformat()
        return data
