"""Settings of the exports: DataCite and DCAT-AP with the ``cdtd:`` fields.

Star-imported at the end of ``techdata.config``. Every setting here starts
from InvenioRDM's own value and replaces only the DataCite and DCAT entries,
so the other export formats, content types and PID providers stay as
InvenioRDM configures them.

- ``APP_RDM_RECORD_EXPORTERS``: the export menu of the landing page and
  ``/records/<id>/export/<format>``;
- ``RDM_RECORDS_SERIALIZERS``: REST content negotiation
  (``Accept: application/vnd.datacite.datacite+json`` etc. on ``/api/records``);
- ``RDM_PERSISTENT_IDENTIFIER_PROVIDERS`` and
  ``RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS``: the DataCite DOI provider
  takes its serializer as a constructor argument (there is no setting for
  it), so it is configured here with ours: what DataCite receives is what the
  export shows.
"""

from invenio_app_rdm.config import APP_RDM_RECORD_EXPORTERS as _APP_RDM_RECORD_EXPORTERS
from invenio_i18n import lazy_gettext as _
from invenio_rdm_records.config import (
    RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS as _RDM_PARENT_PID_PROVIDERS,
)
from invenio_rdm_records.config import (
    RDM_PERSISTENT_IDENTIFIER_PROVIDERS as _RDM_PID_PROVIDERS,
)
from invenio_rdm_records.resources.config import record_serializers as _record_serializers
from invenio_rdm_records.services.pids import providers as _providers

from .landing import LANDING_TEMPLATE as _LANDING_TEMPLATE
from .landing import landing_custom_fields_ui as _landing_custom_fields_ui
from .landing import landing_panels as _landing_panels

__all__ = [
    "APP_RDM_RECORD_EXPORTERS",
    "APP_RDM_RECORD_LANDING_PAGE_TEMPLATE",
    "RDM_CUSTOM_FIELDS_UI",
    "RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS",
    "RDM_PERSISTENT_IDENTIFIER_PROVIDERS",
    "RDM_RECORDS_SERIALIZERS",
    "TECHDATA_LANDING_PANELS",
]
"""The settings this module adds to ``techdata.config``."""

_SERIALIZERS = "techdata.exports.serializers:"

APP_RDM_RECORD_EXPORTERS = {
    **_APP_RDM_RECORD_EXPORTERS,
    "datacite-json": {
        **_APP_RDM_RECORD_EXPORTERS["datacite-json"],
        "serializer": _SERIALIZERS + "TechDataDataCite45JSONSerializer",
    },
    "datacite-xml": {
        **_APP_RDM_RECORD_EXPORTERS["datacite-xml"],
        "serializer": _SERIALIZERS + "TechDataDataCite45XMLSerializer",
    },
    "dcat-ap": {
        **_APP_RDM_RECORD_EXPORTERS["dcat-ap"],
        "serializer": _SERIALIZERS + "TechDataDCATSerializer",
    },
}
"""InvenioRDM's exporters, DataCite and DCAT-AP with the cdtd classification."""


def _record_serializers_with_ours():
    """InvenioRDM's REST response handlers, DataCite and DCAT swapped for ours."""
    from flask_resources import ResponseHandler

    from .serializers import (
        TechDataDataCite45JSONSerializer,
        TechDataDataCite45XMLSerializer,
        TechDataDCATSerializer,
    )

    handlers = dict(_record_serializers)
    for mimetype, cls in (
        ("application/vnd.datacite.datacite+json", TechDataDataCite45JSONSerializer),
        ("application/vnd.datacite.datacite+xml", TechDataDataCite45XMLSerializer),
        ("application/dcat+xml", TechDataDCATSerializer),
    ):
        handlers[mimetype] = ResponseHandler(cls(), headers=handlers[mimetype].headers)
    return handlers


RDM_RECORDS_SERIALIZERS = _record_serializers_with_ours()
"""REST content negotiation of records, with our DataCite and DCAT serializers."""


def _with_our_datacite(providers, is_parent=False):
    """The PID providers with the DataCite one using our serializer."""
    from .serializers import TechDataDataCite45JSONSerializer

    out = []
    for provider in providers:
        if isinstance(provider, _providers.DataCitePIDProvider):
            provider = _providers.DataCitePIDProvider(
                provider.name,
                client=provider.client,
                serializer=TechDataDataCite45JSONSerializer(is_parent=is_parent),
                label=_("Concept DOI") if is_parent else _("DOI"),
            )
        out.append(provider)
    return out


RDM_PERSISTENT_IDENTIFIER_PROVIDERS = _with_our_datacite(_RDM_PID_PROVIDERS)
"""InvenioRDM's PID providers; DataCite DOIs are registered with our metadata."""

RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS = _with_our_datacite(
    _RDM_PARENT_PID_PROVIDERS, is_parent=True
)
"""Concept DOIs (parents) registered with our metadata too."""

APP_RDM_RECORD_LANDING_PAGE_TEMPLATE = _LANDING_TEMPLATE
"""The record page: InvenioRDM's, with panels of the classification and
directory fields (CD-TD Art. 2, 18, 19; LZ Art. 11; QY Art. 8)."""

TECHDATA_LANDING_PANELS = _landing_panels()
"""The panels of the record page: the Classification and Directory sections
of the deposit form (``techdata.exports.landing``)."""

RDM_CUSTOM_FIELDS_UI = _landing_custom_fields_ui()
"""The ``cdtd:`` sections of ``techdata.deposit.config``; those shown as our
panels are hidden from InvenioRDM's generic "Additional details" list."""
