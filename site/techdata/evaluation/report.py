"""What the evaluation pages and the annual report show (issue 19, CD-TD Art. 26; CD-PD Art. 41).

Everything here reads :data:`~techdata.evaluation.proxies.current_evaluation_service`
with the reader's identity (its scope checks apply) and shapes it:

- :func:`parse_filters`: the page's query string (year, period, department,
  entity, centre, program; ranking indicator and kind) checked, a 400 naming
  the field otherwise;
- :func:`overview`: the indicators of one scope grouped, each group's trend over
  the last years and a ranking, with the chart specs the page's ECharts script
  draws (a table under every chart carries the same numbers);
- :func:`drill_down`: the items behind one number;
- :func:`report_xlsx` and :func:`report_pdf`: the annual report, one XLSX sheet
  per indicator group plus a definitions sheet; a PDF in Chinese with its
  charts drawn as SVG (WeasyPrint, Noto CJK fonts).
"""

import hashlib
import io
import re
from collections import OrderedDict

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from invenio_cache import current_cache
from markupsafe import Markup, escape

from ..kernel.errors import DomainError

from ..entities.proxies import current_entities_service
from ..kernel.i18n import _, bilingual, in_reader_language
from ..kernel.time import format_date, format_datetime, today
from .config import REPORT_CACHE_SECONDS
from .indicators import GROUP_NAMES, GROUPS
from .proxies import current_evaluation_service

SCOPE_FILTERS = ("entity", "department", "centre", "program")
"""Scope filters of the page, most specific first: the first one given is the scope shown."""

RANK_KINDS = ("department", "entity", "centre", "program")
"""Kinds of scope a ranking compares."""

TREND_YEARS = 5
"""Years a trend line shows (the chosen year and the ones before it)."""

DEFAULT_RANK_KEY = "deposit.deposited"
"""The indicator ranked when the reader chose none."""

PERIOD_LABELS = OrderedDict((
    ("", _("Whole year")),
    ("Q1", _("Q1 (January-March)")),
    ("Q2", _("Q2 (April-June)")),
    ("Q3", _("Q3 (July-September)")),
    ("Q4", _("Q4 (October-December)")),
    ("H1", _("First half-year")),
    ("H2", _("Second half-year")),
))
"""The periods of a year, as the filter offers them."""

SCOPE_LABELS = {
    "city": _("City-wide"),
    "department": _("Department"),
    "entity": _("Entity"),
    "centre": _("Data centre"),
    "program": _("Program"),
}
"""Names of the kinds of scope."""

UNIT_LABELS = {"count": _("count"), "ratio": _("ratio (%)"), "days": _("working days")}
"""How each unit of value is named."""

SUBSET_LABELS = {
    "on_time": (_("On time"), _("Late")),
    "other": (_("Counted"), _("Not counted")),
}
"""Drill-down links of a ratio: (numerator, rest) items; for an on-time ratio the rest are late."""

REPORT_NAME = "techdata-evaluation-{year}{period}-{scope}.{ext}"
"""File name of a downloaded report."""


def _bad(field, message):
    """The bilingual 400 naming the query parameter ``field``."""
    return DomainError(400, _("Invalid query parameter."), errors=[
        {"field": field, "messages": [bilingual(message)]}])


def _text(args, name, limit=200):
    """A trimmed query parameter (``""`` when absent); a 400 naming it when too long."""
    value = (args.get(name) or "").strip()
    if len(value) > limit:
        raise _bad(name, _("Too long (at most %(max)s characters).", max=limit))
    return value


# -- the filters -----------------------------------------------------------------------------


