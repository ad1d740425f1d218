"""Percolator queries of the OAI sets: set membership in record headers.

invenio-oaiserver finds a record's sets (``<setSpec>`` of its header) by
percolating it against one stored query per set, in a ``…-percolators``
index it creates from the records' mapping *file*. That file lacks the
``custom_fields`` mappings (``invenio rdm-records custom-fields init`` adds
them to the live index only), so storing the ``open-directory`` query failed
("No field mapping … custom_fields.cdtd:opening_type.id") and no header
named the set. :func:`register_percolators` (a step of ``techdata upgrade``,
after the custom-field init) gives the percolator index the live mapping and
(re)stores every set's query.
"""

import json

from flask import current_app
from invenio_oaiserver.models import OAISet
from invenio_oaiserver.query import query_string_parser
from invenio_search import current_search, current_search_client
from invenio_search.utils import build_alias_name, build_index_name

PERCOLATOR_SUFFIX = "-percolators"
"""invenio-oaiserver's name suffix of the dedicated percolator index."""


def record_mappings():
    """Names of the search mappings of the OAI records index."""
    base = str(current_app.config["OAISERVER_RECORD_INDEX"])
    return [name for name in current_search.mappings if name.startswith(base)]


def ensure_percolator_index(name):
    """The percolator index of mapping ``name``, with the live records mapping."""
    client = current_search_client
    index = build_index_name(name, suffix="", app=current_app) + PERCOLATOR_SUFFIX
    if not client.indices.exists(index=index):
        with open(current_search.mappings[name]) as body:
            client.indices.create(index=index, body=json.load(body))
    live = client.indices.get_mapping(index=build_alias_name(name, app=current_app))
    properties = {}
    for mapping in live.values():
        properties.update(mapping["mappings"].get("properties", {}))
    properties["query"] = {"type": "percolator"}
    client.indices.put_mapping(index=index, body={"properties": properties})
    return index


def register_percolators():
    """(Re)store the query of every OAI set with a search pattern; returns their number."""
    sets = [s for s in OAISet.query.all() if s.search_pattern]
    for name in record_mappings():
        index = ensure_percolator_index(name)
        for oai_set in sets:
            query = query_string_parser(search_pattern=oai_set.search_pattern).to_dict()
            current_search_client.index(index=index, id=f"oaiset-{oai_set.spec}",
                                        body={"query": query}, refresh=True)
    return len(sets)
