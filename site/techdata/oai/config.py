"""Building blocks of the ``OAISERVER_*`` keys (``techdata.config`` assigns them).

:data:`REPOSITORY_NAME` is a plain string: invenio-oaiserver defaults
``OAISERVER_REPOSITORY_NAME`` to ``THEME_SITENAME``, which is a lazy
(translatable) string here, and lxml cannot serialise that (Identify was
HTTP 500).
"""

OAI_FORMATS = "techdata.oai.formats:"

REPOSITORY_NAME = "成都科技数据汇交平台 Chengdu Tech-Data Repository"
"""``repositoryName`` of Identify (a plain ``str``)."""

SEARCH_CLS = "techdata.oai.search:OAIPagedSearch"
"""``OAISERVER_SEARCH_CLS``: InvenioRDM's OAI filter, paged without a scroll cursor."""

RESUMPTION_TOKEN_EXPIRE_TIME = 60 * 60
"""Seconds a resumption token stays valid (one hour; paging holds no cursor open)."""

OUR_FORMATS = {
    "oai_dc": OAI_FORMATS + "dublincore_etree",
    "datacite": OAI_FORMATS + "datacite_etree",
    "datacite4": OAI_FORMATS + "datacite_etree",
    "oai_datacite": OAI_FORMATS + "oai_datacite_etree",
    "oai_datacite4": OAI_FORMATS + "oai_datacite_etree",
}
"""Metadata prefix -> our serializer (the ``cdtd`` classification, opening type)."""


def with_our_formats(formats):
    """InvenioRDM's ``OAISERVER_METADATA_FORMATS``, Dublin Core and DataCite ours."""
    return {
        **formats,
        **{prefix: {**formats[prefix], "serializer": path}
           for prefix, path in OUR_FORMATS.items() if prefix in formats},
    }
