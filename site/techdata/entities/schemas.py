"""Marshmallow schemas of entities and departments (bilingual field errors)."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..kernel.bounds import MaxLength
from ..kernel.i18n import _, lazy_bilingual, lazy_error
from .credit_code import credit_code_validator, normalise
from .models import KINDS

_REQ = {"required": lazy_error(_("Required.")), "null": lazy_error(_("Required.")),
        "invalid": lazy_error(_("Text is required."))}
_TEXT = {"invalid": lazy_error(_("Text is required."))}

NONEMPTY = validate.Length(min=1, error=lazy_bilingual(_("Required.")))

ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
                     error=lazy_bilingual(_("Id: 2 to 64 letters, digits and ._- only.")))


class CreditCodeField(fields.String):
    """A unified social credit code, normalised (spaces dropped, capitals) and checked."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The normalised code (checked by the field's validator)."""
        text = super()._deserialize(value, attr, data, **kwargs)
        return normalise(text) or None


class PersonSchema(Schema):
    """A named person of an entity and how to reach him (QY Art. 5)."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(allow_none=True, validate=MaxLength(255), error_messages=_TEXT)
    contact = fields.String(allow_none=True, validate=MaxLength(255), error_messages=_TEXT)


PEOPLE = ("responsible", "data_admin", "security_officer")
"""The named people of an entity: first responsible person (第一责任人), data admin,
security officer (QY Art. 5)."""


class EntitySchema(Schema):
    """A legal entity (CD-TD Art. 4-5, 9)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(validate=ID, error_messages=_TEXT)
    credit_code = CreditCodeField(allow_none=True, validate=credit_code_validator,
                                  error_messages=_TEXT)
    name_zh = fields.String(required=True, validate=[NONEMPTY, MaxLength(255)],
                            error_messages=_REQ)
    name_en = fields.String(allow_none=True, validate=MaxLength(255), error_messages=_TEXT)
    kind = fields.String(required=True, error_messages=_REQ, validate=validate.OneOf(
        KINDS, error=lazy_bilingual(_("One of: university, institute, enterprise, "
                                      "government-department, district."))))
    department = fields.String(allow_none=True, validate=MaxLength(64), error_messages=_TEXT)
    responsible = fields.Nested(PersonSchema, allow_none=True)
    data_admin = fields.Nested(PersonSchema, allow_none=True)
    security_officer = fields.Nested(PersonSchema, allow_none=True)


class DepartmentSchema(Schema):
    """A competent department of the city (CD-TD Art. 8)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=ID, error_messages=_REQ)
    name_zh = fields.String(required=True, validate=[NONEMPTY, MaxLength(255)],
                            error_messages=_REQ)
    name_en = fields.String(allow_none=True, validate=MaxLength(255), error_messages=_TEXT)
