"""REST endpoints of the live directories (``/api/directories/...``).

- ``GET /directories/<audience>/entries?q=&category=&department=&entity=
  &opening_type=&update_cycle=&page=&size=``: search with facets;
  ``audience`` is ``open`` (public) or ``resource`` (government roles,
  CD-TD Art. 7, 11, 19). Body: ``{"hits": {"hits": [...], "total": N},
  "aggregations": {facet: {"buckets": [{"key", "label_zh", "label_en",
  "count", "doc_count", "is_selected"}]}}}``.
- ``GET /directories/<audience>/entries/<entry_id>``: one entry.
- ``POST /directories/entries`` (bureau): a catalogued entry (data held
  elsewhere); ``PUT``/``DELETE /directories/entries/<entry_id>`` update or
  withdraw it; ``POST /directories/entries/<entry_id>/review``
  (confidentiality reviewer) records its review (CD-TD Art. 24).
- ``POST /directories/entries/<entry_id>/checked`` (bureau, entity data
  admins): the yearly check (QY Art. 8).
- ``GET /directories/upkeep`` (bureau): changes not yet released and
  entries due for their check (CD-PD Art. 14; QY Art. 8).
- ``GET /directories/plan?year=`` (public): the open plan and its progress;
  ``POST /directories/plan``, ``PUT``/``DELETE /directories/plan/<id>``
  (bureau) (CD-PD Art. 33).

Every refusal is the kernel's ``DomainError`` (JSON, Chinese and English); bad
input is a 400 with field errors and stores nothing (NUL bytes, control
characters and lone surrogates never get here: the kernel's input layer,
``techdata.kernel.input``, refuses them for every endpoint). The views parse, call
:data:`techdata.directory.proxies.current_directory_service` and render; the
service's policy decides who may do what and its unit of work commits.
"""

from flask import Blueprint, current_app, g, jsonify, request

from ..kernel.i18n import _, bilingual
from ..kernel.input import int_arg as kernel_int_arg
from ..kernel.time import today
from . import catalogue, plan, store
from .errors import DirectoryError, invalid
from .proxies import current_directory_service as service

FACET_PARAMS = tuple(store.FACETS)
"""Query parameters that filter by a facet."""


def int_arg(name, default, low, high, args=None):
    """An integer query parameter within ``[low, high]`` (the kernel's bounded reader,
    a 400 naming the parameter as the directory's other query fields are named)."""
    return kernel_int_arg(name, default, low, high, args=args, field=name)


def search_params(args=None):
    """``(q, filters, page, size)`` of a directory search, validated (400 if bad)."""
    args = args if args is not None else request.args
    q = args.get("q", "")
    errors = []
    if len(q) > 500:
        errors.append({"field": "q", "messages": [bilingual(_(
            "The query is too long (500 characters at most)."))]})
    filters = {}
    for name in FACET_PARAMS:
        values = [v for v in args.getlist(name) if v]
        if any(len(v) > 128 for v in values) or len(values) > 50:
            errors.append({"field": name, "messages": [bilingual(_(
                "Too long or too many filter values."))]})
        filters[name] = values
    if errors:
        raise invalid(message=bilingual(_("Invalid query parameter.")), errors=errors)
    max_size = current_app.config["TECHDATA_DIRECTORY_MAX_PAGE_SIZE"]
    size = int_arg("size", current_app.config["TECHDATA_DIRECTORY_PAGE_SIZE"], 1, max_size, args)
    page = int_arg("page", 1, 1, 100000, args)
    return q, filters, page, size


def plan_year(args=None):
    """The ``year`` query parameter (default: this year where deadlines run)."""
    return int_arg("year", today().year, 2000, 2100, args)


def _body():
    """The JSON body of the request (None when it is not JSON)."""
    return request.get_json(silent=True)


def _links(entry, audience):
    """An entry dict with its API and page links."""
    api = current_app.config.get("SITE_API_URL", "").rstrip("/")
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {**entry, "links": {"self": f"{api}/directories/{audience}/entries/{entry['entry_id']}",
                               "html": f"{ui}/directory/entries/{entry['entry_id']}"}}


