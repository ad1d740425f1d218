"""REST API of the evaluation (``/api/evaluation/...``, issue 19), for the pages and the city's
other systems.

- ``GET /evaluation/indicators?year=&period=&scope=&id=``: every indicator of
  the year (period ``Q1``-``Q4``, ``H1``, ``H2``; empty: the year) for one scope
  (``city`` default, ``department``, ``entity``, ``centre``, ``program`` with its
  ``id``): ``{"year", "period", "scope": {"kind", "id"}, "computed", "hits": [
  {"key", "group", "name", "names", "formula", "unit", "source", "article",
  "value", "numerator", "denominator", "recorded", "note"}]}``.
- ``GET /evaluation/indicators/<key>/items?year=&period=&scope=&id=&subset=``:
  the items behind the number (``subset``: ``numerator`` or ``rest``, e.g. the
  late requests of an on-time ratio).
- ``GET /evaluation/indicators/<key>/series?years=2025,2026&period=&scope=&id=``:
  a trend line; ``GET /evaluation/indicators/<key>/ranking?year=&period=&scope=``:
  the scopes of a kind ranked.
- ``GET /evaluation/scopes?year=&scope=``: ids of the scopes the caller may read.
- ``GET /evaluation/stale``: stale datasets the caller answers for (LZ Art. 30).
- ``POST /evaluation/recompute`` (``{"year": 2026}`` or nothing): recompute now
  (bureau, administrators).

Bad input is a 400 naming the field (``year``, ``period``, ``scope``, ``id``,
``key``, ``subset``, ``years``), in Chinese and English; a scope the caller may
not read is a 401/403.
"""

from flask import Blueprint, g, jsonify, request

from ..kernel.errors import DomainError
from ..kernel.i18n import _, bilingual
from ..kernel.time import today
from .proxies import current_evaluation_service as service
from .service import bad_param

MAX_YEARS = 20
"""Most years one series asks for."""


def _year(args):
    """The ``year`` parameter, default this year."""
    raw = args.get("year")
    return service.check_year(raw) if raw not in (None, "") else today().year


def _scope(args):
    """``(kind, id)`` of the ``scope``/``id`` parameters."""
    return service.check_scope(args.get("scope") or "city", args.get("id"))


def indicators():
    """Every indicator of a year, period and scope."""
    args = request.args
    year, period = _year(args), service.check_period(args.get("period"))
    kind, scope_id = _scope(args)
    hits = service.indicators(g.identity, year, period, kind, scope_id)
    return jsonify({"year": year, "period": period, "scope": {"kind": kind, "id": scope_id},
                    "computed": service.computed_at(year), "hits": hits})


def items(key):
    """The items behind an indicator's number (drill-down)."""
    args = request.args
    kind, scope_id = _scope(args)
    year = _year(args)
    hits = service.items(g.identity, key, year, args.get("period"), kind, scope_id,
                         subset=args.get("subset") or None)
    return jsonify({"key": key, "year": year, "scope": {"kind": kind, "id": scope_id},
                    "hits": hits, "total": len(hits)})


def series(key):
    """A trend line of an indicator over years."""
    args = request.args
    raw = [y for y in (args.get("years") or "").split(",") if y.strip()]
    if not raw:
        this = today().year
        raw = [str(y) for y in range(this - 4, this + 1)]
    if len(raw) > MAX_YEARS:
        raise bad_param("years", _("At most 20 years."))
    kind, scope_id = _scope(args)
    hits = service.series(g.identity, key, raw, args.get("period"), kind, scope_id)
    return jsonify({"key": key, "scope": {"kind": kind, "id": scope_id}, "hits": hits})


def ranking(key):
    """The scopes of a kind ranked by an indicator."""
    args = request.args
    year = _year(args)
    hits = service.ranking(g.identity, key, year, args.get("scope") or "entity",
                           args.get("period"))
    return jsonify({"key": key, "year": year, "hits": hits})


def scopes():
    """The scope ids of a kind the caller may read (filters)."""
    args = request.args
    year = _year(args)
    return jsonify({"year": year, "scope": args.get("scope") or "city",
                    "hits": service.scopes(g.identity, year, args.get("scope") or "city")})


def stale():
    """Stale datasets the caller answers for (LZ Art. 30; CD-PD Art. 29)."""
    hits = service.stale_datasets(g.identity)
    return jsonify({"hits": hits, "total": len(hits)})


def recompute():
    """Recompute now (bureau, administrators)."""
    body = request.get_json(silent=True)
    if body is None and request.data:
        raise DomainError(400, _("Invalid query parameter."), errors=[
            {"field": "body", "messages": [bilingual(_("A JSON object is required."))]}])
    body = body or {}
    if not isinstance(body, dict):
        raise bad_param("body", _("A JSON object is required."))
    year = body.get("year", request.args.get("year"))
    runs = service.recompute(g.identity, year if year not in (None, "") else None)
    return jsonify({"hits": runs})


def create_api_blueprint(app):
    """REST blueprint (registered on the API app)."""
    bp = Blueprint("techdata_evaluation_api", __name__, url_prefix="/evaluation")
    bp.add_url_rule("/indicators", view_func=indicators)
    bp.add_url_rule("/indicators/<key>/items", view_func=items)
    bp.add_url_rule("/indicators/<key>/series", view_func=series)
    bp.add_url_rule("/indicators/<key>/ranking", view_func=ranking)
    bp.add_url_rule("/scopes", view_func=scopes)
    bp.add_url_rule("/stale", view_func=stale)
    bp.add_url_rule("/recompute", view_func=recompute, methods=["POST"])
    return bp
