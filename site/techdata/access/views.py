"""REST endpoints and pages of requests from outside (one URL space).

Views parse, call the access service (``proxies.current_access_service``)
and render; refusals are ``kernel.errors`` answers (JSON under ``/api``, the
error page elsewhere).

REST (API app, under ``/api/techdata/access``):

- ``POST /apply/<type>`` for every type of the registry — file and submit:
  conditional access ``{"record", "applicant_name", "organisation", "uscc",
  "contact", "purpose", "intended_use", "security_means", "term_start",
  "term_end", "agreement_version", "agreement_sha256", "accept_agreement":
  true}``; conditional sharing ``{"record", "applicant_name", "organisation",
  "contact", "purpose", "legal_basis", "scope", "term_start", "term_end"}``
  (government roles); opening application, appeal, correction, data service
  with their forms (``registry.py``). 201 with the request as
  ``/api/requests/<id>`` shows it (``payload.due_date`` included); bad input
  400 ``[{"field", "messages": ["中文 / English"]}]``; anonymous 401.
- ``POST /requests/<id>/actions/<action>`` — any action with
  ``{"comment", ...decision data}``: ``return`` (comment required), ``grant``,
  ``refuse`` (``reason`` or comment), ``answer``, ``quote``, ``deliver``,
  ``overturn``/``uphold``, ``cancel``, ``submit`` (a returned application:
  its changed fields).
- ``GET /agreements/<recid>`` — the dataset's data-use agreement and its
  history; ``POST`` (record managers) adds a version ``{"text_zh", "text_en"}``.
- ``GET /lists/inbox`` · ``/lists/mine`` ·
  ``/lists/bureau?type=&entity=&status=&overdue=true|false`` · ``/lists/bureau.xlsx``.

Pages: ``/access/apply/<recid>``, ``/access/share/<recid>`` (forms; the
dataset must be readable by the caller, else 403/404 as its record page),
``/access/new/<type>`` (the other forms; ``?record=`` / ``?request=``
prefill), ``/access/request/<id>``, ``/access/answer/<id>``,
``/access/inbox``, ``/access/mine``, ``/access/bureau`` (+ ``.xlsx``). Forms
post JSON to the REST endpoints through ``static/js/techdata/access-forms.js``
(CSP: no inline JS).
"""

from flask import Blueprint, Response, g, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_principal import PermissionDenied
from invenio_records_resources.services.errors import PermissionDeniedError
from marshmallow import ValidationError

from ..kernel.errors import forbidden, handle_domain_error, invalid
from . import registry
from .common import json_object
from .lists import STATUS_LABELS
from .proxies import current_access_service


def _json_body():
    """The JSON object of the request body (``{}`` when empty; a bilingual 400 otherwise)."""
    data = request.get_json(silent=True)
    if data is None and not request.data:
        data = {}
    return json_object(data)


def _bool_arg(name):
    """A true/false query argument, or None."""
    value = request.args.get(name)
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


def _list(which):
    """The list ``which`` for the query arguments."""
    return current_access_service.list(
        g.identity, which, type_=request.args.get("type") or None,
        entity=request.args.get("entity") or None,
        status=request.args.get("status") or None, overdue=_bool_arg("overdue"))