def parse_filters(identity, args):
    """The checked filters of a query string (``request.args``).

    ``year`` (default: this year, Beijing), ``period`` (``""``, Q1-Q4, H1, H2),
    one scope (``entity``, ``department``, ``centre`` or ``program``; the most
    specific given wins; none: the reader's default scope), ``rank`` (an
    indicator key) and ``by`` (the kind of scope ranked).
    """
    service = current_evaluation_service
    year_text = _text(args, "year", 10)
    year = service.check_year(year_text) if year_text else today().year
    period = service.check_period(_text(args, "period", 10))
    values = {name: _text(args, name) for name in SCOPE_FILTERS}
    given = [name for name in SCOPE_FILTERS if values[name]]
    if given:
        kind, scope_id = given[0], values[given[0]]
    else:
        kind, scope_id = service.default_scope(identity)
    rank = _text(args, "rank", 64) or DEFAULT_RANK_KEY
    service.check_key(rank)
    by = _text(args, "by", 16) or {"city": "department", "department": "entity"}.get(kind, kind)
    if by not in RANK_KINDS:
        raise _bad("by", _("Must be department, entity, centre or program."))
    return {"year": year, "period": period, "kind": kind, "scope_id": scope_id,
            "values": values, "rank": rank, "by": by}


def query_args(filters, **over):
    """The query-string arguments that show ``filters`` again (for links and downloads)."""
    args = {"year": filters["year"]}
    if filters["period"]:
        args["period"] = filters["period"]
    if filters["kind"] != "city":
        args[filters["kind"]] = filters["scope_id"]
    args.update({k: v for k, v in over.items() if v not in (None, "")})
    return args


def scope_names(kind, ids):
    """``{id: name}`` of scopes of ``kind``, in the reader's language: entities and departments
    by the entities service, data centres by their community's title; programmes are names
    already. An id without a name is shown as it is."""
    ids = [i for i in ids if i]
    if kind == "entity":
        names = current_entities_service.entity_names(ids)
    elif kind == "department":
        names = current_entities_service.department_names(ids)
    elif kind == "centre":
        titles = current_evaluation_service.centre_titles(ids)
        names = {i: {"zh": titles.get(i)} for i in ids}
    else:
        names = {}
    return {i: in_reader_language(names.get(i), i) for i in ids}


def scope_label(kind, scope_id):
    """``"Department: 市科技局"`` (``"City-wide"`` for the city)."""
    if kind == "city":
        return str(SCOPE_LABELS["city"])
    return f"{SCOPE_LABELS[kind]}: {scope_names(kind, [scope_id]).get(scope_id, scope_id)}"


def period_label(year, period):
    """``"2026 · Whole year"``."""
    return f"{year} · {PERIOD_LABELS[period]}"


# -- values ----------------------------------------------------------------------------------


def display(unit, value):
    """A value as the pages print it: ``85.0%``, ``3.5``, ``12``; ``—`` when there is none."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def chart_value(unit, value):
    """The number a chart plots: a ratio in percent, one decimal; None stays None."""
    if value is None:
        return None
    return round(value * 100, 1) if unit == "ratio" else round(value, 2)


def subset_labels(key):
    """Labels of the drill-down's (numerator, rest) links of the indicator ``key``."""
    pair = SUBSET_LABELS["on_time" if "on_time" in key else "other"]
    return str(pair[0]), str(pair[1])


def _row(row):
    """An indicator dict of the service with what the page prints."""
    counted, rest = subset_labels(row["key"])
    return {**row, "display": display(row["unit"], row["value"]),
            "unit_label": str(UNIT_LABELS[row["unit"]]),
            "counted_label": counted, "rest_label": rest,
            "rest": (None if row["numerator"] is None or row["denominator"] is None
                     else row["denominator"] - row["numerator"])}


def grouped(rows):
    """``[{"group", "name", "rows"}]`` in report order."""
    out = []
    for group in GROUPS:
        members = [r for r in rows if r["group"] == group]
        if members:
            out.append({"group": group, "name": str(GROUP_NAMES[group]), "rows": members})
    return out


# -- the page --------------------------------------------------------------------------------


def trend_years(filters):
    """The years a trend line shows: :data:`TREND_YEARS` up to the chosen one."""
    return list(range(filters["year"] - TREND_YEARS + 1, filters["year"] + 1))


