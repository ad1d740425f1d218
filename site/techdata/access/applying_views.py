"""REST endpoints that file an opening application, appeal, correction or data service.

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
"""

from flask import Blueprint, g, jsonify, request
from flask_login import current_user
from flask_principal import PermissionDenied
from invenio_records_resources.services.errors import PermissionDeniedError
from marshmallow import ValidationError

from ..review.views import _bad_request, _forbidden
from .appeal import file_appeal
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
