"""Permission generators of requests from outside (the requests policy) and of government
sharing (the record policy: files of 无条件共享 data, CD-PD Art. 22, 26)."""

import re

from invenio_rdm_records.records.models import RDMRecordMetadata
from invenio_records_permissions.generators import ConditionalGenerator, Generator
from invenio_search.engine import dsl

from ..kernel.generators import DomainRoles
from ..kernel.labels import NAMESPACE, NOT_OPENED
from ..kernel.scopes import (
    ADMIN, DATA_ADMIN, DEPARTMENT, ENTITY, ENTITY_ROLES, scope_need, scopes_of)

UNCONDITIONAL = "unconditional"
"""无条件共享, the sharing type id (CD-PD Art. 25)."""


class IfRequestType(ConditionalGenerator):
    """``then_`` for requests of the given types, ``else_`` for every other request."""

    def __init__(self, type_ids, then_, else_):
        """``type_ids``: request type ids the ``then_`` generators apply to."""
        super().__init__(then_, else_)
        self.type_ids = tuple(type_ids)

    def _condition(self, request=None, **kwargs):
        """True when ``request`` is of one of the types."""
        return request is not None and request.type.type_id in self.type_ids


DELIVERING_TYPES = ("data-service",)
"""Types whose request files are the receiver's deliverables: only the receiver uploads
them (CD-TD Art. 20; issue 20: an applicant's own upload is no delivery)."""


SCOPE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""An entity or department id in a sharing scope (vocabulary ids, credit codes)."""

SCOPE_SEPARATORS = re.compile(r"[\s,，、;；/]+")
"""What separates the ids of a sharing scope."""


def sharing_scope_ids(text):
    """The entity/department ids a sharing scope names (CD-TD Art. 19 共享范围).

    A scope is a list of ids separated by commas, 、 or spaces (``"kjj, sthjj"``);
    words that are not ids (``"成都市政务部门"``) name no one in particular, so a
    scope without any id is every government unit (CD-PD Art. 22: 无条件共享 data is
    provided to every government unit that needs it).
    """
    return sorted({t for t in SCOPE_SEPARATORS.split(text or "") if SCOPE_ID.match(t)})


def shared_unconditionally_not_opened(record):
    """True for a 不予开放 record whose sharing type is 无条件共享 (CD-PD Art. 22, 26)."""
    if record is None:
        return False
    cf = record.get("custom_fields") or {}
    return ((cf.get(f"{NAMESPACE}:opening_type") or {}).get("id") == NOT_OPENED
            and (cf.get(f"{NAMESPACE}:sharing_type") or {}).get("id") == UNCONDITIONAL)


class GovernmentSharing(Generator):
    """The government units a 不予开放 but 无条件共享 record is shared with read its FILES.

    CD-PD Art. 22, 26; QY Art. 16: data shared unconditionally is provided to the
    government units without an application, even where it is not opened to the
    public. Who: the holders of ``TECHDATA_ACCESS_SHARING_ROLES`` when the record's
    sharing scope names no entity or department; else the verified members of the
    entities it names and the administrators of the departments it names
    (:mod:`techdata.kernel.scopes`; the scope is the evidence).
    """

    def needs(self, record=None, **kwargs):
        """Role or scope needs for such a record, none for any other."""
        if not shared_unconditionally_not_opened(record):
            return []
        ids = sharing_scope_ids((record.get("custom_fields") or {})
                                .get(f"{NAMESPACE}:sharing_scope"))
        if not ids:
            return DomainRoles("config:TECHDATA_ACCESS_SHARING_ROLES").needs()
        return ([scope_need(ENTITY, i, role) for i in ids for role in ENTITY_ROLES]
                + [scope_need(DEPARTMENT, i, ADMIN) for i in ids])


PROVIDER_TYPES = ("conditional-access", "conditional-sharing", "opening-application",
                  "correction")
"""Types answered by the dataset's provider (an appeal goes to the expert committee, a data
service to the data centre the applicant named)."""

PROVIDING_ENTITY_PATH = ("custom_fields", f"{NAMESPACE}:providing_entity", "id")
"""Where a record names its providing entity (CD-TD Art. 19)."""


def providing_entity_of(recid):
    """The providing entity id of the published dataset ``recid`` (None if it names none)."""
    if not recid:
        return None
    column = RDMRecordMetadata.json
    row = (RDMRecordMetadata.query
           .with_entities(column[PROVIDING_ENTITY_PATH[0]][PROVIDING_ENTITY_PATH[1]]
                          [PROVIDING_ENTITY_PATH[2]].as_string())
           .filter(column["id"].as_string() == str(recid)).first())
    return row[0] if row and row[0] else None


def records_of_entities(entity_ids):
    """Ids of the published datasets (every version) whose providing entity is in ``entity_ids``."""
    if not entity_ids:
        return []
    column = RDMRecordMetadata.json
    entity = column[PROVIDING_ENTITY_PATH[0]][PROVIDING_ENTITY_PATH[1]][PROVIDING_ENTITY_PATH[2]]
    rows = (RDMRecordMetadata.query.with_entities(column["id"].as_string())
            .filter(entity.as_string().in_(sorted(entity_ids))).all())
    return sorted({r[0] for r in rows if r[0]})


class ProvidingEntityAdmins(Generator):
    """The verified data admins of the entity providing the dataset a request is about.

    Requests from outside are addressed to the providing entity (CD-TD Art. 9; CD-PD Art.
    26, 34; QY Art. 24): besides its data centre's curators (the receiver), the data
    admins of the record's ``cdtd:providing_entity`` read and answer them, and nobody of
    another entity (issue 18). ``needs``: the entity's data-admin scope need for a request
    of :data:`PROVIDER_TYPES` whose topic is a record naming an entity; ``query_filter``:
    the requests of those types about the datasets of the identity's entities.
    """

    def needs(self, request=None, **kwargs):
        """The providing entity's data-admin need, none for another request."""
        if request is None or request.type.type_id not in PROVIDER_TYPES:
            return []
        topic = request.get("topic") or {}
        entity_id = providing_entity_of(topic.get("record"))
        return [scope_need(ENTITY, entity_id, DATA_ADMIN)] if entity_id else []

    def query_filter(self, identity=None, **kwargs):
        """Requests of the provider's types about the datasets of the identity's entities."""
        recids = records_of_entities(scopes_of(identity, ENTITY, DATA_ADMIN))
        if not recids:
            return []
        return (dsl.Q("terms", **{"topic.record": recids})
                & dsl.Q("terms", type=list(PROVIDER_TYPES)))