def drawn_rows(rows):
    """The indicators of one group its trend draws: its ratios when it has any (in
    percent), else its counts or days; only recorded ones."""
    ratios = [r for r in rows if r["unit"] == "ratio" and r["recorded"]]
    return ratios or [r for r in rows if r["recorded"]]


def trend(identity, filters, rows, points=None):
    """The trend of one group's indicators over :data:`TREND_YEARS` years.

    ``points``: the service's :meth:`trends` of (at least) the drawn indicators,
    read once for the whole page; None reads this group's alone.
    Returns ``{"years", "lines": [{"key", "name", "unit", "values", "displays"}], "chart"}``.
    """
    years = trend_years(filters)
    drawn = drawn_rows(rows)
    if points is None:
        points = current_evaluation_service.trends(
            identity, [r["key"] for r in drawn], years, filters["period"], filters["kind"],
            filters["scope_id"])
    lines = []
    for row in drawn:
        values = [p["value"] for p in points[row["key"]]]
        lines.append({"key": row["key"], "name": row["name"], "unit": row["unit"],
                      "values": values, "displays": [display(row["unit"], v) for v in values]})
    ratio = any(r["unit"] == "ratio" for r in drawn)
    unit = "ratio" if ratio else (drawn[0]["unit"] if drawn else "count")
    chart = {"type": "line", "x": [str(y) for y in years], "unit": "%" if unit == "ratio" else "",
             "series": [{"name": line["name"],
                         "data": [chart_value(line["unit"], v) for v in line["values"]]}
                        for line in lines]}
    return {"years": years, "lines": lines, "chart": chart}


def ranking(identity, filters):
    """The ``by`` scopes ranked by the ``rank`` indicator: rows and a bar chart spec."""
    service = current_evaluation_service
    indicator = service.describe(service.check_key(filters["rank"]))
    rows = service.ranking(identity, filters["rank"], filters["year"], filters["by"],
                           filters["period"])
    names = scope_names(filters["by"], [r["scope_id"] for r in rows])
    for row in rows:
        row["display"] = display(indicator["unit"], row["value"])
        row["name"] = names.get(row["scope_id"], row["scope_id"])
    chart = {"type": "bar", "x": [r["name"] for r in rows],
             "unit": "%" if indicator["unit"] == "ratio" else "",
             "series": [{"name": indicator["name"],
                         "data": [chart_value(indicator["unit"], r["value"]) for r in rows]}]}
    return {"indicator": indicator, "rows": rows, "chart": chart}


def scope_options(identity, year):
    """``{kind: [(id, name)]}`` the reader may choose in the filters: the scopes of ``year`` and of the
    years its trend shows that were computed (a scope new this year or gone since is still
    offered; no page load computes a past year). One query for the scopes of every kind."""
    service = current_evaluation_service
    years = [y for y in range(year - TREND_YEARS + 1, year)
             if service.computed_at(y) is not None] + [year]
    found = service.scope_ids(identity, years, SCOPE_FILTERS)
    out = {}
    for kind in SCOPE_FILTERS:
        ids = found[kind]
        names = scope_names(kind, ids)
        out[kind] = sorted(((i, names.get(i, i)) for i in ids), key=lambda pair: pair[1])
    return out


def overview(identity, filters, with_ranking=True):
    """Everything the evaluation page (and the report) shows for ``filters``."""
    service = current_evaluation_service
    rows = [_row(r) for r in service.indicators(
        identity, filters["year"], filters["period"], filters["kind"], filters["scope_id"])]
    groups = grouped(rows)
    points = service.trends(  # every group's trend lines: one query
        identity, [r["key"] for group in groups for r in drawn_rows(group["rows"])],
        trend_years(filters), filters["period"], filters["kind"], filters["scope_id"])
    for group in groups:
        group["trend"] = trend(identity, filters, group["rows"], points)
    run = service.computed_at(filters["year"])
    return {
        "filters": filters, "groups": groups, "rows": rows,
        "scope": scope_label(filters["kind"], filters["scope_id"]),
        "period": period_label(filters["year"], filters["period"]),
        "computed_at": format_datetime(run["computed_at"]) if run else "",
        "ranking": ranking(identity, filters) if with_ranking else None,
    }


