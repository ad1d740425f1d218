"""Registration with confirmation and a pending membership (issue 18; LZ Art. 9, 26).

Self-registration asks, besides the e-mail and password of InvenioRDM's form (and
its profile's name), for a phone number, the legal entity the person acts for
(searched by name or unified social credit code) and the role there (member,
data admin, security officer). ``SECURITY_CONFIRMABLE`` is on: the account
logs in only once the mailed link is followed. The entity named becomes a
*pending* membership (the entities service's ``request_membership``); the
entity's data admin or the bureau verifies it before the account may act for
the entity (apply for its data, CD-TD Art. 8-9).

Pages:

- ``/account/entities`` — the caller's memberships and a form to ask to join an
  entity (for accounts that named none at registration, or a second one);
- ``/account/memberships`` — the one page of memberships to verify (issue 18):
  the memberships waiting for the caller's verification (the bureau: all of them;
  an entity's data admin: his entities'), or with ``?entity=<id>`` that entity's
  members of every status (to whoever reads its members), each pending one the
  caller may verify with the account's name, phone and whether its e-mail is
  confirmed; approve, or refuse with a reason (CD-TD Art. 8; LZ Art. 9). The former
  ``/account/pending`` and ``/entities/<id>/members`` redirect here.

Wiring (:func:`create_ui_blueprint`, loaded as an ``invenio_base.blueprints``
entry point, i.e. after every extension's ``init_app`` and before
invenio-userprofiles wraps the forms in ``finalize_app``): the registration
forms are extended here and the ``user_registered`` signal stores the details.
"""

import re

from flask import (Blueprint, current_app, g, has_request_context, redirect, render_template,
                   request, url_for)
from flask_login import current_user, login_required
from flask_menu import current_menu
from flask_security.signals import user_registered
from invenio_base.signals import app_loaded
from invenio_access.permissions import system_identity
from invenio_accounts.models import User
from invenio_db import db
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Regexp

from ..entities.proxies import current_entities_service
from ..kernel.csrf import check_csrf, generate_csrf
from ..kernel.errors import DomainError, forbidden
from ..kernel.i18n import _, bilingual
from ..kernel.roles import has_role
from ..kernel.scopes import DATA_ADMIN, ENTITY, MEMBER, SECURITY_OFFICER, scopes_of
from .registration_models import Registration

