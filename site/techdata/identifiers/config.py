"""Settings of the identifiers: DataCite DOIs and CSTR (GB/T 32843).

``TECHDATA_*`` defaults, and the building blocks ``techdata.config`` assigns
InvenioRDM's keys from; this module assigns no InvenioRDM key. The DataCite connection (``DATACITE_ENABLED``,
``DATACITE_PREFIX``, ``DATACITE_USERNAME``, ``DATACITE_PASSWORD``,
``DATACITE_TEST_MODE``, ``DATACITE_URL``, ``DATACITE_FORMAT``) is the
deployment's business: ``invenio.cfg`` reads it from ``TD_DATACITE_*``
environment variables.

- :func:`with_doi_retries` (``RDM_PERSISTENT_IDENTIFIER_PROVIDERS`` and
  ``RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS``): the DataCite provider made
  a ``TechDataDataCitePIDProvider`` (configurable API address, remote
  registration first, retries), keeping its serializer; the parents get
  :data:`CSTR_PROVIDER` too.
- :data:`CSTR_PARENT_PID` (``RDM_PARENT_PERSISTENT_IDENTIFIERS["cstr"]``):
  required: every dataset gets one CSTR at its first publication, kept by all
  its versions. Parent PIDs are minted whatever the record's access
  (InvenioRDM skips required *record* PIDs of restricted records), so a
  不予开放 record gets its CSTR and no DOI.
- :func:`with_cstr_citation` (``RDM_RECORDS_SERIALIZERS``): the citation
  (``text/x-bibliography``, the landing page's citation box) ends with the CSTR.
"""

from flask_resources import ResponseHandler
from invenio_i18n import lazy_gettext as _
from invenio_rdm_records.services.pids import providers as _providers

from .citation import CSTRCitationSerializer
from .providers import (
    CSTRPIDProvider,
    TechDataDataCiteClient,
    TechDataDataCitePIDProvider,
    is_cstr,
    normalize_cstr,
)

__all__ = [
    "CSTR_PARENT_PID",
    "CSTR_PROVIDER",
    "TECHDATA_CSTR_AGENCY_CODE",
    "TECHDATA_CSTR_ENABLED",
    "TECHDATA_CSTR_LOCAL_FORMAT",
    "TECHDATA_CSTR_LOCAL_PATTERN",
    "TECHDATA_CSTR_TYPE_CODE",
    "TECHDATA_DOI_RETRY_DELAY",
    "TECHDATA_DOI_RETRY_MAX",
    "TECHDATA_DOI_RETRY_MAX_DELAY",
    "with_cstr_citation",
    "with_doi_retries",
]

# CSTR (GB/T 32843; XC: the registration certificate of deposited data)
# =====================================================================

TECHDATA_CSTR_ENABLED = True
"""Mint a CSTR for every dataset at its first publication."""

TECHDATA_CSTR_AGENCY_CODE = "99999"
"""5-digit registration-agency code (GB/T 32843); 99999 is a placeholder until the centre assigns ours."""

TECHDATA_CSTR_TYPE_CODE = "11"
"""2-digit resource-type code (GB/T 32843); 11 is scientific data."""

TECHDATA_CSTR_LOCAL_FORMAT = "cdtd.{year}-{seq:06d}"
"""Local part of a new CSTR: ``{year}`` of minting (China time), ``{seq}`` a never-reused database sequence number."""

TECHDATA_CSTR_LOCAL_PATTERN = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
"""Regular expression a CSTR's local part must match (resolver and PID validation)."""

# DataCite retries (the connection itself is set in invenio.cfg)
# =============================================================

TECHDATA_DOI_RETRY_DELAY = 60
"""Seconds before the first retry of a failed DOI registration; doubled at each retry."""

TECHDATA_DOI_RETRY_MAX_DELAY = 6 * 3600
"""Longest wait between two retries of a DOI registration, in seconds."""

TECHDATA_DOI_RETRY_MAX = 10
"""Retries of a failed DOI registration before it is left to an administrator."""


def with_doi_retries(providers):
    """The providers, the DataCite one(s) replaced by ``TechDataDataCitePIDProvider``."""
    out = []
    for provider in providers:
        if isinstance(provider, _providers.DataCitePIDProvider):
            provider = TechDataDataCitePIDProvider(
                provider.name,
                client=TechDataDataCiteClient(provider.client.name, config_prefix="DATACITE"),
                serializer=provider.serializer,
                label=provider.label,
            )
        out.append(provider)
    return out


CSTR_PROVIDER = CSTRPIDProvider("cstr")
"""The parent PID provider of the dataset's CSTR."""

CSTR_PARENT_PID = {
    "providers": ["cstr"],
    "required": True,
    "label": _("CSTR"),
    "validator": is_cstr,
    "normalizer": normalize_cstr,
    "is_enabled": CSTRPIDProvider.is_enabled,
}
"""The ``cstr`` parent (concept) PID, beside InvenioRDM's concept DOI."""


def with_cstr_citation(handlers):
    """The REST response ``handlers``, the formatted citation naming the CSTR."""
    handlers = dict(handlers)
    old = handlers["text/x-bibliography"]
    handlers["text/x-bibliography"] = ResponseHandler(
        CSTRCitationSerializer(url_args_retriever=old.serializer.url_args_retriever),
        headers=old.headers,
    )
    return handlers
