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

Every refusal is JSON with a message in Chinese and English; bad input is a
400 with field errors and stores nothing.
"""

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from invenio_db import db

from . import catalogue, permissions, plan, store
from .catalogue import BilingualError

FACET_PARAMS = tuple(store.FACETS)
"""Query parameters that filter by a facet."""


def _json_error(exc):
    """The response of a :class:`BilingualError`."""
    response = jsonify(exc.to_dict())
    response.status_code = exc.status
    return response


def _deny(what):
    """401 for anonymous callers, 403 for logged-in ones."""
    if not permissions.is_authenticated():
        return BilingualError(401, f"请先登录 / Log in first: {what}")
    return BilingualError(403, f"无权操作 / Not permitted: {what}")


def _audience(audience):
    """Check ``audience`` and the caller's right to read it."""
    if audience not in store.AUDIENCES:
        raise BilingualError(404, f"没有名为“{str(audience)[:32]}”的目录，请使用 open 或 resource / "
                                  f"There is no directory “{str(audience)[:32]}”; use open or "
                                  "resource.")
    if not permissions.may_read(audience):
        raise _deny("资源目录仅供政府部门角色查阅 / the resource directory is for government "
                    "roles (CD-TD Art. 7, 11, 19).")


def _int_arg(name, default, low, high):
    """An integer query parameter within ``[low, high]``."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BilingualError(400, "查询参数有误 / Invalid query parameter.", [
            {"field": name, "messages": [f"须为 {low} 到 {high} 之间的整数 / Must be an integer "
                                         f"from {low} to {high}."]}])
    return value


def search_params(args=None):
    """``(q, filters, page, size)`` of a directory search, validated (400 if bad)."""
    args = args if args is not None else request.args
    q = args.get("q", "")
    errors = []
    if len(q) > 500:
        errors.append({"field": "q", "messages": ["查询过长（最多 500 字） / The query is too "
                                                  "long (500 characters at most)."]})
    filters = {}
    for name in FACET_PARAMS:
        values = [v for v in args.getlist(name) if v]
        if any(len(v) > 128 for v in values) or len(values) > 50:
            errors.append({"field": name, "messages": ["筛选值过长或过多 / Too long or too many "
                                                       "filter values."]})
        filters[name] = values
    if errors:
        raise BilingualError(400, "查询参数有误 / Invalid query parameter.", errors)
    max_size = current_app.config["TECHDATA_DIRECTORY_MAX_PAGE_SIZE"]
    size = _int_arg("size", current_app.config["TECHDATA_DIRECTORY_PAGE_SIZE"], 1, max_size)
    page = _int_arg("page", 1, 1, 100000)
    return q, filters, page, size


def _body():
    """The JSON body of the request (None when it is not JSON)."""
    return request.get_json(silent=True)


def _user():
    """The caller's user id."""
    return g.identity.id


def api_search(audience):
    """``GET /directories/<audience>/entries``."""
    _audience(audience)
    q, filters, page, size = search_params()
    result = store.search(audience, q, filters, page, size)
    result["hits"]["hits"] = [_with_links(e, audience) for e in result["hits"]["hits"]]
    return jsonify(result)


def _with_links(entry, audience):
    """An entry dict with its API and page links."""
    api = current_app.config.get("SITE_API_URL", "").rstrip("/")
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {**entry, "links": {"self": f"{api}/directories/{audience}/entries/{entry['entry_id']}",
                               "html": f"{ui}/directory/entries/{entry['entry_id']}"}}


def read_entry(audience, entry_id):
    """The row ``entry_id`` if the directory ``audience`` has it, else a bilingual 404."""
    try:
        row = store.get_entry(entry_id)
    except store.EntryNotFound:
        row = None
    if row is None or (audience == "open" and not row.in_open):
        raise BilingualError(404, f"目录中没有条目 {str(entry_id)[:64]} / The directory has no "
                                  f"entry {str(entry_id)[:64]}.")
    return row


def api_read(audience, entry_id):
    """``GET /directories/<audience>/entries/<entry_id>``."""
    _audience(audience)
    row = read_entry(audience, entry_id)
    doc = catalogue.entry_document(row, audience)
    if audience == "open":
        doc.pop("state", None)
    return jsonify(doc)


