"""Building blocks of the exports: DataCite and DCAT-AP with the ``cdtd:`` fields.

``techdata.config`` assigns InvenioRDM's keys from these; this module assigns
none. Each function takes InvenioRDM's value and replaces only the DataCite
and DCAT entries, so the other export formats, content types and PID
providers stay as InvenioRDM configures them:

- :func:`with_our_exporters`: ``APP_RDM_RECORD_EXPORTERS``, the export menu
  of the landing page and ``/records/<id>/export/<format>``;
- :func:`with_our_serializers`: ``RDM_RECORDS_SERIALIZERS``, REST content
  negotiation (``Accept: application/vnd.datacite.datacite+json`` etc. on
  ``/api/records``);
- :func:`with_our_datacite`: the DataCite DOI provider of
  ``RDM_PERSISTENT_IDENTIFIER_PROVIDERS`` and
  ``RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS`` takes its serializer as a
  constructor argument (there is no setting for it), so it is rebuilt with
  ours: what DataCite receives is what the export shows;
- :data:`LANDING_TEMPLATE` and :func:`landing_custom_fields_ui`: the record
  page (``APP_RDM_RECORD_LANDING_PAGE_TEMPLATE``, ``RDM_CUSTOM_FIELDS_UI``).

:data:`TECHDATA_LANDING_PANELS` is a feature setting: the ``TechData``
extension gives it its default.
"""

from flask_resources import ResponseHandler
from invenio_i18n import lazy_gettext as _
from invenio_rdm_records.services.pids import providers as _providers

from .landing import LANDING_TEMPLATE, landing_custom_fields_ui, landing_panels
from .serializers import (
    TechDataDataCite45JSONSerializer,
    TechDataDataCite45XMLSerializer,
    TechDataDCATSerializer,
    TechDataSchemaorgJSONLDSerializer,
)

__all__ = (
    "LANDING_TEMPLATE",
    "TECHDATA_LANDING_PANELS",
    "landing_custom_fields_ui",
    "with_our_datacite",
    "with_our_exporters",
    "with_our_serializers",
)

_SERIALIZERS = "techdata.exports.serializers:"

OUR_EXPORTERS = {
    "datacite-json": _SERIALIZERS + "TechDataDataCite45JSONSerializer",
    "datacite-xml": _SERIALIZERS + "TechDataDataCite45XMLSerializer",
    "dcat-ap": _SERIALIZERS + "TechDataDCATSerializer",
    "json-ld": _SERIALIZERS + "TechDataSchemaorgJSONLDSerializer",
}
"""Export-menu format -> our serializer (import string, as InvenioRDM expects)."""

OUR_MIMETYPES = {
    "application/vnd.datacite.datacite+json": TechDataDataCite45JSONSerializer,
    "application/vnd.datacite.datacite+xml": TechDataDataCite45XMLSerializer,
    "application/dcat+xml": TechDataDCATSerializer,
    "application/ld+json": TechDataSchemaorgJSONLDSerializer,
}
"""REST content type -> our serializer class."""


def with_our_exporters(exporters):
    """InvenioRDM's ``exporters``, DataCite, DCAT-AP and schema.org with the cdtd fields."""
    return {
        **exporters,
        **{fmt: {**exporters[fmt], "serializer": path} for fmt, path in OUR_EXPORTERS.items()},
    }


def with_our_serializers(handlers):
    """InvenioRDM's REST response ``handlers``, DataCite and DCAT swapped for ours."""
    handlers = dict(handlers)
    for mimetype, cls in OUR_MIMETYPES.items():
        handlers[mimetype] = ResponseHandler(cls(), headers=handlers[mimetype].headers)
    return handlers


def with_our_datacite(providers, is_parent=False):
    """The PID ``providers``, the DataCite one registering our DataCite JSON."""
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


TECHDATA_LANDING_PANELS = landing_panels()
"""The panels of the record page: the Classification and Directory sections
of the deposit form (``techdata.exports.landing``)."""
