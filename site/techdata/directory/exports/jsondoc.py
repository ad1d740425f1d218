"""JSON: ``{"catalog": {...}, "entries": [...]}``, written entry by entry.

``catalog`` is the catalog dict of the export plus ``fields`` (key, Chinese
and English heading, kind, rule article of every directory field); each
entry carries every directory field, in publication order (absent values as
``null``). The list is never built: each entry is encoded as it arrives.
"""

import json

from .common import CHUNK_SIZE, catalog_info, chunked, field_table, normalise


def json_pieces(entries, catalog):
    """Text pieces of the JSON document."""
    head = {**catalog_info(catalog), "fields": field_table()}
    yield '{"catalog": ' + json.dumps(head, ensure_ascii=False) + ', "entries": ['
    sep = "\n"
    for entry in entries:
        yield sep + json.dumps(normalise(entry), ensure_ascii=False, default=str)
        sep = ",\n"
    yield "\n]}\n"


def serialise_json(entries, catalog, chunk_size=CHUNK_SIZE):
    """``bytes`` chunks of the JSON export."""
    return chunked(json_pieces(entries, catalog), chunk_size)
