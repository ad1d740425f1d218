"""Projects name their lead entity and department by id (issue 18).

``lead_entity`` and ``department`` keep their field names but hold the ids of
the entities feature (an entity's unified social credit code or vocabulary
id; a department's id). A name or a credit code given instead (an API
client, the program-management system's export) is mapped to the id; the
import refuses a row whose entity or department is unknown, and the set-up
migration :func:`map_stored_projects` maps the free text stored before,
keeping (and listing) what it cannot map. Pages and certificates show the
name, never the id.
"""

from invenio_db import db
from invenio_records_resources.services.records.components import ServiceComponent

from ..entities.proxies import current_entities_service
from ..kernel.i18n import _, bilingual
from .proxies import current_projects_service
from .records.api import ProjectRecord

FIELDS = (("lead_entity", "resolve_entity"), ("department", "resolve_department"))
"""The fields naming an entity or department, and the service lookup of each."""


def map_ids(doc):
    """Replace names and credit codes in ``doc`` by ids; returns ``[(field, value)]`` of the
    values that name nothing known (left as they are)."""
    unknown = []
    for field, lookup in FIELDS:
        value = doc.get(field)
        if not value:
            continue
        found = getattr(current_entities_service, lookup)(value)
        if found is None:
            unknown.append((field, value))
        elif found != value:
            doc[field] = found
    return unknown


def unknown_messages(unknown):
    """marshmallow-style ``{field: [bilingual message]}`` of unknown entities/departments."""
    out = {}
    for field, value in unknown:
        if field == "lead_entity":
            message = _("No entity %(value)s: give its name or unified social credit code as "
                        "registered here (the bureau adds entities).", value=str(value)[:100])
        else:
            message = _("No competent department %(value)s: give its name or id as registered "
                        "here.", value=str(value)[:100])
        out[field] = [bilingual(message)]
    return out


def entity_name(entity_id):
    """The Chinese name of ``entity_id`` (as certificates state it), else the value itself."""
    names = current_entities_service.entity_names([entity_id]) if entity_id else {}
    return (names.get(entity_id) or {}).get("zh") or entity_id


def add_names(rows):
    """Add ``lead_entity_name`` and ``department_name`` (Chinese) to project dicts (lists,
    exports)."""
    entities = current_entities_service.entity_names([r.get("lead_entity") for r in rows])
    departments = current_entities_service.department_names([r.get("department") for r in rows])
    for r in rows:
        r["lead_entity_name"] = (entities.get(r.get("lead_entity")) or {}).get("zh") \
            or r.get("lead_entity")
        r["department_name"] = (departments.get(r.get("department")) or {}).get("zh") \
            or r.get("department")
    return rows


class ProjectEntityComponent(ServiceComponent):
    """A saved project holds ids: names and credit codes are mapped when known."""

    def create(self, identity, data=None, record=None, **kwargs):
        """Map the new project's entity and department."""
        map_ids(record)

    def update(self, identity, data=None, record=None, **kwargs):
        """Map the changed project's entity and department."""
        map_ids(record)


def map_stored_projects():
    """Set-up migration: stored projects' free-text entity/department mapped to ids.

    Returns ``(mapped projects, [(number, field, value)] left as they were)``;
    a second run maps nothing more (ids resolve to themselves).
    """
    changed, unknown = [], []
    model = ProjectRecord.model_cls
    for row in model.query.filter(model.is_deleted.is_(False)).all():
        record = ProjectRecord(row.json, model=row)
        before = {f: record.get(f) for f, _lookup in FIELDS}
        left = map_ids(record)
        unknown.extend((record.get("number"), f, v) for f, v in left)
        if any(record.get(f) != before[f] for f in before):
            record.commit()
            changed.append(row.id)
    db.session.commit()
    if changed:
        current_projects_service.indexer.bulk_index(changed)
        current_projects_service.indexer.process_bulk_queue()
    return len(changed), unknown