# -- the drill-down --------------------------------------------------------------------------


ACCESS_REQUEST_TYPES = ("conditional-access", "conditional-sharing", "opening-application",
                        "appeal", "correction", "data-service")
"""Request types from outside, shown on the access feature's request page."""


def _url(endpoint, **values):
    """``url_for``, or None for an endpoint this app lacks or an id it refuses."""
    try:
        return url_for(endpoint, **values)
    except Exception:  # noqa: BLE001  (BuildError, a bad converter value)
        return None


def item_link(item):
    """The URL of the page of a drill-down item (None when it has none).

    A request from outside: its request page (``/access/request/<id>``); a review:
    InvenioRDM's request page; a planned dataset or a project: the project page;
    a record: its landing page; a directory entry: its page; an open-plan item: the plan.
    """
    kind = item.get("kind") or ""
    detail = item.get("detail") or {}
    ident = str(item.get("item") or "")
    if kind == "request":
        if detail.get("type") in ACCESS_REQUEST_TYPES:
            return _url("techdata_access.request_page", request_id=ident)
        return _url("invenio_app_rdm_requests.user_dashboard_request_view",
                    request_pid_value=ident)
    if kind in ("plan-item", "project"):
        number = detail.get("project") or ident.split("/")[0]
        return _url("techdata_projects_ui.project_detail", number=number)
    if kind == "record":
        recid = detail.get("record") or ident.split("/")[0]
        return _url("invenio_app_rdm_records.record_detail", pid_value=recid)
    if kind == "entry":
        return _url("techdata_directory.entry_page", entry_id=ident)
    if kind == "plan":
        return _url("techdata_directory.plan_page")
    return None


def drill_down(identity, filters, key, subset, page=1):
    """One page of the items behind ``key``'s number for ``filters`` (``subset``: None,
    numerator, rest); ``page`` from 1. ``total`` counts them all; ``previous`` and ``next``
    are the neighbouring pages' links (None at either end)."""
    service = current_evaluation_service
    indicator = service.describe(service.check_key(key))
    subset = subset or None
    found = service.items_page(identity, key, filters["year"], filters["period"],
                               filters["kind"], filters["scope_id"], subset=subset, page=page)
    items = found["items"]
    counted, rest = subset_labels(key)
    for item in items:
        item["link"] = item_link(item)
        item["on_display"] = format_date(item["on"])
        detail = item.get("detail") or {}
        item["due_display"] = format_date(detail["due_date"]) if detail.get("due_date") else ""
        item["days_late"] = detail.get("days_late") or 0

    def link(number):
        if not 1 <= number <= found["pages"] or number == found["page"]:
            return None
        return url_for("techdata_evaluation_ui.items_page", **query_args(
            filters, key=key, subset=subset, page=number if number > 1 else None))

    first = (found["page"] - 1) * found["size"] + 1 if items else 0
    return {"indicator": indicator, "items": items, "subset": subset,
            "subset_label": {None: "", "numerator": counted, "rest": rest}[subset],
            "scope": scope_label(filters["kind"], filters["scope_id"]),
            "period": period_label(filters["year"], filters["period"]),
            "total": found["total"], "page": found["page"], "pages": found["pages"],
            "first": first, "last": first + len(items) - 1 if items else 0,
            "previous": link(found["page"] - 1), "next": link(found["page"] + 1)}


# -- the annual report -----------------------------------------------------------------------


def report_name(filters, ext):
    """The download's file name, e.g. ``techdata-evaluation-2026-city.xlsx``."""
    scope = filters["kind"] if filters["kind"] == "city" else f"{filters['kind']}-{filters['scope_id']}"
    scope = re.sub(r"[^A-Za-z0-9_.-]+", "_", scope)[:80]
    period = f"-{filters['period']}" if filters["period"] else ""
    return REPORT_NAME.format(year=filters["year"], period=period, scope=scope, ext=ext)


