"""Who answers a request from outside, and how to reach the people on either side.

The providing entity of a record (the request's receiver) is the data-centre
community the record belongs to (its owners, managers and curators act for
it) or, for a record in no community, its owner. A request not about a
record goes to a data centre the applicant chooses (the city centre by
default), an appeal to a role (the expert committee).
"""

from invenio_access.permissions import system_identity
from invenio_accounts.models import Role, User
from invenio_communities.communities.records.api import Community
from invenio_communities.members.records.models import MemberModel
from invenio_communities.proxies import current_communities
from invenio_db import db

from ..entities.models import VERIFIED
from ..entities.proxies import current_entities_service
from ..kernel.errors import DomainError
from ..kernel.i18n import _
from ..kernel.roles import role_users
from ..kernel.scopes import DATA_ADMIN
from ..review.centres import centre_level, ensure_city_centre
from .common import refuse
from .generators import PROVIDER_TYPES, providing_entity_of

PROVIDER_ROLES = ["owner", "manager", "curator"]
"""Community roles that act for a providing entity (a data-centre community)."""


def provider_of(record):
    """The receiver answering for ``record``: its community, else its owner."""
    community = record.parent.communities.default
    if community is not None:
        return community
    owner = record.parent.access.owned_by
    user = db.session.get(User, int(owner.owner_id)) if owner else None
    if user is None:
        refuse(_("This dataset has no provider to answer."), "record")
    return user


def data_centre(ref=None, field="community"):
    """A data-centre community by id or slug (default: the city centre; CD-TD Art. 10)."""
    ref = ref or ensure_city_centre()
    try:
        item = current_communities.service.read(system_identity, ref)
    except Exception:  # noqa: BLE001  (unknown id or slug)
        refuse(_("No such data centre: %(ref)s", ref=ref), field)
    community = Community.get_record(item.id)
    if centre_level(community) is None:
        refuse(_("%(ref)s is not a data centre (CD-TD Art. 10).", ref=ref), field)
    return community


def role(name):
    """The role ``name`` (a group receiver), created by set-up."""
    found = db.session.get(Role, name) or Role.query.filter_by(name=name).one_or_none()
    if found is None:
        refuse(_("The role %(name)s does not exist.", name=name), "receiver")
    return found


def entity_admin_users(request_json):
    """The verified data admins of the providing entity of the dataset a request is about
    (they answer it beside the receiver; issue 18, CD-TD Art. 9)."""
    if request_json.get("type") not in PROVIDER_TYPES:
        return []
    entity_id = providing_entity_of((request_json.get("topic") or {}).get("record"))
    if not entity_id:
        return []
    try:
        members = current_entities_service.members(entity_id, status=VERIFIED)
    except DomainError:  # an entity the platform does not know
        return []
    return [user for user in (db.session.get(User, m["user_id"]) for m in members
                              if m["role"] == DATA_ADMIN) if user is not None]


def provider_users(request_json):
    """Active accounts of whoever answers the request: its receiver and the providing
    entity's verified data admins."""
    receiver = request_json.get("receiver") or {}
    users = {u.id: u for u in entity_admin_users(request_json)}
    if "user" in receiver:
        user = db.session.get(User, int(receiver["user"]))
        if user is not None:
            users[user.id] = user
    elif "group" in receiver:
        users.update({u.id: u for u in role_users([receiver["group"]])})
    elif "community" in receiver:
        members = MemberModel.query.filter(
            MemberModel.community_id == receiver["community"],
            MemberModel.role.in_(PROVIDER_ROLES),
            MemberModel.active.is_(True),
        ).all()
        for m in members:
            if m.user_id:
                user = db.session.get(User, m.user_id)
                if user is not None:
                    users[user.id] = user
            elif m.group_id:
                users.update({u.id: u for u in role_users([m.group_id])})
    return [u for u in users.values() if u.active]


def applicant_user(request_json):
    """The applicant's account (the request's creator), if active."""
    creator = (request_json.get("created_by") or {}).get("user")
    user = db.session.get(User, int(creator)) if creator and str(creator).isdigit() else None
    return user if user is not None and user.active else None


def provider_emails(request_json):
    """E-mail addresses of whoever answers the request (its receiver)."""
    return sorted({u.email for u in provider_users(request_json)})


def applicant_emails(request_json):
    """E-mail address of the applicant (the request's creator)."""
    user = applicant_user(request_json)
    return [user.email] if user else []
