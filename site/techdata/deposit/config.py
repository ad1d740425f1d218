"""Building blocks of the deposit model: custom fields, form, facets, search.

``techdata.config`` assigns InvenioRDM's keys from these (``RDM_NAMESPACES``,
``RDM_CUSTOM_FIELDS_UI``, ``RDM_FACETS``, ``RDM_SEARCH``); this module
assigns none. Every label is translatable: English msgids, Chinese in our
catalogue.
"""

from invenio_i18n import lazy_gettext as _
from invenio_rdm_records.config import RDM_SEARCH as _RDM_SEARCH
from invenio_records_resources.services.records.facets import CFTermsFacet
from invenio_vocabularies.services.facets import VocabularyLabels

from ..kernel.input import SearchQueryParser
from .fields import NAMESPACE

NAMESPACES = {NAMESPACE: "https://techdata.chengdu.example.org/terms/"}
"""Custom-field namespace of the Chengdu tech-data model (``RDM_NAMESPACES``)."""


def _f(name, widget, label, description, icon="pencil", **props):
    """One custom field in the deposit form."""
    return {
        "field": f"{NAMESPACE}:{name}",
        "ui_widget": widget,
        "props": {"label": label, "description": description, "icon": icon, **props},
    }


def _dropdown(name, label, description, icon="tag", multiple=False, required=False):
    """A vocabulary-backed dropdown in the deposit form."""
    return _f(name, "Dropdown", label, description, icon=icon, search=False,
              multiple=multiple, clearable=True, required=required, placeholder="")


FORM_SECTIONS = [
    {
        "section": _("Funded project"),
        "fields": [
            _f("project", "Input", _("Project number"),
               _("The funded project this data belongs to: deposit before acceptance (CD-TD Art. 15). Only its PI and members may name it."),
               icon="folder"),
            _f("project_dataset", "Input", _("Planned dataset"),
               _("The key of the dataset in the project's deposit plan (LZ Art. 12)."), icon="list"),
        ],
    },
    {
        "section": _("Title and abstract (Chinese and English)"),
        "fields": [
            _f("title_zh", "Input", _("Chinese title"), _("Required. The title in Chinese."), required=True),
            _f("title_en", "Input", _("English title"), _("Encouraged (bilingual metadata)."), icon="language"),
            _f("abstract_zh", "TextArea", _("Chinese abstract"), _("Required. What the data is, how it was produced."), required=True),
            _f("abstract_en", "TextArea", _("English abstract"), _("Encouraged (bilingual metadata)."), icon="language"),
        ],
    },
    {
        "section": _("Classification"),
        "fields": [
            _dropdown("category", _("Tech-data category"), _("Required. One of the five categories of CD-TD Art. 2."), required=True),
            _dropdown("funding_source", _("Funding source"), _("Data of government-funded projects must be deposited before acceptance (CD-TD Art. 15)."), icon="money"),
            _dropdown("secrecy", _("Secrecy attribute"), _("Classified data may not be deposited here; it follows the secrecy rules offline (CD-TD Art. 14)."), icon="lock", required=True),
            _dropdown("grade", _("Sensitivity grade"), _("General, important or core data (Data Security Law)."), icon="shield"),
            _dropdown("sharing_type", _("Sharing type"), _("Unconditional sharing is the default; any other choice needs a reason and a legal basis (CD-TD Art. 18; LZ Art. 16)."), icon="share alternate"),
            _f("sharing_reason", "TextArea", _("Reason for restricted sharing"), _("Required for conditional or no sharing.")),
            _f("sharing_legal_basis", "TextArea", _("Legal basis for restricted sharing"), _("Required for conditional or no sharing: the law or rule relied on.")),
            _dropdown("opening_type", _("Opening type"), _("Open is the rule, closed the exception (CD-TD Art. 18): unconditional opening is the default."), icon="unlock"),
            _f("opening_reason", "TextArea", _("Reason for restricted opening"), _("Required for conditional or no opening.")),
            _f("opening_legal_basis", "TextArea", _("Legal basis for restricted opening"), _("Required for conditional or no opening: the law or rule relied on.")),
        ],
    },
    {
        "section": _("Directory information"),
        "fields": [
            _dropdown("responsible_department", _("Responsible department"), _("The competent department (CD-TD Art. 19)."), icon="building"),
            _dropdown("providing_entity", _("Providing entity"), _("The legal entity that provides the data (CD-TD Art. 19)."), icon="university"),
            _f("sharing_scope", "Input", _("Sharing scope"), _("Who the data may be shared with (CD-TD Art. 19).")),
            _dropdown("access_methods", _("Access methods"), _("How the data is provided: download, API, sandbox, offline (CD-TD Art. 19)."), icon="download", multiple=True),
            _f("business_name", "Input", _("Business name"), _("The business the data comes from (LZ Art. 11).")),
            _f("information_system", "Input", _("Information system"), _("The system that holds the data (LZ Art. 11).")),
            _f("data_items", "MultiInput", _("Data items"), _("The data items (fields) of the dataset (LZ Art. 11)."), icon="list"),
            _f("storage_format", "Input", _("Storage format"), _("E.g. CSV, NetCDF, database (LZ Art. 11; QY Art. 8).")),
            _dropdown("update_cycle", _("Update cycle"), _("How often the data is updated (LZ Art. 11)."), icon="refresh"),
            _f("sharing_period", "Input", _("Sharing period"), _("How long the data is shared (LZ Art. 11).")),
            _f("usage_requirements", "TextArea", _("Usage requirements"), _("Conditions of use (QY Art. 8).")),
        ],
    },
]
"""Deposit-form sections of the ``cdtd:`` fields, Chinese first in the UI."""