def _sheet_title(name, taken):
    """An XLSX sheet title: no ``[]:*?/\\``, at most 31 characters, unique."""
    title = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    base, n = title, 2
    while title in taken:
        title = f"{base[:28]} {n}"
        n += 1
    taken.add(title)
    return title


def report_xlsx(identity, filters):
    """The annual report as XLSX bytes: a definitions sheet, then one sheet per group.

    Definitions: the period, scope and time of computation, then each
    indicator's group, key, name, formula, unit, source and article. A group's
    sheet: each indicator's value (a ratio as a percentage cell), numerator,
    denominator and the trend of the last years.
    """
    from openpyxl import Workbook  # heavy; only when a report is asked for
    from openpyxl.styles import Font

    data = overview(identity, filters, with_ranking=False)
    wb = Workbook()
    bold = Font(bold=True)
    defs = wb.active
    taken = set()
    defs.title = _sheet_title(str(_("Definitions")), taken)
    defs.append([str(_("Evaluation report"))])
    defs["A1"].font = Font(bold=True, size=14)
    defs.append([str(_("Period")), data["period"]])
    defs.append([str(_("Scope")), data["scope"]])
    defs.append([str(_("Computed at (Beijing)")), data["computed_at"]])
    defs.append([str(_("Articles")), "CD-TD Art. 26; CD-PD Art. 41; QY Art. 31-32; LZ Art. 39"])
    defs.append([])
    header = [str(_("Group")), str(_("Key")), str(_("Indicator")), str(_("Formula")),
              str(_("Unit")), str(_("Source")), str(_("Article"))]
    defs.append(header)
    for cell in defs[defs.max_row]:
        cell.font = bold
    for group in data["groups"]:
        for row in group["rows"]:
            defs.append([group["name"], row["key"], row["name"], row["formula"],
                         row["unit_label"], row["source"], row["article"]])
    for column, width in zip("ABCDEFG", (14, 34, 36, 80, 10, 40, 40)):
        defs.column_dimensions[column].width = width

    for group in data["groups"]:
        sheet = wb.create_sheet(_sheet_title(group["name"], taken))
        years = group["trend"]["years"]
        sheet.append([str(_("Indicator")), str(_("Key")), str(_("Value")), str(_("Unit")),
                      str(_("Numerator")), str(_("Denominator")), str(_("Note")),
                      *[str(y) for y in years]])
        for cell in sheet[1]:
            cell.font = bold
        trends = {line["key"]: line["values"] for line in group["trend"]["lines"]}
        for row in group["rows"]:
            sheet.append([row["name"], row["key"], row["value"], row["unit_label"],
                          row["numerator"], row["denominator"], row["note"] or "",
                          *trends.get(row["key"], [None] * len(years))])
            if row["unit"] == "ratio":
                cells = [sheet.cell(sheet.max_row, 3)] + [
                    sheet.cell(sheet.max_row, 8 + i) for i in range(len(years))]
                for cell in cells:
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 34
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- charts drawn for the PDF ----------------------------------------------------------------

PALETTE = ("#2f6db5", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4a017",
           "#17a2b8")
"""Line and bar colours of the PDF's charts."""

FONT = "Noto Sans CJK SC, sans-serif"
"""The charts' font (Chinese labels)."""


