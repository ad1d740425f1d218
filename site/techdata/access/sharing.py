"""Conditional sharing (有条件共享) between government units, in 10 working days.

CD-PD Art. 26: a government department or public unit asks for data whose
sharing type is 有条件共享 (conditional), stating its purpose, the legal
basis of the duty it needs the data for (履职依据) and the scope of data
wanted. The providing entity answers within 10 working days (the CD-PD
default in ``TECHDATA_ACCESS_DEADLINES``; QY Art. 16 says 7): grant (access to
the files for a term, as a conditional-access grant), refuse with a reason, or
return for more information. Shared data is used only for the duty stated
and not passed on (CD-PD Art. 30), so the grantee sees the same use
restrictions.

Applicants hold one of the government roles ``TECHDATA_ACCESS_SHARING_ROLES``.

A refusal names its legal basis (CD-PD Art. 22: no unit refuses sharing
without a basis in law, regulation or rules; LZ Art. 17: the provider that
does not agree gives that basis): ``refusal_basis``, one of
:data:`REFUSAL_BASES`, and ``refusal_basis_citation``, the provision itself.
"""

from flask import current_app
from marshmallow import fields, validate

from ..kernel.i18n import _, lazy_bilingual
from ..kernel.roles import has_role
from .applying import file_request
from .base import RefuseAction, RefuseSchema
from .common import REQUIRED, TEXT, refuse
from .conditional_access import GrantingRequestType, TermApplicationSchema


class SharingApplicationSchema(TermApplicationSchema):
    """A conditional-sharing application (CD-PD Art. 26): the duty's legal basis and scope."""

    legal_basis = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)
    scope = fields.String(required=True, validate=TEXT, error_messages=REQUIRED)


def is_government(identity):
    """True if the caller holds a government role (CD-PD Art. 26: between units)."""
    return has_role(identity, *current_app.config["TECHDATA_ACCESS_SHARING_ROLES"])


REFUSAL_BASES = {
    "law": _("A law (法律)"),
    "administrative-regulation": _("An administrative regulation (行政法规)"),
    "local-regulation": _("A local regulation (地方性法规)"),
    "rules": _("Rules of a ministry or government (规章)"),
    "central-provision": _("An express provision of the Party Central Committee or the "
                           "State Council (党中央、国务院明确规定)"),
}
"""The kinds of legal basis a refusal of sharing may rest on (CD-PD Art. 22; LZ Art. 15, 17)."""


class SharingRefuseSchema(RefuseSchema):
    """A refusal of sharing: the reasons and the legal basis (CD-PD Art. 22; LZ Art. 17)."""

    refusal_basis = fields.String(
        required=True, error_messages=REQUIRED,
        validate=validate.OneOf(list(REFUSAL_BASES), error=lazy_bilingual(_(
            "Choose the kind of legal basis of the refusal (CD-PD Art. 22; LZ Art. 17)."))))
    refusal_basis_citation = fields.String(required=True, validate=TEXT,
                                           error_messages=REQUIRED)


class SharingRefuseAction(RefuseAction):
    """Refuse a sharing application, naming the legal basis (CD-PD Art. 22; LZ Art. 17)."""

    decision_schema = SharingRefuseSchema

    def apply(self, identity, uow, decision):
        """Record the reasons and the basis in the payload."""
        super().apply(identity, uow, decision)
        payload = dict(self.request["payload"])
        payload["refusal_basis"] = decision["refusal_basis"]
        payload["refusal_basis_citation"] = decision["refusal_basis_citation"].strip()
        self.request["payload"] = payload


class ConditionalSharing(GrantingRequestType):
    """有条件共享申请: a government unit asks for conditionally shared data (CD-PD Art. 26)."""

    type_id = "conditional-sharing"
    name = _("Conditional sharing")
    application_schema = SharingApplicationSchema
    terms_field = "sharing_type"
    wrong_record = lazy_bilingual(_("Only datasets shared on conditions (有条件共享) take "
                                    "sharing applications."))

    payload_schema = {
        **GrantingRequestType.payload_schema,
        "legal_basis": fields.String(),
        "scope": fields.String(),
        "refusal_basis": fields.String(),
        "refusal_basis_citation": fields.String(),
    }
    available_actions = {**GrantingRequestType.available_actions, "refuse": SharingRefuseAction}

    @classmethod
    def check_applicant(cls, identity):
        """CD-PD Art. 26: sharing is between government units."""
        if not is_government(identity):
            refuse(_("Conditional sharing is between government units: companies and the "
                     "public apply for conditional access instead."), "applicant")


def apply_for_sharing(identity, recid, data, on=None):
    """Create and submit a conditional-sharing application; returns the request item."""
    if not isinstance(data, dict):
        refuse(_("A JSON object is required."), "_schema")
    return file_request(identity, ConditionalSharing.type_id, {**data, "record": recid}, on=on)
