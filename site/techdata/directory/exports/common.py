"""What every export format shares: entry normalisation, the catalog, chunking."""

from ..fields import DIRECTORY_FIELDS, FIELD_KEYS

CHUNK_SIZE = 64 * 1024
"""Characters gathered before a chunk is handed to the client (about 64-192 KiB)."""

CATALOG_KEYS = ("id", "title_zh", "title_en", "number", "issued", "publisher", "url", "errata")
"""Keys of the ``catalog`` dict every serialiser receives (issue 7 interface; ``errata``:
a release's errata, dicts with ``note_zh``, ``note_en``, ``corrected_by`` (number),
``corrected_by_url`` and ``created_at``, or ``None``)."""


def normalise(entry):
    """The entry as a dict with every directory field, in publication order.

    A missing key becomes ``None``; keys that are not directory fields are
    dropped, so an export never carries more than the directory publishes.
    """
    return {key: entry.get(key) for key in FIELD_KEYS}


def catalog_info(catalog):
    """The catalog dict with every key of :data:`CATALOG_KEYS` (missing → ``None``).

    A date or date-time given as an object becomes its ISO 8601 text.
    """
    catalog = catalog or {}
    info = {key: catalog.get(key) for key in CATALOG_KEYS}
    if hasattr(info["issued"], "isoformat"):
        info["issued"] = info["issued"].isoformat()
    return info


def field_table():
    """The directory fields as dicts (key, zh, en, kind, article) for self-description."""
    return [f._asdict() for f in DIRECTORY_FIELDS]


def chunked(pieces, size=CHUNK_SIZE):
    """Join an iterable of text pieces into UTF-8 ``bytes`` chunks of about ``size``.

    Nothing but the current chunk is held, so memory does not grow with the
    number of entries.
    """
    buf, length = [], 0
    for piece in pieces:
        buf.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buf).encode("utf-8")
            buf, length = [], 0
    if buf:
        yield "".join(buf).encode("utf-8")
