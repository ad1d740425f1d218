"""The input layer: every request's text is checked once, before any view runs.

Registered as a ``before_request`` hook on the UI app and on the REST app
(mounted at ``/api``) by ``TechData.init_security``, so it guards our
endpoints and InvenioRDM's REST alike (issue 20 "one input layer"):

- the URL path and the query string, JSON bodies and form fields must not
  hold NUL bytes, lone surrogates or other control characters (tab, newline
  and carriage return are allowed in free text; the path allows none): they
  reach PostgreSQL (which refuses NUL and surrogates with a 500) or break
  spreadsheet exports;
- a JSON body is at most ``TECHDATA_INPUT_MAX_JSON_BYTES`` (413 beyond),
  valid UTF-8, nested at most ``TECHDATA_INPUT_MAX_JSON_DEPTH`` levels
  (counted on the raw text, iteratively, *before* parsing: a 100,000-deep
  body cannot raise ``RecursionError``), holds finite numbers within the
  interoperable range (RFC 7493: |n| < 2**53) and is an object (a list
  only where InvenioRDM takes one: initialising files).

File uploads (``application/octet-stream`` and other non-JSON, non-form
bodies) pass untouched: their content is the depositor's data.

Every refusal is a :class:`~.errors.DomainError` 400 (413 for size) naming
the field, e.g. ``metadata.title`` or ``query.q``.

:class:`SearchQueryParser` is the same idea for search syntax: a malformed
query falls back to a plain word search instead of a 500.
"""

import json
import math
import re

from flask import current_app, request
from invenio_records_resources.services.records.queryparser import QueryParser
from invenio_search.engine import dsl

from .errors import DomainError
from .i18n import _, bilingual

MAX_JSON_DEPTH = 32
"""Default deepest nesting of a JSON body (``TECHDATA_INPUT_MAX_JSON_DEPTH``)."""

MAX_JSON_BYTES = 2 * 1024 * 1024
"""Default largest JSON body (``TECHDATA_INPUT_MAX_JSON_BYTES``)."""

MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer every JSON reader and our columns hold exactly (RFC 7493)."""

MAX_ERRORS = 20
"""Field errors listed at most in one answer."""

_FREE_TEXT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Forbidden in free text: C0/C1 controls but tab, newline, CR; lone surrogates."""

_STRICT_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Forbidden in URL paths and field names: every control character, lone surrogates."""

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string literal (brackets inside it do not nest)."""

_JSON_BRACKET = re.compile(r"[\[\]{}]")

_LIST_BODY_PATHS = ("/files", "/media-files")
"""InvenioRDM endpoints whose JSON body is a list (initialising draft files)."""


def bad_character(text, free_text=True):
    """The first forbidden character of ``text`` (``None`` if it is clean)."""
    match = (_FREE_TEXT_BAD if free_text else _STRICT_BAD).search(text)
    return match.group() if match else None


def _character_error(field, char):
    """Field error for a forbidden character."""
    return {
        "field": field,
        "messages": [str(_("Contains a forbidden character (U+%(code)s): control "
                           "characters, NUL bytes and lone surrogates are not accepted.",
                           code=f"{ord(char):04X}"))],
    }


def _refuse(errors, message=None, code=400):
    """Raise the input layer's refusal."""
    raise DomainError(code, message or _("Some values of the request are not accepted."), errors=errors[:MAX_ERRORS])


def int_arg(name, default, low, high, args=None, field=None):
    """The integer query argument ``name`` within ``[low, high]``; ``default`` when absent.

    One helper for every REST and page view that pages or counts (issue 18 review):
    anything else (``x``, ``1.5``, out of bounds) is a bilingual 400 naming ``field``
    (default ``query.<name>``, as the input layer names query arguments). ``args``:
    the arguments to read (default: the request's query string).
    """
    args = args if args is not None else request.args
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DomainError(400, _("Invalid query parameter."), errors=[{
            "field": field or f"query.{name}",
            "messages": [bilingual(_("Must be an integer from %(low)s to %(high)s.",
                                     low=low, high=high))]}])
    return value