def api_search(audience):
    """``GET /directories/<audience>/entries``."""
    service.check_audience(g.identity, audience)
    q, filters, page, size = search_params()
    result = service.search(g.identity, audience, q, filters, page, size)
    result["hits"]["hits"] = [_links(e, audience) for e in result["hits"]["hits"]]
    return jsonify(result)


def api_read(audience, entry_id):
    """``GET /directories/<audience>/entries/<entry_id>``."""
    row = service.read(g.identity, audience, entry_id)
    doc = catalogue.entry_document(row, audience)
    if audience == "open":
        doc.pop("state", None)
    return jsonify(doc)


def api_create():
    """``POST /directories/entries``: a catalogued entry (bureau)."""
    return jsonify(catalogue.entry_document(service.create(g.identity, _body()))), 201


def api_update(entry_id):
    """``PUT /directories/entries/<entry_id>``: replace a catalogued entry (bureau)."""
    return jsonify(catalogue.entry_document(service.update(g.identity, entry_id, _body())))


def api_withdraw(entry_id):
    """``DELETE /directories/entries/<entry_id>``: withdraw a catalogued entry (bureau)."""
    service.withdraw(g.identity, entry_id)
    return "", 204


def api_review(entry_id):
    """``POST /directories/entries/<entry_id>/review``: confidentiality review (CD-TD Art. 24)."""
    return jsonify(catalogue.entry_document(service.review(g.identity, entry_id, _body())))


def api_checked(entry_id):
    """``POST /directories/entries/<entry_id>/checked``: the yearly check (QY Art. 8)."""
    return jsonify(catalogue.entry_document(service.mark_checked(g.identity, entry_id)))


def api_upkeep():
    """``GET /directories/upkeep``: pending changes and unchecked entries (bureau)."""
    return jsonify(service.upkeep(g.identity))


def api_plan():
    """``GET /directories/plan?year=``: the open plan and its progress (public)."""
    return jsonify(service.plan(g.identity, plan_year()))


def api_plan_create():
    """``POST /directories/plan``: add a plan item (bureau; CD-PD Art. 33)."""
    return jsonify(plan.item_dict(service.create_plan_item(g.identity, _body()))), 201


def api_plan_update(item_id):
    """``PUT /directories/plan/<id>``: replace a plan item (bureau)."""
    return jsonify(plan.item_dict(service.update_plan_item(g.identity, item_id, _body())))


def api_plan_delete(item_id):
    """``DELETE /directories/plan/<id>``: remove a plan item (bureau)."""
    service.delete_plan_item(g.identity, item_id)
    return "", 204


def create_api_blueprint(app):
    """API blueprint: ``/api/directories/...`` (errors: the app-wide ``DomainError`` handler)."""
    bp = Blueprint("techdata_directory_api", __name__, url_prefix="/directories")
    bp.add_url_rule("/<audience>/entries", view_func=api_search)
    bp.add_url_rule("/<audience>/entries/<entry_id>", view_func=api_read)
    bp.add_url_rule("/entries", view_func=api_create, methods=["POST"])
    bp.add_url_rule("/entries/<entry_id>", view_func=api_update, methods=["PUT"])
    bp.add_url_rule("/entries/<entry_id>", view_func=api_withdraw, methods=["DELETE"])
    bp.add_url_rule("/entries/<entry_id>/review", view_func=api_review, methods=["POST"])
    bp.add_url_rule("/entries/<entry_id>/checked", view_func=api_checked, methods=["POST"])
    bp.add_url_rule("/upkeep", view_func=api_upkeep)
    bp.add_url_rule("/plan", view_func=api_plan)
    bp.add_url_rule("/plan", view_func=api_plan_create, methods=["POST"])
    bp.add_url_rule("/plan/<int:item_id>", view_func=api_plan_update, methods=["PUT"])
    bp.add_url_rule("/plan/<int:item_id>", view_func=api_plan_delete, methods=["DELETE"])
    return bp


__all__ = ("DirectoryError", "create_api_blueprint", "int_arg",
           "plan_year", "search_params")
