"""Load the demo roles, users and records (idempotent)."""

import unicodedata
from datetime import datetime, timezone
from importlib.resources import files
from io import BytesIO

import yaml
from flask import current_app
from flask_security.utils import hash_password
from invenio_access import any_user, authenticated_user
from invenio_access.permissions import system_identity
from invenio_access.utils import get_identity
from invenio_accounts.models import User
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_rdm_records.proxies import current_rdm_records_service as records

from ..entities.identity import add_scope_needs
from ..entities.proxies import current_entities_service
from ..kernel.roles import ensure_roles
from ..review.workflow import review_and_publish
from .projects import ensure_project

__all__ = ("demo_record_data", "demo_reviewers", "depositor_identity", "ensure_records",
           "ensure_roles", "ensure_users", "has_cjk", "publish_record", "published_recid",
           "read_yaml")


def read_yaml(name):
    """Read one of the demo YAML files shipped with this package."""
    return yaml.safe_load(files(__package__).joinpath(name).read_text("utf-8"))


def ensure_users():
    """Create the demo users (active, confirmed) and give them their roles, and the demo
    program manager his programmes (``programs``; CD-TD Art. 8-9)."""
    users = {}
    for spec in read_yaml("users.yaml"):
        user = User.query.filter_by(email=spec["email"]).one_or_none()
        if user is None:
            user = current_datastore.create_user(
                email=spec["email"],
                password=hash_password(spec["password"]),
                active=True,
                confirmed_at=datetime.now(timezone.utc),
                user_profile={"full_name": spec["name"]},
            )
        for role in spec["roles"]:
            current_datastore.add_role_to_user(user, role)
        users[spec["email"]] = user
    # through the datastore: its post-commit signal indexes the users, without
    # which InvenioRDM shows every demo user as "Deleted user" (issue 13)
    current_datastore.commit()
    for spec in read_yaml("users.yaml"):
        for program in spec.get("programs") or ():
            user = users[spec["email"]]
            if program not in current_entities_service.programs_of(user.id):
                current_entities_service.add_program_manager(system_identity, program, user.id)
    return users


def _creator(family, given):
    """A personal creator entry for RDM metadata."""
    return {"person_or_org": {"type": "personal", "family_name": family, "given_name": given}}


def has_cjk(text):
    """True when ``text`` contains Chinese characters."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def demo_record_data(spec):
    """RDM draft data for one demo record spec, with its ``cdtd:`` fields."""
    title, other = spec["title"], spec["additional_title"]
    zh_title, en_title = (title, other) if has_cjk(title) else (other, title)
    desc = spec["description"]
    custom = {
        "cdtd:category": {"id": spec.get("category", "rd")},
        "cdtd:secrecy": {"id": "non-classified"},
        "cdtd:grade": {"id": "general"},
        "cdtd:funding_source": {"id": "government"},
        "cdtd:title_zh": zh_title,
        "cdtd:title_en": en_title,
        "cdtd:abstract_zh": spec.get("abstract_zh") or (desc if has_cjk(desc) else ""),
        "cdtd:abstract_en": spec.get("abstract_en") or ("" if has_cjk(desc) else desc),
        "cdtd:access_methods": [{"id": "download"}],
    }
    for key, field in (("entity", "providing_entity"), ("department", "responsible_department"),
                       ("update_cycle", "update_cycle")):
        if spec.get(key):
            custom[f"cdtd:{field}"] = {"id": spec[key]}
    if spec.get("project"):  # deposited for a plan item of the demo project (CD-TD Art. 15)
        custom["cdtd:project"] = spec["project"]
        custom["cdtd:project_dataset"] = spec.get("project_dataset", "")
    if spec.get("storage_format"):
        custom["cdtd:storage_format"] = spec["storage_format"]
    if spec.get("opening_type"):  # a restricted opening states why (CD-TD Art. 18)
        custom["cdtd:opening_type"] = {"id": spec["opening_type"]}
        custom["cdtd:opening_reason"] = spec.get("opening_reason", "")
        custom["cdtd:opening_legal_basis"] = spec.get("opening_legal_basis", "")
    subjects = [{"subject": s} for s in spec["subjects"]]
    if spec.get("subject"):
        subjects.insert(0, {"id": spec["subject"]})
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": bool(spec.get("file"))},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": title,
            "additional_titles": [{"title": other, "type": {"id": "translated-title"}}],
            "description": desc,
            "creators": [_creator(*c) for c in spec["creators"]],
            "subjects": subjects,
            "publication_date": spec["date"],
            "publisher": current_app.config["APP_RDM_DEPOSIT_FORM_DEFAULTS"]["publisher"],
        },
        "custom_fields": {k: v for k, v in custom.items() if v not in ("", None)},
    }


def publish_record(identity, data, file_spec=None, reviewers=None):
    """Create a draft from ``data``, attach ``file_spec`` if any, and publish it.

    The draft goes through the city centre's deposit review and, if it opens
    data, the confidentiality review (CD-TD Art. 11, 24), by ``reviewers``
    (curator and reviewer identities; the demo ones by default).
    """
    draft = records.create(identity, data)
    if file_spec:
        files_service = records.draft_files
        key = file_spec["name"]
        files_service.init_files(identity, draft.id, [{"key": key}])
        files_service.set_file_content(
            identity, draft.id, key, BytesIO(file_spec["content"].encode("utf-8"))
        )
        files_service.commit_file(identity, draft.id, key)
    curator, reviewer = reviewers or demo_reviewers()
    grade = (data.get("custom_fields") or {}).get("cdtd:grade") or {"id": "general"}
    grading = {"grade": grade["id"], "basis": "按数据内容与影响范围定级 / graded by content and impact (CD-TD Art. 11)"}
    return review_and_publish(draft.id, identity, curator, reviewer, grading)


def demo_reviewers():
    """Identities of the demo curator and confidentiality reviewer."""
    return tuple(
        depositor_identity(User.query.filter_by(email=email).one())
        for email in ("curator@example.org", "reviewer@example.org")
    )


def _exists(title):
    """True when a published, live record with this title is in the database.

    The database, not the search index, is asked: it is the source of truth.
    The RDM schema stores titles NFKC-normalised (full-width brackets become
    ASCII ones), so the spec's title is compared in that form.
    """
    return db.session.query(_published(title).exists()).scalar()


def _published(title):
    """Query of the published, live records titled ``title`` (NFKC-compared)."""
    model = records.record_cls.model_cls
    title = unicodedata.normalize("NFKC", title)
    return model.query.filter(
        model.json[("metadata", "title")].as_string() == title,
        model.deletion_status == "P",
    )


def published_recid(title):
    """The record id of the newest published demo record titled ``title``, or None."""
    model = records.record_cls.model_cls
    row = _published(title).order_by(model.created.desc()).first()
    return row.json["id"] if row else None


def depositor_identity(user):
    """The identity ``user`` has when logged in (with any/authenticated user needs and the
    scopes of its verified memberships, which log-in adds through ``identity_loaded``)."""
    identity = get_identity(user)
    identity.provides.update({any_user, authenticated_user})
    return add_scope_needs(identity, user.id)


def ensure_records(owner):
    """Publish the demo records not yet present, owned by ``owner``."""
    identity = depositor_identity(owner)
    created = []
    specs = read_yaml("records.yaml")
    if any(spec.get("project") for spec in specs):
        ensure_project()  # a record deposited for the demo project needs it first
    for spec in specs:
        if _exists(spec["title"]):
            continue
        publish_record(identity, demo_record_data(spec), spec.get("file"))
        created.append(spec["title"])
    return created
