"""Rules every deposit keeps, as pure functions over the record's data.

Each rule names its article. Messages are English msgids with their Chinese
in our catalogue, rendered bilingual (``"中文 / English"``, kernel
``bilingual``) in one string, so an API client and either UI language read
them the same way.
``techdata.components.DepositRulesComponent`` applies them in the service.
"""

import re

from ..kernel.bounds import MAX_ITEMS, MAX_TEXT, MAX_TITLE, MaxLength, year_in_range, year_message
from ..kernel.i18n import _, bilingual
from ..kernel.labels import CLASSIFIED, NAMESPACE

CF = f"{NAMESPACE}:"

DEFAULT_SHARING = "unconditional"
"""Sharing type of a deposit that does not choose one (CD-TD Art. 18)."""

DEFAULT_OPENING = "unconditional"
"""Opening type of a deposit that does not choose one (CD-TD Art. 18)."""

UNRESTRICTED = "unconditional"
"""The one sharing/opening choice that needs no reason."""

CLASSIFIED_LEVELS = set(CLASSIFIED)
"""Secrecy levels of classified (涉密) data (td-secrecy vocabulary)."""

MAX_PEOPLE = 1000
"""Most creators or contributors of one deposit (large collaborations included)."""

METADATA_TEXTS = {"title": MAX_TITLE, "description": MAX_TEXT}
"""Longest InvenioRDM metadata texts: the title and the abstract (description)."""

METADATA_LISTS = {
    "creators": MAX_PEOPLE, "contributors": MAX_PEOPLE,
    "subjects": MAX_ITEMS, "additional_titles": MAX_ITEMS,
    "additional_descriptions": MAX_ITEMS, "dates": MAX_ITEMS, "identifiers": MAX_ITEMS,
    "related_identifiers": MAX_ITEMS, "rights": MAX_ITEMS, "languages": MAX_ITEMS,
    "funding": MAX_ITEMS, "references": MAX_ITEMS, "sizes": MAX_ITEMS, "formats": MAX_ITEMS,
}
"""Most items of the InvenioRDM metadata lists (keywords are ``subjects``)."""

_YEAR = re.compile(r"(?<![0-9])-?[0-9]{4,}")
"""Years in an EDTF date or interval (``2020-05``, ``2019/2021``, ``0001-01-01``)."""

PUBLISH_REQUIRED = ("category", "title_zh", "abstract_zh", "secrecy")
"""Fields every published deposit has (CD-TD Art. 2; XC: Chinese title/abstract)."""

REQUIRED_BY_CATEGORY = {
    "observation": ("update_cycle", "storage_format"),
    "resources": ("providing_entity", "update_cycle"),
    "service": ("providing_entity",),
}
"""Further fields a category needs: observation series and resource catalogues
are updated and have a format; resource and service data name their provider
(CD-TD Art. 19; LZ Art. 11)."""

MSG_REQUIRED = _("This field is required.")
"""A field a published deposit needs is empty (msgid; shown bilingual)."""

MSG_CLASSIFIED = _(
    "Classified data may not be deposited on this platform; it follows the secrecy rules offline"
    " (CD-TD Art. 14). Nothing was saved and uploaded files were removed."
)
"""A deposit declaring classified data (msgid; shown bilingual)."""

_LABELS = {
    "sharing_type": _("conditional or no sharing"),
    "opening_type": _("conditional or no opening"),
}


def reason_message(label):
    """A restricted choice (``label``, lazy) without its reason, bilingual (CD-TD Art. 18)."""
    return bilingual(_("A reason is required when choosing %(label)s (CD-TD Art. 18).",
                       label=label))


def basis_message(label):
    """A restricted choice (``label``, lazy) without its legal basis, bilingual (LZ Art. 16)."""
    return bilingual(_("A legal basis is required when choosing %(label)s (LZ Art. 16).",
                       label=label))


def unknown_message(value):
    """A vocabulary field holding the unknown id ``value``, bilingual."""
    return bilingual(_("Unknown value \"%(value)s\": choose one from the list.", value=value))


def _id(value):
    """The id of a vocabulary value (``{"id": ...}``), or None."""
    return value.get("id") if isinstance(value, dict) else None


def unknown_value_errors(custom_fields, vocabulary_fields, exists):
    """Vocabulary fields hold known values only.

    ``vocabulary_fields`` maps a field name to its vocabulary id;
    ``exists(vocabulary_id, value_id)`` says whether the value is known.
    """
    errors = {}
    for name, vocabulary_id in vocabulary_fields.items():
        value = custom_fields.get(name)
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            vid = _id(item)
            if vid is not None and not exists(vocabulary_id, vid):
                key = f"custom_fields.{name}" + (f".{i}" if isinstance(value, list) else "")
                errors[f"{key}.id"] = [unknown_message(vid)]
    return errors