def _xlsx(rows):
    """An XLSX download of list rows."""
    return Response(
        current_access_service.xlsx(rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=requests.xlsx"})


def _invalid(err):
    """A marshmallow refusal as the 400 of ``kernel.errors``."""
    return handle_domain_error(invalid(err))


def _forbidden(err=None):
    """A permission refusal as the 401/403 of ``kernel.errors``."""
    return handle_domain_error(forbidden())


def _error_handlers(bp):
    """Every refusal answered by the kernel's error type."""
    bp.register_error_handler(ValidationError, _invalid)
    bp.register_error_handler(PermissionDeniedError, _forbidden)
    bp.register_error_handler(PermissionDenied, _forbidden)


#
# REST
#
def api_apply(type_id):
    """File a request of ``type_id`` for the caller."""
    item = current_access_service.file(g.identity, type_id, _json_body())
    return jsonify(item.to_dict()), 201


def api_action(request_id, action):
    """Run an action on a request from outside, with its data and comment."""
    item = current_access_service.act(g.identity, request_id, action, _json_body())
    return jsonify(item.to_dict()), 200


def api_agreement(recid):
    """The current agreement and its history (GET); a new version (POST)."""
    if request.method == "POST":
        return jsonify(current_access_service.set_agreement(g.identity, recid, _json_body())), 201
    return jsonify(current_access_service.agreement(g.identity, recid))


def api_list(which):
    """One of the lists as JSON."""
    rows = _list(which)
    return jsonify({"hits": {"total": len(rows), "hits": rows}})


def api_bureau_xlsx():
    """The bureau list as XLSX."""
    return _xlsx(_list("bureau"))


def create_api_blueprint(app):
    """REST blueprint (registered on the API app)."""
    bp = Blueprint("techdata_access_api", __name__, url_prefix="/techdata/access")
    for type_id in registry.TYPE_IDS:
        bp.add_url_rule(f"/apply/{type_id}", endpoint=f"apply_{type_id.replace('-', '_')}",
                        view_func=api_apply, defaults={"type_id": type_id}, methods=["POST"])
    bp.add_url_rule("/requests/<uuid:request_id>/actions/<action>", view_func=api_action,
                    methods=["POST"])
    bp.add_url_rule("/agreements/<recid>", view_func=api_agreement, methods=["GET", "POST"])
    bp.add_url_rule("/lists/bureau.xlsx", view_func=api_bureau_xlsx)
    bp.add_url_rule("/lists/<any(inbox, mine, bureau):which>", view_func=api_list)
    _error_handlers(bp)
    return bp


#
# Pages
#
@login_required
def apply_page(recid, type_id="conditional-access"):
    """The application form of a dataset the caller may read (403/404 otherwise)."""
    return render_template("techdata/access/apply.html",
                           **current_access_service.application_page(g.identity, recid, type_id))


@login_required
def new_page(type_id):
    """The applicant's form for a type filed through ``/access/new/<type>``."""
    title, fields = registry.get(type_id).form
    prefill = {k: request.args.get(k, "") for k in ("record", "request")}
    return render_template("techdata/access/new_request.html", type_id=type_id, title=title,
                           fields=fields, kinds=registry.KIND_LABELS, prefill=prefill)


@login_required
def request_page(request_id):
    """One request: application, clock, timeline, the forms the caller may use."""
    return render_template(
        "techdata/access/request.html",
        **current_access_service.request_page(g.identity, request_id, current_user.id))


@login_required
def answer_page(request_id):
    """The receiver's answer forms (only the actions the caller may take)."""
    return render_template("techdata/access/answer.html",
                           outcomes=registry.OUTCOME_LABELS,
                           **current_access_service.answer_page(g.identity, request_id))


@login_required
def list_page(which):
    """Inbox, my requests, or the bureau's list (with filters)."""
    return render_template("techdata/access/list.html", which=which, rows=_list(which),
                           types=registry.TYPE_IDS, statuses=STATUS_LABELS,
                           args=request.args)


@login_required
def bureau_xlsx_page():
    """The bureau list as XLSX (same filters as the page)."""
    return _xlsx(_list("bureau"))


def landing_access_panel(record_ui):
    """What the record page shows about conditional access (template global).

    The grantee sees the use restrictions and the term (CD-PD Art. 30; LZ
    Art. 27); a logged-in user sees how to apply for a conditional dataset.
    """
    user_id = current_user.id if current_user.is_authenticated else None
    return current_access_service.landing_panel(user_id, record_ui)


def create_ui_blueprint(app):
    """Pages blueprint (registered on the UI app)."""
    bp = Blueprint("techdata_access", __name__, template_folder="../templates")
    bp.add_url_rule("/access/apply/<recid>", view_func=apply_page)
    bp.add_url_rule("/access/share/<recid>", endpoint="share_page", view_func=apply_page,
                    defaults={"type_id": "conditional-sharing"})
    for type_id in registry.FORM_TYPES:
        bp.add_url_rule(f"/access/new/{type_id}", endpoint=f"new_{type_id.replace('-', '_')}",
                        view_func=new_page, defaults={"type_id": type_id})
    bp.add_url_rule("/access/request/<uuid:request_id>", view_func=request_page)
    bp.add_url_rule("/access/answer/<uuid:request_id>", view_func=answer_page)
    bp.add_url_rule("/access/bureau.xlsx", view_func=bureau_xlsx_page)
    bp.add_url_rule("/access/<any(inbox, mine, bureau):which>", view_func=list_page)
    bp.add_app_template_global(landing_access_panel, "techdata_access_panel")
    _error_handlers(bp)
    return bp
