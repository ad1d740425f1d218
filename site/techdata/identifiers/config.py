"""Settings of the identifiers: DataCite DOIs and CSTR (GB/T 32843).

Star-imported at the very end of ``techdata.config``, so what is set here
wins over earlier settings. The DataCite connection (``DATACITE_ENABLED``,
``DATACITE_PREFIX``, ``DATACITE_USERNAME``, ``DATACITE_PASSWORD``,
``DATACITE_TEST_MODE``, ``DATACITE_URL``, ``DATACITE_FORMAT``) is the
deployment's business: ``invenio.cfg`` reads it from ``TD_DATACITE_*``
environment variables.

- ``RDM_PERSISTENT_IDENTIFIER_PROVIDERS`` and
  ``RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS``: those of
  ``techdata.exports.config`` (our DataCite serializer), the DataCite one
  made a ``TechDataDataCitePIDProvider`` (configurable API address, remote
  registration first, retries); the parent's get the ``CSTRPIDProvider``.
- ``RDM_PARENT_PERSISTENT_IDENTIFIERS``: InvenioRDM's (the concept DOI) plus
  ``cstr``, required: every dataset gets one CSTR at its first publication,
  kept by all its versions. Parent PIDs are minted whatever the record's
  access (InvenioRDM skips required *record* PIDs of restricted records), so
  a 不予开放 record gets its CSTR and no DOI.
- ``RDM_RECORDS_SERIALIZERS``: the citation (``text/x-bibliography``, the
  landing page's citation box) ends with the CSTR.
"""

from invenio_i18n import lazy_gettext as _
from invenio_rdm_records.config import (
    RDM_PARENT_PERSISTENT_IDENTIFIERS as _RDM_PARENT_PERSISTENT_IDENTIFIERS,
)
from invenio_rdm_records.services.pids import providers as _providers

from ..exports.config import (
    RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS as _EXPORTS_PARENT_PROVIDERS,
)
from ..exports.config import (
    RDM_PERSISTENT_IDENTIFIER_PROVIDERS as _EXPORTS_PROVIDERS,
)
from ..exports.config import RDM_RECORDS_SERIALIZERS as _EXPORTS_SERIALIZERS
from .providers import (
    CSTRPIDProvider,
    TechDataDataCiteClient,
    TechDataDataCitePIDProvider,
    is_cstr,
    normalize_cstr,
)

__all__ = [
    "RDM_PARENT_PERSISTENT_IDENTIFIERS",
    "RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS",
    "RDM_PERSISTENT_IDENTIFIER_PROVIDERS",
    "RDM_RECORDS_SERIALIZERS",
    "TECHDATA_CSTR_AGENCY_CODE",
    "TECHDATA_CSTR_ENABLED",
    "TECHDATA_CSTR_LOCAL_FORMAT",
    "TECHDATA_CSTR_LOCAL_PATTERN",
    "TECHDATA_CSTR_TYPE_CODE",
    "TECHDATA_DOI_RETRY_DELAY",
    "TECHDATA_DOI_RETRY_MAX",
    "TECHDATA_DOI_RETRY_MAX_DELAY",
]
"""The settings this module adds to ``techdata.config``."""

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


def _with_our_datacite(providers):
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


RDM_PERSISTENT_IDENTIFIER_PROVIDERS = _with_our_datacite(_EXPORTS_PROVIDERS)
"""InvenioRDM's record PID providers; DOIs registered with retries, our metadata."""

RDM_PARENT_PERSISTENT_IDENTIFIER_PROVIDERS = _with_our_datacite(_EXPORTS_PARENT_PROVIDERS) + [
    CSTRPIDProvider("cstr"),
]
"""Concept DOI (with retries, our metadata) and the dataset's CSTR."""

RDM_PARENT_PERSISTENT_IDENTIFIERS = {
    **_RDM_PARENT_PERSISTENT_IDENTIFIERS,
    "cstr": {
        "providers": ["cstr"],
        "required": True,
        "label": _("CSTR"),
        "validator": is_cstr,
        "normalizer": normalize_cstr,
        "is_enabled": CSTRPIDProvider.is_enabled,
    },
}
"""Parent (concept) PIDs: InvenioRDM's concept DOI and our CSTR."""


def _serializers_with_cstr_citation():
    """The REST serializers of ``techdata.exports``, the citation with the CSTR."""
    from flask_resources import ResponseHandler

    from .citation import CSTRCitationSerializer

    handlers = dict(_EXPORTS_SERIALIZERS)
    old = handlers["text/x-bibliography"]
    handlers["text/x-bibliography"] = ResponseHandler(
        CSTRCitationSerializer(url_args_retriever=old.serializer.url_args_retriever),
        headers=old.headers,
    )
    return handlers


RDM_RECORDS_SERIALIZERS = _serializers_with_cstr_citation()
"""REST content negotiation; the formatted citation names the CSTR."""