def _requires(check, what):
    """Decorator of a view: refuse unless ``check()`` holds for the caller."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not check():
                raise _deny(what)
            return view(*args, **kwargs)
        return guarded
    return decorate


def _committed(doc=None, status=200):
    """Commit the session; ``doc`` as JSON with ``status`` (204 without ``doc``)."""
    db.session.commit()
    if doc is None:
        return "", 204
    return jsonify(doc), status


CATALOGUERS = (permissions.is_bureau,
               "仅市科技局可编目 / only the tech bureau catalogues entries.")
"""Who catalogues entries (CD-TD Art. 7, 19)."""

PLANNERS = (permissions.is_bureau, "仅市科技局可编制开放计划 / only the tech bureau plans.")
"""Who keeps the open plan (CD-PD Art. 33)."""


@_requires(*CATALOGUERS)
def api_create():
    """``POST /directories/entries``: a catalogued entry (bureau)."""
    return _committed(catalogue.entry_document(catalogue.create(_body(), _user())), 201)


@_requires(*CATALOGUERS)
def api_update(entry_id):
    """``PUT /directories/entries/<entry_id>``: replace a catalogued entry (bureau)."""
    return _committed(catalogue.entry_document(catalogue.update(entry_id, _body(), _user())))


@_requires(*CATALOGUERS)
def api_withdraw(entry_id):
    """``DELETE /directories/entries/<entry_id>``: withdraw a catalogued entry (bureau)."""
    catalogue.withdraw(entry_id)
    return _committed()


@_requires(permissions.is_confidentiality_reviewer,
           "仅保密审查员可审查 / only confidentiality reviewers review entries.")
def api_review(entry_id):
    """``POST /directories/entries/<entry_id>/review``: confidentiality review (CD-TD Art. 24)."""
    return _committed(catalogue.entry_document(catalogue.review(entry_id, _body(), _user())))


@_requires(permissions.may_check,
           "仅市科技局或单位数据管理员可核查 / only the bureau or an entity data admin checks "
           "entries.")
def api_checked(entry_id):
    """``POST /directories/entries/<entry_id>/checked``: the yearly check (QY Art. 8)."""
    try:
        row = store.mark_checked(entry_id, _user())
    except store.EntryNotFound:
        raise BilingualError(404, f"没有目录条目 {str(entry_id)[:64]} / No directory entry "
                                  f"{str(entry_id)[:64]}.")
    return _committed(catalogue.entry_document(row))


@_requires(permissions.is_bureau, "仅市科技局可查看 / only the tech bureau sees upkeep.")
def api_upkeep():
    """``GET /directories/upkeep``: pending changes and unchecked entries (bureau)."""
    return jsonify({"pending_changes": store.pending_changes(),
                    "unchecked": store.unchecked_entries(),
                    "upkeep_days": current_app.config["TECHDATA_DIRECTORY_UPKEEP_DAYS"]})


def plan_year():
    """The ``year`` query parameter (default: this year in China)."""
    from ..review.deadlines import today

    return _int_arg("year", today().year, 2000, 2100)


def api_plan():
    """``GET /directories/plan?year=``: the open plan and its progress (public)."""
    return jsonify(plan.progress(plan_year()))


@_requires(*PLANNERS)
def api_plan_create():
    """``POST /directories/plan``: add a plan item (bureau; CD-PD Art. 33)."""
    return _committed(plan.item_dict(plan.create_item(_body(), _user())), 201)


@_requires(*PLANNERS)
def api_plan_update(item_id):
    """``PUT /directories/plan/<id>``: replace a plan item (bureau)."""
    return _committed(plan.item_dict(plan.update_item(item_id, _body(), _user())))


@_requires(*PLANNERS)
def api_plan_delete(item_id):
    """``DELETE /directories/plan/<id>``: remove a plan item (bureau)."""
    plan.delete_item(item_id)
    return _committed()


def create_api_blueprint(app):
    """API blueprint: ``/api/directories/...``."""
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
    bp.register_error_handler(BilingualError, _json_error)
    return bp
