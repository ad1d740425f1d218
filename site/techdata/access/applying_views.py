"""REST endpoints and pages to file and answer opening applications, appeals, corrections, services.

``POST /api/techdata/access/apply/<type>`` with the form as JSON, for
``type`` one of ``opening-application`` (``opening.py``), ``appeal``
(``appeal.py``), ``correction`` (``correction.py``) and ``data-service``
(``service_request.py``): creates the request, submits it (its working-day
clock starts) and answers 201 with the request as ``/api/requests/<id>``
shows it (``payload.due_date`` included). Bad input: 400 with
``[{"field", "messages": ["中文 / English"]}]``; anonymous: 401.

Decisions, returns and resubmissions then go through the common action
endpoint of ``base.py`` / ``views.py``
(``/api/techdata/access/requests/<id>/actions/<action>``); files of a data
service through invenio-requests' ``/api/requests/<id>/files/...``.

Pages (server-rendered; the forms post JSON to the same REST endpoints
through ``static/js/techdata/access-forms.js``, no inline scripts):

- ``/access/new/<type>`` — the applicant's form (``?record=<recid>`` or
  ``?request=<id>`` prefill the dataset or the refused request); on success
  the browser goes to the request page ``/access/request/<id>``;
- ``/access/answer/<id>`` — the receiver's answer forms for these four types
  (grant / refuse / return, overturn / uphold, answer, quote / deliver), one
  form per action, shown only to whoever may take them.
"""

from flask import Blueprint, abort, g, jsonify, render_template, request
from flask_login import current_user, login_required
from invenio_i18n import lazy_gettext as _
from invenio_requests.proxies import current_requests_service
from flask_principal import PermissionDenied
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.customizations.actions import RequestActions
from marshmallow import ValidationError

from ..review.views import _bad_request, _forbidden
from .appeal import file_appeal
from .base import get_clocked
from .correction import report_error
from .opening import apply_for_opening
from .service_request import ask_for_service

FILERS = {
    "opening-application": apply_for_opening,
    "appeal": file_appeal,
    "correction": report_error,
    "data-service": ask_for_service,
}
"""How each request type is filed."""


def apply(type_id):
    """File a request of ``type_id`` for the logged-in user."""
    if not current_user.is_authenticated:
        return _forbidden()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["须为 JSON 对象 / A JSON object is required."]})
    item = FILERS[type_id](g.identity, data)
    return jsonify(item.to_dict()), 201


def create_api_blueprint(app):
    """REST blueprint (registered on the API app)."""
    bp = Blueprint("techdata_access_apply_api", __name__, url_prefix="/techdata/access/apply")
    for type_id in FILERS:
        bp.add_url_rule(f"/{type_id}", endpoint=type_id.replace("-", "_"),
                        view_func=apply, defaults={"type_id": type_id}, methods=["POST"])
    bp.register_error_handler(ValidationError, _bad_request)
    bp.register_error_handler(PermissionDeniedError, _forbidden)
    bp.register_error_handler(PermissionDenied, _forbidden)
    return bp


#
# Pages
#
FORMS = {
    "opening-application": (_("Apply to open data"), [
        ("record", _("Dataset (record id), if it is in the repository"), "text", False),
        ("community", _("Data centre (slug), for data not in the repository"), "text", False),
        ("entity", _("Entity that holds the data"), "text", False),
        ("description", _("Data asked for"), "textarea", True),
        ("purpose", _("Purpose of use"), "textarea", True),
        ("security", _("Secrecy conditions"), "textarea", False),
    ]),
    "appeal": (_("Appeal a refusal"), [
        ("request", _("Refused request (id)"), "text", True),
        ("grounds", _("Grounds of the appeal"), "textarea", True),
    ]),
    "correction": (_("Report an error in a dataset"), [
        ("record", _("Dataset (record id)"), "text", True),
        ("what", _("What is wrong"), "textarea", True),
        ("where", _("Where (file, row, field)"), "textarea", True),
        ("evidence", _("Evidence"), "textarea", True),
        ("found_on", _("Day the error was found"), "date", True),
    ]),
    "data-service": (_("Ask a data centre for a value-added service"), [
        ("community", _("Data centre (slug; default: the city centre)"), "text", False),
        ("organisation", _("Company"), "text", True),
        ("contact", _("Contact person and phone"), "text", True),
        ("kind", _("Kind of service"), "select", True),
        ("description", _("Service wanted"), "textarea", True),
        ("datasets", _("Datasets concerned (record ids, separated by commas)"), "text", False),
        ("voucher_number", _("Innovation voucher number"), "text", False),
        ("voucher_amount", _("Voucher amount (yuan)"), "text", False),
        ("voucher_issuer", _("Voucher issuer"), "text", False),
    ]),
}
"""Title and fields ``(name, label, widget, required)`` of each application form."""