def _short(text, limit=18):
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_svg(labels, values, unit=""):
    """A horizontal bar chart as SVG markup (values in percent when ``unit`` is ``%``)."""
    width, label_w, row_h, top = 520, 190, 18, 6
    plot_w = width - label_w - 60
    top_value = 100.0 if unit == "%" else max([v for v in values if v is not None] or [1]) or 1
    height = top + row_h * len(labels) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">'
                     f'{escape(_short(label))}</text>')
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 12}" fill="#888">—</text>')
            continue
        w = max(0.0, min(1.0, value / top_value)) * plot_w
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 12}">{value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_svg(x, series, unit=""):
    """A line chart as SVG markup: ``x`` labels, ``series`` ``[(name, values)]``, a legend."""
    width, height, left, right, top, bottom = 520, 190, 44, 12, 10, 26
    legend_h = 14 * ((len(series) + 1) // 2)
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for _name, values in series for v in values if v is not None]
    top_value = 100.0 if unit == "%" else (max(known) if known else 1) or 1
    total_h = height + legend_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
             f'viewBox="0 0 {width} {total_h}" font-family="{FONT}" font-size="9">']
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="#ddd" stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">'
                     f'{value:g}{escape(unit)}</text>')
    n = max(len(x), 1)

    def px(i):
        return left + (plot_w * (i + 0.5) / n)

    for i, label in enumerate(x):
        parts.append(f'<text x="{px(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
                     f'{escape(label)}</text>')
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [(px(i), top + plot_h - plot_h * max(0.0, min(1.0, v / top_value)))
                  for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"/>')
        for a, b in points:
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2" fill="{colour}"/>')
        lx, ly = left + (k % 2) * (plot_w / 2), height + 10 + 14 * (k // 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 7}" width="10" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14:.1f}" y="{ly - 3}">{escape(_short(name, 30))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def report_html(identity, filters):
    """The PDF report's HTML, in Chinese (whatever the reader's language)."""
    with force_locale("zh"):
        data = overview(identity, filters, with_ranking=False)
        for group in data["groups"]:
            ratios = [r for r in group["rows"] if r["unit"] == "ratio" and r["recorded"]]
            shown = ratios or [r for r in group["rows"] if r["recorded"]]
            unit = "%" if ratios else ""
            group["bars"] = bar_svg([r["name"] for r in shown],
                                    [chart_value(r["unit"], r["value"]) for r in shown], unit)
            spec = group["trend"]["chart"]
            group["lines"] = line_svg(spec["x"], [(s["name"], s["data"]) for s in spec["series"]],
                                      spec["unit"])
        return render_template("techdata/evaluation/report_pdf.html", data=data,
                               generated_on=format_date(today(), "zh"))


def report_cache_key(filters):
    """The cache key of a PDF report: its year, period and scope, the time each year it
    shows (its trend's) was computed, and today (the report's date). A recomputation
    changes the key, so a cached report never shows older numbers than the pages."""
    service = current_evaluation_service
    stamps = []
    for year in range(max(filters["year"] - TREND_YEARS + 1, 2000), filters["year"] + 1):
        run = service.computed_at(year)
        stamps.append(run["computed_at"] if run else "-")
    text = "|".join(map(str, (filters["year"], filters["period"], filters["kind"],
                              filters["scope_id"], today().isoformat(), *stamps)))
    return "techdata-evaluation-pdf:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_pdf(identity, filters):
    """The annual report as PDF bytes (WeasyPrint; Chinese, with its charts).

    Laying out a report takes seconds (WeasyPrint, CJK fonts); the same report
    is the same bytes until the year is recomputed, so it is kept in the cache
    (:func:`report_cache_key`, at most ``TECHDATA_EVALUATION_REPORT_CACHE_SECONDS``).
    The reader's scope is checked before a cached report is given.
    """
    from weasyprint import HTML  # heavy; only when a report is asked for

    service = current_evaluation_service
    service.require_scope(identity, filters["kind"], filters["scope_id"])
    service.ensure(filters["year"])
    key = report_cache_key(filters)
    cached = current_cache.get(key)
    if cached is not None:
        return cached
    body = HTML(string=report_html(identity, filters), base_url=None).write_pdf()
    current_cache.set(key, body, timeout=int(current_app.config.get(
        "TECHDATA_EVALUATION_REPORT_CACHE_SECONDS", REPORT_CACHE_SECONDS)))
    return body
