"""Filing a request from outside: who answers it, and create + submit in one step.

Used by the opening application, the appeal, the correction and the
value-added service (``opening.py``, ``appeal.py``, ``correction.py``,
``service_request.py``). The applicant's form data is checked with a
marshmallow schema first (errors "中文 / English", a 400; nothing stored),
then the request is created with the providing entity as receiver and
submitted, which starts its working-day clock (``base.ClockedSubmitAction``).

The providing entity of a record (its receiver) is the data-centre community
the record belongs to (its owners, managers and curators act for it) or, for
a record in no community, its owner — the same rule as ``base.py``.
"""

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_accounts.models import Role, User
from invenio_communities.communities.records.api import Community
from invenio_communities.proxies import current_communities
from invenio_db import db
from invenio_rdm_records.records.api import RDMRecord
from invenio_records_resources.services.uow import UnitOfWork
from invenio_requests.proxies import current_requests_service

from ..review.centres import centre_level, ensure_city_centre
from .base import execute_clocked, refuse

NO_RECORD = "没有这个已发布的数据集 / No such published dataset: {id}"
"""Message for an unknown or unpublished record id."""


def published_record(recid, field="record"):
    """The published record ``recid`` (a bilingual 400 if there is none)."""
    try:
        return RDMRecord.pid.resolve(str(recid))
    except Exception:  # unknown, deleted, or not published
        refuse(NO_RECORD.format(id=recid), field)


def provider_of(record):
    """The receiver answering for ``record``: its community, else its owner."""
    community = record.parent.communities.default
    if community is not None:
        return community
    owner = record.parent.access.owned_by
    user = db.session.get(User, int(owner.owner_id)) if owner else None
    if user is None:
        refuse("该数据集没有可答复的提供单位 / This dataset has no provider to answer.", "record")
    return user


def data_centre(ref=None, field="community"):
    """A data-centre community by id or slug (default: the city centre)."""
    ref = ref or ensure_city_centre()
    try:
        item = current_communities.service.read(system_identity, ref)
    except Exception:
        refuse(f"没有这个科技数据中心 / No such data centre: {ref}", field)
    community = Community.get_record(item.id)
    if centre_level(community) is None:
        refuse(f"{ref} 不是科技数据中心 / {ref} is not a data centre (CD-TD Art. 10).", field)
    return community


def role(name):
    """The role ``name`` (a group receiver), created by set-up."""
    found = db.session.get(Role, name) or Role.query.filter_by(name=name).one_or_none()
    if found is None:
        refuse(f"角色 {name} 不存在 / The role {name} does not exist.", "receiver")
    return found


def file_request(identity, request_type, payload, receiver, topic=None, title="", on=None):
    """Create a request of ``request_type`` and submit it; returns the result item.

    ``payload`` has been validated by the type's application schema. The
    submission starts the clock (``on`` moves it to another day, for tests).
    """
    data = {"title": title[:250], "payload": payload}
    with UnitOfWork() as uow:
        item = current_requests_service.create(
            identity, data, request_type, receiver=receiver, topic=topic, uow=uow
        )
        uow.commit()
    return execute_clocked(identity, item.id, "submit", on=on)


def config(key):
    """A setting of the running app."""
    return current_app.config[key]
