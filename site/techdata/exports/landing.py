"""Landing-page panels of the ``cdtd:`` classification and directory fields.

The record page (``APP_RDM_RECORD_LANDING_PAGE_TEMPLATE``, InvenioRDM's
setting for it) is ``techdata/landing/detail.html``: InvenioRDM's page, with
the ``record_content`` block extended by one panel per section below the
description. The sections are the deposit form's (``techdata.deposit.config``),
so the page follows the form; InvenioRDM's generic rendering of those
sections under "Additional details" is switched off with the documented
``hide_from_landing_page`` flag (it knows only the label of the current
language, and would show a restriction's reason even for an open record).

A vocabulary value is shown by its labels, Chinese first, then English
(never its id); a reason or legal basis only when the sharing or opening
type it explains is restricted (CD-TD Art. 18; LZ Art. 16).
"""

from ..deposit.config import FORM_SECTIONS
from ..deposit.fields import CUSTOM_FIELDS, NAMESPACE

LANDING_TEMPLATE = "techdata/landing/detail.html"
"""The record page: InvenioRDM's, with our panels."""

PANEL_FIELDS = {
    # CD-TD Art. 2, 11, 14, 18: classification; CD-TD Art. 19, LZ Art. 11,
    # QY Art. 8: directory fields.
    f"{NAMESPACE}:category", f"{NAMESPACE}:sharing_type", f"{NAMESPACE}:opening_type",
    f"{NAMESPACE}:secrecy", f"{NAMESPACE}:grade", f"{NAMESPACE}:responsible_department",
}
"""Fields whose sections become panels (any field of the section qualifies it)."""

RESTRICTION_OF = {
    # CD-TD Art. 18; LZ Art. 16: a restricted choice states why and on what basis.
    f"{NAMESPACE}:sharing_reason": f"{NAMESPACE}:sharing_type",
    f"{NAMESPACE}:sharing_legal_basis": f"{NAMESPACE}:sharing_type",
    f"{NAMESPACE}:opening_reason": f"{NAMESPACE}:opening_type",
    f"{NAMESPACE}:opening_legal_basis": f"{NAMESPACE}:opening_type",
}
"""Reason and legal-basis fields -> the sharing or opening type they explain."""

UNRESTRICTED = "unconditional"
"""The choice that needs no reason (open is the rule, CD-TD Art. 18)."""

_VOCABULARY_FIELDS = {cf.name for cf in CUSTOM_FIELDS if getattr(cf, "vocabulary_id", None)}


def is_panel(section):
    """True for a section shown as a panel of ours (classification, directory)."""
    return any(f["field"] in PANEL_FIELDS for f in section["fields"])


def panel(section, index):
    """One panel: its heading and, per field, label, kind and restriction."""
    return {
        "id": f"techdata-panel-{index}",
        "section": section["section"],
        "fields": [
            {
                "field": f["field"],
                "label": f["props"]["label"],
                "vocabulary": f["field"] in _VOCABULARY_FIELDS,
                "restriction_of": RESTRICTION_OF.get(f["field"]),
            }
            for f in section["fields"]
        ],
    }


def landing_panels(sections=FORM_SECTIONS):
    """The panels of the record page, in form order."""
    return [panel(s, i) for i, s in enumerate(s for s in sections if is_panel(s))]


def landing_custom_fields_ui(sections=FORM_SECTIONS):
    """The form sections, those shown as our panels hidden from the generic details."""
    return [{**s, "hide_from_landing_page": True} if is_panel(s) else s for s in sections]
