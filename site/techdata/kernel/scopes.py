"""Scopes: which entity, department or programme an identity acts for (issue 18).

The contract between the entities feature and every other feature, so that none
imports another: the entities feature puts *scope needs* on an identity when it
is loaded (one per verified membership, per department an account administers,
per programme a manager runs); policies and queries of the other features ask
this module which scopes an identity holds, or use :class:`InScope` in a
permission policy. A need names the kind of scope, the id and the role held
there: ``Need(method="entity", value=("91510100MA6C...", "data-admin"))``.

Roles held at an entity (CD-TD Art. 4-5, 8; QY Art. 5): ``member``,
``data-admin`` and ``security-officer``.
"""

from collections import namedtuple

from flask_principal import Need
from invenio_records_permissions.generators import Generator
from invenio_search.engine import dsl

#: Kinds of scope, the ``method`` of a scope need.
ENTITY = "entity"
DEPARTMENT = "department"
PROGRAM = "program"

#: Roles held at an entity.
MEMBER = "member"
DATA_ADMIN = "data-admin"
SECURITY_OFFICER = "security-officer"
ENTITY_ROLES = (MEMBER, DATA_ADMIN, SECURITY_OFFICER)

#: Any role at a department or programme (who administers it).
ADMIN = "admin"

Scope = namedtuple("Scope", "kind id role")


def scope_need(kind, scope_id, role=ADMIN):
    """The need an identity holds for ``role`` at the ``kind`` scope ``scope_id``."""
    return Need(kind, (str(scope_id), role))


def scopes_of(identity, kind, *roles):
    """Ids of the ``kind`` scopes where ``identity`` holds one of ``roles`` (any if none)."""
    if identity is None:
        return set()
    return {need.value[0] for need in identity.provides
            if need.method == kind and (not roles or need.value[1] in roles)}


def holds_scope(identity, kind, scope_id, *roles):
    """Whether ``identity`` holds one of ``roles`` (any if none) at ``kind`` ``scope_id``."""
    return str(scope_id) in scopes_of(identity, kind, *roles)


class InScope(Generator):
    """Whoever holds a scope role at the scope a record names.

    ``InScope(kind=ENTITY, field="entity", scope_roles=(DATA_ADMIN,))`` allows the data
    admins of the entity named by the record's ``field`` (a dotted path in the record and
    its search document; a dict value gives its ``id``). Scope needs are only given for
    verified memberships, so the scope alone is the evidence; combine with
    ``DomainRoles`` in a policy for the platform-wide roles.
    """

    def __init__(self, kind, field, scope_roles=()):
        """``kind``: scope kind; ``field``: dotted path of the id; ``scope_roles``: any if empty."""
        self.kind, self.field, self.scope_roles = kind, field, tuple(scope_roles)

    def _value(self, record):
        value = record
        for part in self.field.split("."):
            if value is None:
                return None
            value = value.get(part) if hasattr(value, "get") else getattr(value, part, None)
        if isinstance(value, dict):
            value = value.get("id")
        return value

    def needs(self, record=None, **kwargs):
        """The scope needs of the record's id (none for a record that names none)."""
        value = self._value(record) if record is not None else None
        if value is None:
            return []
        roles = self.scope_roles or (ENTITY_ROLES if self.kind == ENTITY else (ADMIN,))
        return [scope_need(self.kind, value, role) for role in roles]

    def query_filter(self, identity=None, **kwargs):
        """The records of the scopes the identity holds."""
        ids = sorted(scopes_of(identity, self.kind, *self.scope_roles))
        if not ids:
            return []
        return dsl.Q("terms", **{self.field: ids})