def _cf_facet(name, label, vocabulary):
    """A search facet on a vocabulary custom field."""
    return {
        "facet": CFTermsFacet(field=f"{NAMESPACE}:{name}.id", label=label,
                              value_labels=VocabularyLabels(vocabulary)),
        "ui": {"field": CFTermsFacet.field(f"{NAMESPACE}:{name}.id")},
    }


FACETS = {
    "category": _cf_facet("category", _("Tech-data category"), "td-categories"),
    "sharing_type": _cf_facet("sharing_type", _("Sharing type"), "td-sharing"),
    "opening_type": _cf_facet("opening_type", _("Opening type"), "td-opening"),
    "grade": _cf_facet("grade", _("Sensitivity grade"), "td-grades"),
    "department": _cf_facet("responsible_department", _("Responsible department"), "td-departments"),
    "entity": _cf_facet("providing_entity", _("Providing entity"), "td-entities"),
}
"""Facets of the deposit model (subject is InvenioRDM's own ``subject`` facet)."""

SEARCH_FIELDS = [
    "custom_fields.cdtd:title_zh^3",
    "custom_fields.cdtd:abstract_zh",
    "custom_fields.cdtd:title_en^2",
    "custom_fields.cdtd:abstract_en",
    "metadata.title^2",
    "metadata.additional_titles.title",
    "metadata.description",
    "metadata.creators.person_or_org.name",
    "metadata.subjects.subject",
    "metadata.publisher",
    "metadata.identifiers.identifier",
    "id",
]
"""Fields a free-text query searches: the cjk-analysed Chinese fields first."""

_RDM_PARSER = _RDM_SEARCH["query_parser_cls"]

SEARCH = {
    **_RDM_SEARCH,
    "facets": _RDM_SEARCH["facets"] + list(FACETS) + ["subject"],
    # InvenioRDM's parser (its restricted internal-notes terms kept), with
    # our fields and operator added.
    "query_parser_cls": SearchQueryParser.factory(
        tree_transformer_cls=_RDM_PARSER.keywords["tree_transformer_cls"],
        **_RDM_PARSER.keywords["extra_params"],
        fields=SEARCH_FIELDS,
        default_operator="AND",
        type="cross_fields",
        analyzer="cjk",
    ),
}
"""Record search: our facets, and a query analysed with OpenSearch's ``cjk``
analyzer: a Chinese word becomes bigrams ("土壤" stays "土壤"), which match the
cjk-indexed ``cdtd:`` title and abstract, not records that merely contain 土
and 壤 somewhere; Latin words are analysed as usual. Every word is required
(AND), in any of the fields (cross_fields): "土壤 heavy" needs both."""
