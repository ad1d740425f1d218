"""The export formats of the directory and the one entry point, :func:`serialise`."""

from collections import namedtuple

from .common import CHUNK_SIZE
from .dcat import serialise_jsonld, serialise_ttl
from .jsondoc import serialise_json
from .tabular import serialise_csv, serialise_xlsx

ExportFormat = namedtuple("ExportFormat", "name extension mimetype serialiser")
"""One export format: its ``format=`` name, file extension, media type, serialiser.

The media type has no parameters: Flask adds ``charset=utf-8`` to a ``text/*``
type itself (once; issue 14 found it twice)."""

FORMATS = {
    f.name: f for f in (
        ExportFormat("csv", "csv", "text/csv", serialise_csv),
        ExportFormat("xlsx", "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     serialise_xlsx),
        ExportFormat("json", "json", "application/json", serialise_json),
        ExportFormat("ttl", "ttl", "text/turtle", serialise_ttl),
        ExportFormat("jsonld", "jsonld", "application/ld+json", serialise_jsonld),
    )
}
"""The export formats by name (csv, xlsx, json, ttl, jsonld), in menu order."""


class UnknownFormat(ValueError):
    """A ``format`` that is not one of :data:`FORMATS`."""


def get_format(fmt):
    """The :class:`ExportFormat` named ``fmt`` (case-insensitive); :class:`UnknownFormat` else."""
    found = FORMATS.get(str(fmt or "").strip().lower())
    if found is None:
        raise UnknownFormat(fmt)
    return found


def serialise(entries, fmt, catalog, chunk_size=CHUNK_SIZE):
    """Yield the export of ``entries`` (any iterable of entry dicts) as ``bytes`` chunks.

    ``catalog`` describes the directory or release (see
    :data:`techdata.directory.exports.common.CATALOG_KEYS`). Entries are read
    one at a time as the chunks are consumed; none is kept.
    """
    return get_format(fmt).serialiser(entries, catalog, chunk_size=chunk_size)