def list_bound_errors(custom_fields):
    """Lists of ``cdtd:`` fields hold at most ``MAX_ITEMS`` items (issue 20: no stored junk)."""
    return {f"custom_fields.{name}": [MaxLength(MAX_ITEMS, items=True).message()]
            for name, value in (custom_fields or {}).items()
            if name.startswith(CF) and isinstance(value, list) and len(value) > MAX_ITEMS}


def _dates_of(metadata):
    """``(field, EDTF text)`` of the metadata's dates (publication date, dates list)."""
    if isinstance(metadata.get("publication_date"), str):
        yield "metadata.publication_date", metadata["publication_date"]
    for i, item in enumerate(metadata.get("dates") or []):
        if isinstance(item, dict) and isinstance(item.get("date"), str):
            yield f"metadata.dates.{i}.date", item["date"]


def metadata_bound_errors(metadata):
    """Upper bounds of the InvenioRDM metadata: texts, lists, sensible years (issue 20).

    A title of at most ``MAX_TITLE`` characters, an abstract of at most
    ``MAX_TEXT``, keyword-like lists of at most ``MAX_ITEMS`` items, and
    dates between 1900 and twenty years from now.
    """
    errors = {}
    if not isinstance(metadata, dict):
        return errors
    for name, most in METADATA_TEXTS.items():
        value = metadata.get(name)
        if isinstance(value, str) and len(value) > most:
            errors[f"metadata.{name}"] = [MaxLength(most).message()]
    for name, most in METADATA_LISTS.items():
        value = metadata.get(name)
        if isinstance(value, list) and len(value) > most:
            errors[f"metadata.{name}"] = [MaxLength(most, items=True).message()]
    for i, item in enumerate(metadata.get("additional_titles") or []):
        title = item.get("title") if isinstance(item, dict) else None
        if isinstance(title, str) and len(title) > MAX_TITLE:
            errors[f"metadata.additional_titles.{i}.title"] = [MaxLength(MAX_TITLE).message()]
    for field, text in _dates_of(metadata):
        if not all(year_in_range(int(y)) for y in _YEAR.findall(text)):
            errors[field] = [year_message()]
    return errors


def apply_open_defaults(custom_fields):
    """Open is the rule: unset sharing/opening become unconditional (CD-TD Art. 18)."""
    custom_fields.setdefault(f"{CF}sharing_type", {"id": DEFAULT_SHARING})
    custom_fields.setdefault(f"{CF}opening_type", {"id": DEFAULT_OPENING})
    return custom_fields


def is_classified(custom_fields):
    """True when the deposit declares classified (涉密) data (CD-TD Art. 14)."""
    return _id(custom_fields.get(f"{CF}secrecy")) in CLASSIFIED_LEVELS


def classified_errors(custom_fields):
    """Classified data is refused at deposit (CD-TD Art. 14)."""
    if is_classified(custom_fields):
        return {f"custom_fields.{CF}secrecy": [bilingual(MSG_CLASSIFIED)]}
    return {}


def restriction_errors(custom_fields):
    """A non-unconditional sharing/opening choice states reason and legal basis.

    CD-TD Art. 18 (open is the rule, closed the exception); LZ Art. 16 (the
    legal basis of conditional and non-sharing).
    """
    errors = {}
    for kind, reason, basis in (
        ("sharing_type", "sharing_reason", "sharing_legal_basis"),
        ("opening_type", "opening_reason", "opening_legal_basis"),
    ):
        choice = _id(custom_fields.get(f"{CF}{kind}"))
        if choice in (None, UNRESTRICTED):
            continue
        label = _LABELS[kind]
        if not (custom_fields.get(f"{CF}{reason}") or "").strip():
            errors[f"custom_fields.{CF}{reason}"] = [reason_message(label)]
        if not (custom_fields.get(f"{CF}{basis}") or "").strip():
            errors[f"custom_fields.{CF}{basis}"] = [basis_message(label)]
    return errors


def publish_errors(custom_fields):
    """Fields a published deposit needs, some by category (CD-TD Art. 2, 19)."""
    errors = {}
    wanted = list(PUBLISH_REQUIRED)
    wanted += REQUIRED_BY_CATEGORY.get(_id(custom_fields.get(f"{CF}category")), ())
    for name in wanted:
        value = custom_fields.get(f"{CF}{name}")
        if value in (None, "", [], {}) or (isinstance(value, str) and not value.strip()):
            errors[f"custom_fields.{CF}{name}"] = [bilingual(MSG_REQUIRED)]
    return errors


def access_for_opening(opening_id):
    """RDM access levels that an opening type implies.

    不予开放 (none): metadata and files restricted to authorised users;
    有条件开放 (conditional): metadata public, files only for granted users;
    无条件开放 (unconditional): both public. Returns ``(record, files)``.
    """
    if opening_id == "none":
        return "restricted", "restricted"
    if opening_id == "conditional":
        return "public", "restricted"
    return None, None
