"""REST endpoints and pages of conditional access, conditional sharing and the lists.

REST (API app, under ``/api``):

- ``POST /api/techdata/access/apply/conditional-access`` — apply:
  ``{"record", "applicant_name", "organisation", "uscc", "contact", "purpose",
  "intended_use", "security_means", "term_start", "term_end",
  "agreement_version", "agreement_sha256", "accept_agreement": true}``; 201
  with the request (``payload.due_date``). ``.../apply/conditional-sharing``:
  ``{"record", "applicant_name", "organisation", "contact", "purpose",
  "legal_basis", "scope", "term_start", "term_end"}`` (government roles).
- ``POST /api/techdata/access/requests/<id>/actions/<action>`` — any action
  of any request from outside, with ``{"comment", ...decision data}``:
  ``return`` (comment required), ``grant`` (``modes``: ``download`` and/or
  ``api-token``, optional ``term_end``), ``refuse`` (``reason``), ``cancel``,
  ``submit`` (a returned conditional access/sharing request: the changed
  application fields, re-accepting the current agreement; others: a comment).
- ``GET /api/techdata/access/agreements/<recid>`` — the dataset's current
  data-use agreement and its history; ``POST`` (record managers) adds a
  version ``{"text_zh", "text_en"}``.
- ``GET /api/techdata/access/lists/inbox`` · ``/lists/mine`` ·
  ``/lists/bureau?type=&entity=&status=&overdue=true|false`` ·
  ``/lists/bureau.xlsx`` — the lists (``lists.py``).

Pages: ``/access/apply/<recid>``, ``/access/share/<recid>`` (forms),
``/access/request/<id>`` (the request, its clock, timeline, decision or
answer form, use restrictions and token for the grantee), ``/access/inbox``,
``/access/mine``, ``/access/bureau`` (+ ``.xlsx``). Forms post JSON to the REST
endpoints through ``static/js/techdata/access-forms.js`` (CSP: no inline JS).
"""

from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_principal import PermissionDenied
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from marshmallow import ValidationError

from ..review.views import _bad_request, _forbidden
from . import agreements, lists
from .applying_views import answer_forms
from .base import execute_clocked, get_clocked, refuse
from .conditional_access import answer_return, apply_for_access
from .grants import active_grants, applicant_token
from .sharing import apply_for_sharing

APPLY = {"conditional-access": apply_for_access, "conditional-sharing": apply_for_sharing}
"""How each of C's request types is filed."""


def _json_body():
    """The JSON object of the request body (a bilingual 400 otherwise)."""
    data = request.get_json(silent=True)
    if data is None and not request.data:
        data = {}
    if not isinstance(data, dict):
        refuse("须为 JSON 对象 / A JSON object is required.", "_schema")
    return data


def api_apply(type_id):
    """File a conditional access or sharing application for the logged-in user."""
    if not current_user.is_authenticated:
        return _forbidden()
    data = dict(_json_body())
    recid = data.pop("record", None)
    if not recid:
        refuse("必填 / Required.", "record")
    item = APPLY[type_id](g.identity, recid, data)
    return jsonify(item.to_dict()), 201


def api_action(request_id, action):
    """Run an action on a request from outside, with its data and comment."""
    if not current_user.is_authenticated:
        return _forbidden()
    data = dict(_json_body())
    comment = (data.pop("comment", None) or "").strip() or None
    req = get_clocked(request_id)
    if action == "submit" and req.status == "returned" and req.type.type_id in APPLY:
        item = answer_return(g.identity, request_id, data, comment=comment)
    elif action == "refuse":
        item = execute_clocked(g.identity, request_id, action, data=data,
                               comment=comment or data.get("reason"))
    else:
        if action == "grant" and comment:
            data["comment"] = comment
        item = execute_clocked(g.identity, request_id, action, data=data, comment=comment)
    return jsonify(item.to_dict()), 200


def api_agreement(recid):
    """The current agreement and its history (GET); a new version (POST)."""
    if request.method == "POST":
        if not current_user.is_authenticated:
            return _forbidden()
        return jsonify(agreements.set_agreement(g.identity, recid, _json_body())), 201
    record = agreements.published_record(recid)
    parent = record.parent.pid.pid_value
    return jsonify({"current": agreements.current_agreement(parent),
                    "history": agreements.agreement_history(parent)})


def _bool_arg(name):
    """A true/false query argument, or None."""
    value = request.args.get(name)
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


def _bureau_rows():
    """The bureau list for the query arguments."""
    return lists.bureau_list(
        g.identity, type_=request.args.get("type") or None,
        entity=request.args.get("entity") or None,
        status=request.args.get("status") or None, overdue=_bool_arg("overdue"))


def api_list(which):
    """One of the lists as JSON."""
    if not current_user.is_authenticated:
        return _forbidden()
    if which == "inbox":
        rows = lists.provider_inbox(g.identity)
    elif which == "mine":
        rows = lists.my_requests(g.identity)
    else:
        rows = _bureau_rows()
    return jsonify({"hits": {"total": len(rows), "hits": rows}})