PHONE = re.compile(r"^(\+?86[ -]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
"""A mainland mobile (11 digits from 13-19) or a landline with its area code."""

ROLE_LABELS = {
    MEMBER: _("Member (acts for the entity, e.g. applies for data)"),
    DATA_ADMIN: _("Data administrator (keeps the entity's directory, CD-TD Art. 9)"),
    SECURITY_OFFICER: _("Security officer (QY Art. 5)"),
}
"""Roles one may ask for at an entity, with their labels."""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def resolve_entity(text):
    """The id of the entity ``text`` names (id, credit code, name), or None."""
    return current_entities_service.resolve_entity(text) if (text or "").strip() else None


def registration_form_factory(Form):
    """Flask-Security's registration form plus phone, entity and role (and a required name)."""

    class TechDataRegisterForm(Form):
        """The registration form of the platform (LZ Art. 9, 26)."""

        phone = StringField(
            _("Phone (mobile, or landline with area code)"), filters=[_strip],
            validators=[DataRequired(message=_("Required.")),
                        Regexp(PHONE, message=_("Give a mobile number (11 digits) or a landline "
                                                "with its area code, e.g. 028-12345678."))])
        entity = StringField(_("Entity: name or unified social credit code"),
                             filters=[_strip], validators=[Length(max=255)])
        entity_role = SelectField(_("Your role at the entity"), default=MEMBER,
                                  choices=[(k, v) for k, v in ROLE_LABELS.items()])

        def validate_entity(self, field):
            """The entity must be one the platform knows (search it by name or code)."""
            if field.data and resolve_entity(field.data) is None:
                raise ValidationError(bilingual(_(
                    "No such entity: search it by name or unified social credit code.")))

        def validate(self, **kwargs):
            """The fields' own checks, and a name (LZ Art. 26: real-name registration)."""
            valid = super().validate(**kwargs)
            profile = getattr(self, "profile", None)
            if profile is not None and not (profile.full_name.data or "").strip():
                profile.full_name.errors = [*profile.full_name.errors,
                                            bilingual(_("Your name is required."))]
                valid = False
            return valid

    return TechDataRegisterForm


def on_user_registered(sender, user=None, **kwargs):
    """Store the registration's details and ask for the membership it names (pending)."""
    form = request.form if has_request_context() else {}  # the CLI registers without one
    name = (form.get("profile.full_name") or "").strip()
    entity_id = resolve_entity(form.get("entity"))
    role = form.get("entity_role") if form.get("entity_role") in ROLE_LABELS else MEMBER
    db.session.add(Registration(user_id=user.id, full_name=name[:255],
                                phone=(form.get("phone") or "").strip()[:32],
                                entity_id=entity_id, role=role if entity_id else None))
    db.session.commit()
    if entity_id:
        current_entities_service.request_membership(system_identity, entity_id, role,
                                                    user_id=user.id)


def extend_registration(app):
    """Extend the registration forms of ``app`` and listen to its registrations."""
    security = app.extensions["security"]
    security.register_form = registration_form_factory(security.register_form)
    security.confirm_register_form = registration_form_factory(security.confirm_register_form)
    user_registered.connect(on_user_registered, app)


def registrations(user_ids):
    """``{user_id: {"full_name", "phone", "confirmed"}}`` of the accounts ``user_ids``."""
    ids = list({int(u) for u in user_ids})
    if not ids:
        return {}
    out = {u.id: {"full_name": "", "phone": "", "confirmed": u.confirmed_at is not None}
           for u in User.query.filter(User.id.in_(ids))}
    for row in Registration.query.filter(Registration.user_id.in_(ids)):
        out.setdefault(row.user_id, {"confirmed": False}).update(full_name=row.full_name,
                                                                  phone=row.phone)
    return out


def _errors(err):
    """The bilingual messages of a ``DomainError``."""
    messages = [m for e in (err.errors or []) for m in e.get("messages", [])]
    return messages or [err.message]


@login_required
def my_entities():
    """The caller's memberships and the form to ask to join an entity."""
    errors, status = [], 200
    if request.method == "POST":
        check_csrf()
        entity_id = resolve_entity(request.form.get("entity"))
        try:
            if entity_id is None:
                raise DomainError(400, _("No such entity: search it by name or unified "
                                         "social credit code."))
            current_entities_service.request_membership(
                g.identity, entity_id, request.form.get("role") or MEMBER)
            return redirect(url_for("techdata_registration.my_entities"))
        except DomainError as err:
            errors, status = _errors(err), err.code
    return render_template("techdata/security/entities.html", errors=errors,
                           memberships=current_entities_service.memberships_of(current_user.id),
                           roles=ROLE_LABELS, csrf_token=generate_csrf()), status


@login_required
def memberships():
    """The one memberships page: rows of ``membership_queue``; approve or refuse one."""
    entity_id = (request.values.get("entity") or "").strip() or None
    errors, status = [], 200
    if request.method == "POST":
        check_csrf()
        try:
            current_entities_service.verify_membership(
                g.identity, request.form.get("membership"),
                request.form.get("decision") == "approve", request.form.get("reason"))
            return redirect(url_for("techdata_registration.memberships", entity=entity_id))
        except DomainError as err:
            if err.code in (401, 403, 404):
                raise
            errors, status = _errors(err), err.code
    rows = current_entities_service.membership_queue(g.identity, entity_id)
    if entity_id is None and not rows and not errors and not _may_verify(g.identity):
        raise forbidden()
    entity = current_entities_service.read_entity(g.identity, entity_id) if entity_id else None
    people = registrations(r["user_id"] for r in rows if r["may_decide"])
    return render_template("techdata/security/memberships.html", rows=rows, people=people,
                           entity=entity, roles=ROLE_LABELS, errors=errors,
                           csrf_token=generate_csrf()), status


def pending():
    """The former ``/account/pending``: the memberships page."""
    return redirect(url_for("techdata_registration.memberships"), code=301)


def _may_verify(identity):
    """True for whoever verifies memberships: the bureau, any entity's data admin."""
    return bool(has_role(identity, *current_app.config["TECHDATA_ENTITIES_MANAGER_ROLES"])
                or scopes_of(identity, ENTITY, DATA_ADMIN))


def _logged_in():
    return bool(current_user and current_user.is_authenticated)


def _verifies():
    return _logged_in() and _may_verify(g.identity)


def register_menu(sender, app=None, **kwargs):
    """``app_loaded``: "My entities" and "Pending memberships" (the memberships page) in the
    account settings menu (reached from the header's account dropdown)."""
    if app is None or "menu" not in app.extensions or \
            "techdata_registration.my_entities" not in app.view_functions:
        return
    with app.app_context():
        settings = current_menu.submenu("settings")
        settings.submenu("techdata_entities").register(
            endpoint="techdata_registration.my_entities", text=_("My entities"), order=5,
            visible_when=_logged_in)
        settings.submenu("techdata_pending").register(
            endpoint="techdata_registration.memberships", text=_("Pending memberships"), order=6,
            visible_when=_verifies)


def create_ui_blueprint(app):
    """The registration pages; extends the registration forms of ``app`` (see module)."""
    extend_registration(app)
    app_loaded.connect(register_menu)
    bp = Blueprint("techdata_registration", __name__)
    bp.add_url_rule("/account/entities", view_func=my_entities, methods=["GET", "POST"])
    bp.add_url_rule("/account/memberships", view_func=memberships, methods=["GET", "POST"])
    bp.add_url_rule("/account/pending", view_func=pending)
    return bp
