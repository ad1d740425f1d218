"""Data centres (科技数据中心) as communities with a centre level (CD-TD Art. 10-11).

A centre is an InvenioRDM community; its curators review deposits. The city
centre exists from set-up, with the holders of the curator role as its
curators (a group member), so a new curator needs only the role.
"""

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_accounts.models import Role
from invenio_communities.members.records.models import MemberModel
from invenio_communities.proxies import current_communities
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_records_resources.services.custom_fields import KeywordCF

from ..deposit.config import NAMESPACES

CENTRE_LEVELS = ("city", "industry", "district", "unit")
"""Levels of data centres: city, industry, district, unit (CD-TD Art. 10)."""

CENTRE_NAMESPACES = dict(NAMESPACES)
"""Community custom-field namespaces (the same ``cdtd`` namespace)."""

CENTRE_CUSTOM_FIELDS = [KeywordCF(name="cdtd:centre_level")]
"""The centre level of a data-centre community."""


def centre_level(community):
    """The level of a data-centre community (``None`` for other communities)."""
    return ((community.get("custom_fields") or {}).get("cdtd:centre_level")) or None


def ensure_city_centre():
    """Create the city data centre if missing; returns its slug (idempotent).

    A centre whose creation stopped half-way (stored, but its curators not
    added, e.g. when indexing failed) gets its curators on the next call.
    """
    spec = current_app.config["TECHDATA_CITY_CENTRE"]
    service = current_communities.service
    try:
        community = service.read(system_identity, spec["slug"])
        _ensure_curators(community.id)
        return spec["slug"]
    except PIDDoesNotExistError:
        pass
    community = service.create(
        system_identity,
        {
            "slug": spec["slug"],
            "metadata": {"title": spec["title"]},
            "access": {"visibility": "public", "member_policy": "closed",
                       "record_submission_policy": "open", "review_policy": "closed"},
            "custom_fields": {"cdtd:centre_level": spec["level"]},
        },
    )
    _ensure_curators(community.id)
    return spec["slug"]


def _ensure_curators(community_id):
    """Make the holders of the curator role (a group) curators of the centre, once."""
    name = current_app.config["TECHDATA_CURATOR_ROLE"]
    role = Role.query.filter_by(name=name).one_or_none()
    if role is not None and MemberModel.query.filter_by(
            community_id=str(community_id), group_id=role.id).first():
        return
    current_communities.service.members.add(
        system_identity, community_id,
        {"members": [{"type": "group", "id": name}], "role": "curator"},
    )