def json_depth(text):
    """Deepest nesting of the JSON ``text``, counted without parsing (no recursion)."""
    stripped = _JSON_STRING.sub('""', text)
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(stripped):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _reject_constant(name):
    """``json.loads`` hook: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not allowed")


def json_errors(value, prefix="body"):
    """Field errors of the parsed JSON ``value`` (walked iteratively)."""
    errors = []
    stack = [(prefix, value)]
    while stack and len(errors) < MAX_ERRORS:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                field = f"{path}.{key}" if path else key
                char = bad_character(key, free_text=False)
                if char:
                    errors.append(_character_error(path or "body", char))
                    continue
                stack.append((field, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child)
                         for i, child in enumerate(item))
        elif isinstance(item, str):
            char = bad_character(item)
            if char:
                errors.append(_character_error(path, char))
        elif isinstance(item, float) and not math.isfinite(item):
            errors.append({"field": path, "messages": [str(_("Number out of range."))]})
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_SAFE_INTEGER:
            errors.append({"field": path, "messages": [str(_("Number out of range."))]})
    return sorted(errors, key=lambda e: e["field"])


def _list_body_allowed(path):
    """True where InvenioRDM takes a JSON list (file initialisation)."""
    return path.rstrip("/").endswith(_LIST_BODY_PATHS)


def check_json_body():
    """Size, UTF-8, depth, characters and shape of a JSON request body."""
    config = current_app.config
    limit = config.get("TECHDATA_INPUT_MAX_JSON_BYTES", MAX_JSON_BYTES)
    too_large = _("The request body is too large.")
    if (request.content_length or 0) > limit:
        _refuse([{"field": "body", "messages": [str(too_large)]}], too_large, 413)
    raw = request.get_data(cache=True)
    if not raw:
        return
    if len(raw) > limit:
        _refuse([{"field": "body", "messages": [str(too_large)]}], too_large, 413)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        message = _("The request body is not valid UTF-8.")
        _refuse([{"field": "body", "messages": [str(message)]}], message)
    max_depth = config.get("TECHDATA_INPUT_MAX_JSON_DEPTH", MAX_JSON_DEPTH)
    if json_depth(text) > max_depth:
        message = _("The JSON body is nested too deeply (at most %(depth)s levels).",
                    depth=max_depth)
        _refuse([{"field": "body", "messages": [str(message)]}], message)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        message = _("The request body is not valid JSON.")
        _refuse([{"field": "body", "messages": [str(message)]}], message)
    if not isinstance(data, dict) and not (
        isinstance(data, list) and _list_body_allowed(request.path)
    ):
        message = _("The request body must be a JSON object.")
        _refuse([{"field": "body", "messages": [str(message)]}], message)
    errors = json_errors(data, prefix="")
    if errors:
        _refuse(errors)


def check_form():
    """Characters of form fields and uploaded file names."""
    errors = []
    for key, value in request.form.items(multi=True):
        char = bad_character(key, free_text=False) or bad_character(value)
        if char:
            errors.append(_character_error(f"form.{key}", char))
    for key, upload in request.files.items(multi=True):
        char = bad_character(key, free_text=False) or bad_character(
            upload.filename or "", free_text=False)
        if char:
            errors.append(_character_error(f"form.{key}", char))
    if errors:
        _refuse(errors)


def check_url():
    """Characters of the URL path (a 400 response) and of the query string (raises)."""
    char = bad_character(request.path, free_text=False)
    if char:
        # Answered as JSON even on pages: the HTML error page's layout queries
        # PostgreSQL with the request path (invenio-banners).
        error = DomainError(400, _("Some values of the request are not accepted."), errors=[_character_error("path", char)])
        return error.get_response()
    errors = []
    for key, value in request.args.items(multi=True):
        char = bad_character(key, free_text=False) or bad_character(value)
        if char:
            errors.append(_character_error(f"query.{key}", char))
    if errors:
        _refuse(errors)
    return None


def check_request():
    """``before_request`` hook: refuse bad input before any view sees it."""
    refused = check_url()
    if refused is not None:
        return refused
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.routing_exception is not None:
        # No view will read this body (a redirect to the canonical URL, 404,
        # 405): leave the stream unread, so a 307/308 redirect can resend it.
        return None
    if request.is_json:
        check_json_body()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        check_form()
    return None


class SearchQueryParser(QueryParser):
    """InvenioRDM's query parser whose fallback is a valid query.

    On a malformed query (``title:(``, ``"unterminated``, ``a AND OR b``)
    InvenioRDM falls back to a ``multi_match`` query with the parser's
    parameters; ``query_string`` parameters such as ``default_operator``
    are refused there by OpenSearch and the search answered 500. Here they
    are translated (``default_operator`` becomes ``operator``) or dropped,
    so a malformed query is searched as plain words.
    """

    RENAMED = {"default_operator": "operator"}
    """``query_string`` parameters with another name in ``multi_match``."""

    QUERY_STRING_ONLY = frozenset({
        "allow_leading_wildcard", "analyze_wildcard", "default_field",
        "enable_position_increments", "escape", "fuzzy_max_expansions",
        "fuzzy_prefix_length", "fuzzy_transpositions", "max_determinized_states",
        "phrase_slop", "quote_analyzer", "quote_field_suffix", "rewrite", "time_zone",
    })
    """``query_string`` parameters that ``multi_match`` does not take."""

    def parse(self, query_str):
        """The query of ``query_str``; a fallback ``multi_match`` OpenSearch accepts."""
        query = super().parse(query_str)
        if getattr(query, "name", None) != "multi_match":
            return query
        params = {}
        for key, value in query.to_dict()["multi_match"].items():
            if key in self.QUERY_STRING_ONLY:
                continue
            params[self.RENAMED.get(key, key)] = value
        return dsl.Q("multi_match", **params)


__all__ = ("MAX_JSON_BYTES", "MAX_JSON_DEPTH", "SearchQueryParser", "bad_character",
           "check_request", "json_depth", "json_errors")
