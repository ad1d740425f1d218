"""REST endpoints of entities, departments and memberships (API app, under ``/api``).

- ``GET /api/entities?q=&kind=&department=&page=&size=`` — entities (anyone);
  ``POST /api/entities`` — create (bureau); ``GET|PUT /api/entities/<id>`` —
  read; change (bureau; the entity's data admin: its named people);
- ``GET /api/entities/<id>/memberships[?status=]`` — its members (bureau, the
  entity's data admin and security officer, its department's admins);
  ``POST /api/entities/<id>/memberships`` ``{"role"}`` — ask to join (any account);
  ``POST /api/entities/<id>/memberships/<mid>`` ``{"approve": bool, "reason"}``
  — verify or refuse (the entity's data admin, the bureau; CD-TD Art. 8; LZ Art. 9);
- ``GET /api/memberships`` — the caller's own memberships;
- ``GET /api/departments``, ``POST /api/departments``, ``GET|PUT /api/departments/<id>``;
- ``GET /api/program-managers`` — every programme assignment (bureau);
  ``POST|DELETE /api/program-managers`` ``{"program", "user"}`` (id or e-mail) — assign
  a programme to a program manager or take it from him (bureau; CD-TD Art. 8-9).

Errors: the kernel's ``DomainError`` answer (400/401/403/404/409, bilingual,
naming the field). The views parse, call the entities service, render.
"""

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user

from ..kernel.errors import DomainError, forbidden, not_found
from ..kernel.i18n import _, bilingual
from ..kernel.input import int_arg
from .proxies import current_entities_service as service


def _body():
    """The JSON object of the request (``{}`` when there is none)."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def list_entities():
    """``GET /api/entities``."""
    result = service.search_entities(
        g.identity, q=request.args.get("q"), kind=request.args.get("kind"),
        department=request.args.get("department"), page=int_arg("page", 1, 1, 10000),
        size=int_arg("size", current_app.config["TECHDATA_ENTITIES_PAGE_SIZE"], 1, 500))
    return jsonify({"hits": result})


def create_entity():
    """``POST /api/entities``."""
    return jsonify(service.create_entity(g.identity, _body())), 201


def read_entity(entity_id):
    """``GET /api/entities/<id>``."""
    return jsonify(service.read_entity(g.identity, entity_id))


def update_entity(entity_id):
    """``PUT|PATCH /api/entities/<id>``: the given fields."""
    return jsonify(service.update_entity(g.identity, entity_id, _body()))


def list_members(entity_id):
    """``GET /api/entities/<id>/memberships``."""
    hits = service.members(entity_id, status=request.args.get("status") or None,
                           identity=g.identity)
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def request_membership(entity_id):
    """``POST /api/entities/<id>/memberships`` ``{"role"}``: the caller asks to join."""
    if not current_user.is_authenticated:
        raise forbidden()
    role = _body().get("role")
    return jsonify(service.request_membership(g.identity, entity_id, role)), 201


def decide_membership(entity_id, membership_id):
    """``POST /api/entities/<id>/memberships/<mid>`` ``{"approve", "reason"}``."""
    membership = service.get_membership(membership_id)
    if membership.entity_id != entity_id:
        raise not_found(_("No such membership."))
    body = _body()
    approve = body.get("approve")
    if not isinstance(approve, bool):
        raise DomainError(400, _("Invalid input."), errors=[{"field": "approve", "messages": [
            bilingual(_("true to verify the membership, false to refuse it."))]}])
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise DomainError(400, _("Invalid input."), errors=[{"field": "reason", "messages": [
            bilingual(_("Text is required."))]}])
    return jsonify(service.verify_membership(g.identity, membership.id, approve, reason))


def my_memberships():
    """``GET /api/memberships``: the caller's memberships."""
    if not current_user.is_authenticated:
        raise forbidden()
    hits = service.memberships_of(current_user.id)
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def list_departments():
    """``GET /api/departments``."""
    return jsonify({"hits": service.search_departments(g.identity, q=request.args.get("q"))})


def create_department():
    """``POST /api/departments``."""
    return jsonify(service.create_department(g.identity, _body())), 201


def read_department(department_id):
    """``GET /api/departments/<id>``."""
    return jsonify(service.read_department(g.identity, department_id))


def update_department(department_id):
    """``PUT|PATCH /api/departments/<id>``."""
    return jsonify(service.update_department(g.identity, department_id, _body()))


def list_program_managers():
    """``GET /api/program-managers``: every programme assignment (bureau)."""
    hits = service.program_assignments(g.identity)
    return jsonify({"hits": {"total": len(hits), "hits": hits}})


def _program_body():
    """``(program, user)`` of an assignment body."""
    body = _body()
    return body.get("program"), body.get("user")


def add_program_manager():
    """``POST /api/program-managers`` ``{"program", "user"}``."""
    program, user = _program_body()
    programs = service.add_program_manager(g.identity, program, user)
    return jsonify({"user": user, "programs": programs}), 201


def remove_program_manager():
    """``DELETE /api/program-managers`` ``{"program", "user"}``."""
    program, user = _program_body()
    programs = service.remove_program_manager(g.identity, program, user)
    return jsonify({"user": user, "programs": programs})


def create_api_blueprint(app):
    """The ``/api/entities``, ``/api/departments`` and ``/api/memberships`` blueprint."""
    bp = Blueprint("techdata_entities_api", __name__)
    bp.add_url_rule("/entities", view_func=list_entities, methods=["GET"])
    bp.add_url_rule("/entities", view_func=create_entity, methods=["POST"],
                    endpoint="create_entity")
    bp.add_url_rule("/entities/<entity_id>", view_func=read_entity, methods=["GET"])
    bp.add_url_rule("/entities/<entity_id>", view_func=update_entity, methods=["PUT", "PATCH"],
                    endpoint="update_entity")
    bp.add_url_rule("/entities/<entity_id>/memberships", view_func=list_members,
                    methods=["GET"])
    bp.add_url_rule("/entities/<entity_id>/memberships", view_func=request_membership,
                    methods=["POST"], endpoint="request_membership")
    bp.add_url_rule("/entities/<entity_id>/memberships/<membership_id>",
                    view_func=decide_membership, methods=["POST"])
    bp.add_url_rule("/memberships", view_func=my_memberships, methods=["GET"])
    bp.add_url_rule("/departments", view_func=list_departments, methods=["GET"])
    bp.add_url_rule("/departments", view_func=create_department, methods=["POST"],
                    endpoint="create_department")
    bp.add_url_rule("/departments/<department_id>", view_func=read_department,
                    methods=["GET"])
    bp.add_url_rule("/departments/<department_id>", view_func=update_department,
                    methods=["PUT", "PATCH"], endpoint="update_department")
    bp.add_url_rule("/program-managers", view_func=list_program_managers, methods=["GET"])
    bp.add_url_rule("/program-managers", view_func=add_program_manager, methods=["POST"])
    bp.add_url_rule("/program-managers", view_func=remove_program_manager,
                    methods=["DELETE"])
    return bp