KIND_LABELS = {"analysis": _("Data analysis"), "custom-extraction": _("Custom extraction"),
               "other": _("Other service")}
"""Labels of the kinds of value-added service."""

OUTCOMES = [("fixed", _("Fixed: a new version is published")),
            ("confirmed-correct", _("Confirmed correct")),
            ("resolved-by-discussion", _("Resolved by discussion"))]
"""The three answers to a correction (LZ Art. 31)."""

_COMMENT = ("comment", _("Comment"), "textarea", False)
_REASON = ("comment", _("Reasons (required)"), "textarea", True)
_RETURN = ("return", _("Return for more information"), [
    ("comment", _("What is missing (required)"), "textarea", True)])

ANSWERS = {
    "opening-application": [
        ("grant", _("Grant: open the data"), [
            ("record", _("Open record now listed (only for data described, not named)"),
             "text", False), _COMMENT]),
        ("refuse", _("Refuse"), [_REASON]),
        _RETURN,
    ],
    "appeal": [
        ("overturn", _("Overturn the refusal"), [
            ("opinion", _("Expert opinion (required)"), "textarea", True)]),
        ("uphold", _("Uphold the refusal"), [
            ("opinion", _("Expert opinion (required)"), "textarea", True)]),
        _RETURN,
    ],
    "correction": [
        ("answer", _("Answer the report"), [
            ("outcome", _("Outcome"), "outcome", True),
            ("record", _("New version that fixes it (record id)"), "text", False),
            ("explanation", _("Why the data is correct"), "textarea", False),
            ("summary", _("What was agreed"), "textarea", False), _COMMENT]),
        _RETURN,
    ],
    "data-service": [
        ("quote", _("Accept with a quote"), [
            ("price", _("Price (yuan)"), "text", True),
            ("deliver_by", _("Delivery by"), "date", True),
            ("terms", _("Terms"), "textarea", False)]),
        ("deliver", _("Deliver (upload the files to the request first)"), [
            ("note", _("Delivery note"), "textarea", True)]),
        ("refuse", _("Refuse"), [_REASON]),
        _RETURN,
    ],
}
"""The receiver's forms per type: ``(action, title, fields)``."""


@login_required
def new_page(type_id):
    """The applicant's form for one of the four types."""
    title, fields = FORMS[type_id]
    prefill = {k: request.args.get(k, "") for k in ("record", "request")}
    return render_template("techdata/access/new_request.html", type_id=type_id, title=title,
                           fields=fields, kinds=KIND_LABELS, prefill=prefill)


def answer_forms(identity, req):
    """The receiver's answer forms ``(action, title, fields)`` that ``identity`` may use now.

    Empty for other request types, for actions the request's status does not
    allow and for actions the caller has no permission for.
    """
    forms = []
    for action, title, fields in ANSWERS.get(req.type.type_id, []):
        try:
            allowed = RequestActions.get_action(req, action).can_execute()
            current_requests_service.require_permission(identity, f"action_{action}",
                                                        request=req)
        except PermissionDeniedError:
            continue
        if allowed:
            forms.append((action, title, fields))
    return forms


@login_required
def answer_page(request_id):
    """The receiver's answer forms (only the actions the caller may take)."""
    try:
        req = get_clocked(request_id)
        current_requests_service.require_permission(g.identity, "read", request=req)
    except PermissionDeniedError:
        abort(403)
    except Exception:
        abort(404)
    if req.type.type_id not in ANSWERS:
        abort(404)
    forms = answer_forms(g.identity, req)
    if not forms and req.status in ("submitted", "quoted"):
        abort(403)
    return render_template("techdata/access/answer.html", req=req,
                           payload=req.get("payload") or {}, forms=forms, outcomes=OUTCOMES)


def create_ui_blueprint(app):
    """Pages blueprint (registered on the UI app)."""
    bp = Blueprint("techdata_access_apply", __name__, template_folder="../templates")
    for type_id in FORMS:
        bp.add_url_rule(f"/access/new/{type_id}", endpoint=f"new_{type_id.replace('-', '_')}",
                        view_func=new_page, defaults={"type_id": type_id})
    bp.add_url_rule("/access/answer/<uuid:request_id>", view_func=answer_page)
    return bp
