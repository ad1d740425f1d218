"""Vocabulary labels and the term map of the ``cdtd:`` fields.

One place says which vocabulary each term field uses, which opening types
open data, and which secrecy levels are classified; :func:`labels` gives the
Chinese and English label of a term, so no page or export shows a raw code.
"""

from functools import lru_cache

from invenio_access.permissions import system_identity
from invenio_vocabularies.proxies import current_service as vocabulary_service

from .i18n import _

NAMESPACE = "cdtd"
"""Namespace of the domain's custom fields (``RDM_NAMESPACES``)."""

TERM_VOCABULARIES = {
    "category": "td-categories",
    "funding_source": "td-funding",
    "responsible_department": "td-departments",
    "providing_entity": "td-entities",
    "sharing_type": "td-sharing",
    "opening_type": "td-opening",
    "secrecy": "td-secrecy",
    "grade": "td-grades",
    "update_cycle": "td-update-cycles",
    "access_methods": "td-provision",
}
"""Term field (``cdtd:<name>``) -> its vocabulary (CD-TD Art. 2, 18-19; CD-PD Art. 10)."""

OPEN_TYPES = ("unconditional", "conditional")
"""Opening types that open data: 无条件开放 and 有条件开放 (CD-TD Art. 18)."""

NOT_OPENED = "none"
"""不予开放 (CD-TD Art. 18)."""

CLASSIFIED = ("confidential", "secret", "top-secret")
"""Secrecy ids of classified data, never deposited or listed here (CD-TD Art. 14)."""


def cf_value(obj, name):
    """The value of the custom field ``cdtd:<name>`` of a record dict."""
    return (obj.get("custom_fields") or {}).get(f"{NAMESPACE}:{name}")


@lru_cache(maxsize=512)
def vocabulary_title(vocabulary, id_):
    """The title dict of a vocabulary entry, read once (entries never change)."""
    try:
        item = vocabulary_service.read(system_identity, (vocabulary, id_))
    except Exception:  # noqa: BLE001  (an unknown id is shown without label)
        return {}
    return dict(item.to_dict().get("title") or {})


def labels(value, vocabulary):
    """``(zh, en)`` labels of a term ``{"id", "title"?}`` (from the value, else the vocabulary)."""
    if not value or not value.get("id"):
        return None
    title = value.get("title") or vocabulary_title(vocabulary, value["id"])
    zh = title.get("zh") or title.get("en") or value["id"]
    en = title.get("en") or zh
    return zh, en


def term_labels(field, id_):
    """``(zh, en)`` of the term ``id_`` of the field ``field`` (short name)."""
    return labels({"id": id_}, TERM_VOCABULARIES[field])


REQUEST_TYPE_LABELS = {
    "deposit-review": _("Deposit review"),
    "confidentiality-review": _("Confidentiality review"),
    "conditional-access": _("Conditional access"),
    "conditional-sharing": _("Conditional sharing"),
    "opening-application": _("Opening application"),
    "appeal": _("Appeal"),
    "correction": _("Correction"),
    "data-service": _("Data service"),
    "community-submission": _("Community submission"),
}
"""Labels of the request types (ours and InvenioRDM's submission)."""
