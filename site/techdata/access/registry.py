"""The one registry of the request types from outside (DOMAIN "Requests and their deadlines").

Each row says, for one request type: its id, the key of its deadline in
``TECHDATA_ACCESS_DEADLINES``, its names (zh, en), the applicant's form
(``/access/new/<type>``; ``None`` for the two applied for from the dataset's
page, ``/access/apply|share/<recid>``), the receiver's answer forms, whether a
refusal can be appealed and whether a grant gives access to the dataset.

Lists, pages, tasks, mails and the filing path read these rows; the request
type classes (one module per type) are found through invenio-requests' type
registry. Adding a seventh type is one row here and one module (plus its
``invenio_requests.types`` entry point). This module imports no type module.
"""

from dataclasses import dataclass, field

from ..kernel.i18n import _, in_languages


@dataclass(frozen=True)
class AccessType:
    """One request type from outside."""

    type_id: str
    """The invenio-requests type id."""
    name_zh: str
    """Chinese name (mail subjects, stored titles)."""
    name_en: object
    """English name (a msgid; the page shows it in the reader's language)."""
    form: tuple = None
    """``(title, [(name, label, widget, required)])`` of ``/access/new/<type>``, or None."""
    answers: tuple = ()
    """The receiver's forms: ``(action, title, [fields])``."""
    appealable: bool = True
    """A refusal of this type can be appealed (CD-PD Art. 28, 34)."""
    granting: bool = False
    """A grant gives the applicant the dataset's files for a term (QY Art. 24)."""
    on_record: bool = False
    """Applied for from a dataset's page (the record id is part of the URL)."""
    deadline_key: str = None
    """Key of ``TECHDATA_ACCESS_DEADLINES`` (default: the type id)."""
    refusal_field: str = field(default="comment")
    """Where a refusal's reason comes (``reason`` for granting types, else the comment)."""

    @property
    def deadline(self):
        """The deadline key of the type."""
        return self.deadline_key or self.type_id

    @property
    def names(self):
        """``"中文 English"`` as stored in titles and mails."""
        return f"{self.name_zh} {in_languages(self.name_en)['en']}"


_COMMENT = ("comment", _("Comment"), "textarea", False)
_REASON = ("comment", _("Reasons (required)"), "textarea", True)
_RETURN = ("return", _("Return for more information"), [
    ("comment", _("What is missing (required)"), "textarea", True)])

TYPES = (
    AccessType(
        "conditional-access", "有条件开放申请", _("Conditional access"),
        on_record=True, granting=True, refusal_field="reason",
    ),
    AccessType(
        "conditional-sharing", "有条件共享申请", _("Conditional sharing"),
        on_record=True, granting=True, refusal_field="reason",
    ),
    AccessType(
        "opening-application", "开放申请", _("Opening application"),
        form=(_("Apply to open data"), [
            ("record", _("Dataset (record id), if it is in the repository"), "text", False),
            ("community", _("Data centre (slug), for data not in the repository"), "text", False),
            ("entity", _("Entity that holds the data"), "text", False),
            ("description", _("Data asked for"), "textarea", True),
            ("purpose", _("Purpose of use"), "textarea", True),
            ("security", _("Secrecy conditions"), "textarea", False),
        ]),
        answers=(
            ("grant", _("Grant: open the data"), [
                ("record", _("Open record now listed (only for data described, not named)"),
                 "text", False), _COMMENT]),
            ("refuse", _("Refuse"), [_REASON]),
            _RETURN,
        ),
    ),
    AccessType(
        "appeal", "复核申请", _("Appeal"), appealable=False,
        form=(_("Appeal a refusal"), [
            ("request", _("Refused request (id)"), "text", True),
            ("grounds", _("Grounds of the appeal"), "textarea", True),
        ]),
        answers=(
            ("overturn", _("Overturn the refusal"), [
                ("opinion", _("Expert opinion (required)"), "textarea", True)]),
            ("uphold", _("Uphold the refusal"), [
                ("opinion", _("Expert opinion (required)"), "textarea", True)]),
            _RETURN,
        ),
    ),
    AccessType(
        "correction", "数据校核", _("Correction"),
        form=(_("Report an error in a dataset"), [
            ("record", _("Dataset (record id)"), "text", True),
            ("what", _("What is wrong"), "textarea", True),
            ("where", _("Where (file, row, field)"), "textarea", True),
            ("evidence", _("Evidence"), "textarea", True),
            ("found_on", _("Day the error was found"), "date", True),
        ]),
        answers=(
            ("answer", _("Answer the report"), [
                ("outcome", _("Outcome"), "outcome", True),
                ("record", _("New version that fixes it (record id)"), "text", False),
                ("explanation", _("Why the data is correct"), "textarea", False),
                ("summary", _("What was agreed"), "textarea", False), _COMMENT]),
            _RETURN,
        ),
    ),
    AccessType(
        "data-service", "增值服务申请", _("Value-added data service"),
        form=(_("Ask a data centre for a value-added service"), [
            ("community", _("Data centre (slug; default: the city centre)"), "text", False),
            ("organisation", _("Company"), "text", True),
            ("contact", _("Contact person and phone"), "text", True),
            ("kind", _("Kind of service"), "select", True),
            ("description", _("Service wanted"), "textarea", True),
            ("datasets", _("Datasets concerned (record ids, separated by commas)"), "text", False),
            ("voucher_number", _("Innovation voucher number"), "text", False),
            ("voucher_amount", _("Voucher amount (yuan)"), "text", False),
            ("voucher_issuer", _("Voucher issuer"), "text", False),
        ]),
        answers=(
            ("quote", _("Accept with a quote"), [
                ("price", _("Price (yuan)"), "text", True),
                ("deliver_by", _("Delivery by"), "date", True),
                ("terms", _("Terms"), "textarea", False)]),
            ("deliver", _("Deliver (upload the files to the request first)"), [
                ("note", _("Delivery note"), "textarea", True)]),
            ("refuse", _("Refuse"), [_REASON]),
            _RETURN,
        ),
    ),
)
"""The six request types from outside."""

KIND_LABELS = {"analysis": _("Data analysis"), "custom-extraction": _("Custom extraction"),
               "other": _("Other service")}
"""Labels of the kinds of value-added service (the ``select`` widget of the service form)."""

OUTCOME_LABELS = [("fixed", _("Fixed: a new version is published")),
                  ("confirmed-correct", _("Confirmed correct")),
                  ("resolved-by-discussion", _("Resolved by discussion"))]
"""The three answers to a correction (LZ Art. 31; the ``outcome`` widget)."""

REGISTRY = {t.type_id: t for t in TYPES}
"""Type id -> its row."""

TYPE_IDS = tuple(REGISTRY)
"""The ids of the request types from outside."""

APPEALABLE_TYPES = tuple(t.type_id for t in TYPES if t.appealable)
"""Types whose refusal can be appealed (an appeal's own outcome is final)."""

GRANTING_TYPES = tuple(t.type_id for t in TYPES if t.granting)
"""Types whose grant gives access to a dataset's files."""

RECORD_TYPES = tuple(t.type_id for t in TYPES if t.on_record)
"""Types applied for from a dataset's page (``/access/apply|share/<recid>``)."""

FORM_TYPES = tuple(t.type_id for t in TYPES if t.form)
"""Types filed through ``/access/new/<type>``."""


def get(type_id):
    """The row of ``type_id`` (KeyError for a type not from outside)."""
    return REGISTRY[type_id]


def is_access_type(type_id):
    """True for one of the request types from outside."""
    return type_id in REGISTRY