def _xlsx(rows):
    """An XLSX download of list rows."""
    return Response(
        lists.to_xlsx(rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=requests.xlsx"})


def api_bureau_xlsx():
    """The bureau list as XLSX."""
    if not current_user.is_authenticated:
        return _forbidden()
    return _xlsx(_bureau_rows())


def create_api_blueprint(app):
    """REST blueprint (registered on the API app)."""
    bp = Blueprint("techdata_access_api", __name__, url_prefix="/techdata/access")
    for type_id in APPLY:
        bp.add_url_rule(f"/apply/{type_id}", endpoint=f"apply_{type_id.replace('-', '_')}",
                        view_func=api_apply, defaults={"type_id": type_id}, methods=["POST"])
    bp.add_url_rule("/requests/<uuid:request_id>/actions/<action>", view_func=api_action,
                    methods=["POST"])
    bp.add_url_rule("/agreements/<recid>", view_func=api_agreement, methods=["GET", "POST"])
    bp.add_url_rule("/lists/bureau.xlsx", view_func=api_bureau_xlsx)
    bp.add_url_rule("/lists/<any(inbox, mine, bureau):which>", view_func=api_list)
    bp.register_error_handler(ValidationError, _bad_request)
    bp.register_error_handler(PermissionDeniedError, _forbidden)
    bp.register_error_handler(PermissionDenied, _forbidden)
    return bp


#
# Pages
#
@login_required
def apply_page(recid, type_id="conditional-access"):
    """The application form; conditional access shows the agreement and its checkbox."""
    try:
        record = agreements.published_record(recid)
    except ValidationError:
        abort(404)
    return render_template(
        "techdata/access/apply.html", record=record, type_id=type_id,
        agreement=agreements.current_agreement(record.parent.pid.pid_value),
        restrictions=agreements.USE_RESTRICTIONS)


def _timeline(req):
    """The request's events (comments and status changes), oldest first."""
    result = current_events_service.search(g.identity, req.id, params={"size": 100})
    return list(result.hits)


@login_required
def request_page(request_id):
    """One request: application, clock, timeline, the forms the caller may use."""
    try:
        req = Request.get_record(request_id)
        current_requests_service.require_permission(g.identity, "read", request=req)
    except PermissionDeniedError:
        abort(403)
    except Exception:
        abort(404)
    if req.type.type_id not in lists.ACCESS_TYPES:
        abort(404)

    def can(action):
        try:
            current_requests_service.require_permission(g.identity, f"action_{action}",
                                                        request=req)
            return True
        except (PermissionDeniedError, Exception):
            return False

    payload = req.get("payload") or {}
    is_applicant = str((req.created_by.reference_dict or {}).get("user")) == str(current_user.id)
    return render_template(
        "techdata/access/request.html", req=req, payload=payload,
        status_label=lists.STATUS_LABELS.get(req.status, req.status),
        clock_label=lists.CLOCK_LABELS.get(payload.get("clock"), ""),
        days_left=lists.row_of(req.model, lists._Names())["days_left"],
        overdue=lists.clock.is_overdue(payload),
        can_decide=(req.type.type_id in APPLY and req.status == "submitted" and can("return")
                    and not is_applicant),
        answers=[] if is_applicant else answer_forms(g.identity, req),
        is_applicant=is_applicant,
        actions=list(req.type.available_actions),
        token=applicant_token(req, current_user.id) if req.status == "accepted" else None,
        restrictions=agreements.USE_RESTRICTIONS,
        agreement=(agreements.agreement_version(payload["parent"], payload["agreement"]["version"])
                   if payload.get("agreement") and payload.get("parent") else None),
        current_agreement=(agreements.current_agreement(payload["parent"])
                           if payload.get("parent") else None),
        timeline=_timeline(req),
    )


@login_required
def list_page(which):
    """Inbox, my requests, or the bureau's list (with filters)."""
    try:
        if which == "inbox":
            rows = lists.provider_inbox(g.identity)
        elif which == "mine":
            rows = lists.my_requests(g.identity)
        else:
            rows = _bureau_rows()
    except PermissionDenied:
        abort(403)
    return render_template("techdata/access/list.html", which=which, rows=rows,
                           types=lists.ACCESS_TYPES, statuses=lists.STATUS_LABELS,
                           args=request.args)


@login_required
def bureau_xlsx_page():
    """The bureau list as XLSX (same filters as the page)."""
    try:
        return _xlsx(_bureau_rows())
    except PermissionDenied:
        abort(403)


def landing_access_panel(record_ui):
    """What the record page shows about conditional access (template global).

    The grantee sees the use restrictions and the term (CD-PD Art. 30; LZ
    Art. 27); a logged-in user sees how to apply for a conditional dataset.
    """
    cf = (record_ui or {}).get("custom_fields") or {}
    opening = (cf.get("cdtd:opening_type") or {}).get("id")
    sharing = (cf.get("cdtd:sharing_type") or {}).get("id")
    parent = ((record_ui or {}).get("parent") or {}).get("id")
    grants = []
    if current_user.is_authenticated and parent:
        grants = active_grants(current_user.id, parent)
    return {
        "conditional": opening == "conditional",
        "shared_on_conditions": sharing == "conditional",
        "grants": grants,
        "restrictions": agreements.USE_RESTRICTIONS,
        "recid": (record_ui or {}).get("id"),
    }


def create_ui_blueprint(app):
    """Pages blueprint (registered on the UI app)."""
    bp = Blueprint("techdata_access", __name__, template_folder="../templates")
    bp.add_url_rule("/access/apply/<recid>", view_func=apply_page)
    bp.add_url_rule("/access/share/<recid>", endpoint="share_page", view_func=apply_page,
                    defaults={"type_id": "conditional-sharing"})
    bp.add_url_rule("/access/request/<uuid:request_id>", view_func=request_page)
    bp.add_url_rule("/access/bureau.xlsx", view_func=bureau_xlsx_page)
    bp.add_url_rule("/access/<any(inbox, mine, bureau):which>", view_func=list_page)
    bp.add_app_template_global(landing_access_panel, "techdata_access_panel")
    return bp
