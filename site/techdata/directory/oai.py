"""The OAI-PMH set of the open directory (QY Art. 23; LZ Art. 22: machine-readable).

invenio-oaiserver (v14) matches a set at request time: ``ListRecords&set=``
runs the set's ``search_pattern`` as a query string over the records index,
on top of InvenioRDM's OAI filter (an OAI id, public metadata, not deleted).
The pattern names exactly what puts a deposited record in the open
directory: the latest version, opening type 无条件开放 or 有条件开放, and a
passed confidentiality review. The review is not in the index, but the
``ConfidentialityGate`` refuses to publish open data without one (CD-TD
Art. 24), so every published record of an open type has passed it; a
不予开放 record is metadata-restricted and never matches.
"""

from flask import current_app
from invenio_db import db
from invenio_oaiserver.models import OAISet

SEARCH_PATTERN = (
    r"versions.is_latest:true AND "
    r"custom_fields.cdtd\:opening_type.id:(unconditional OR conditional)"
)
"""Records of the open directory (CD-TD Art. 24; QY Art. 22)."""


def ensure_oai_set():
    """Create (or correct) the ``open-directory`` set; returns its spec."""
    spec = current_app.config["TECHDATA_DIRECTORY_OAI_SET"]
    row = OAISet.query.filter_by(spec=spec).one_or_none()
    if row is None:
        row = OAISet(spec=spec, system_created=True)
        db.session.add(row)
    row.name = "开放目录 Open directory"
    row.description = ("成都科技数据开放目录：通过保密审查的无条件开放和有条件开放数据集 / "
                       "Chengdu tech-data open directory: datasets opened unconditionally or "
                       "conditionally after a passed confidentiality review")
    if row.search_pattern != SEARCH_PATTERN:
        row.search_pattern = SEARCH_PATTERN
    db.session.commit()
    return spec
