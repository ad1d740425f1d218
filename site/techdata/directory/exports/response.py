"""The streaming Flask response of an export (used for the live directory and releases)."""

import re
from urllib.parse import quote

from flask import Response, current_app, jsonify, stream_with_context

from ...kernel.i18n import _, bilingual
from .common import CHUNK_SIZE
from .formats import FORMATS, UnknownFormat, get_format, serialise


def content_disposition(filename):
    """``attachment`` with an ASCII fallback name and the UTF-8 name (RFC 6266/5987)."""
    stem, _dot, ext = filename.rpartition(".")
    fallback = filename if re.fullmatch(r"[A-Za-z0-9._-]+", filename) else (
        "directory-export." + re.sub(r"[^A-Za-z0-9]", "", ext) if stem else "directory-export")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def unknown_format_response(fmt):
    """The bilingual ``400`` of an unknown format, listing the formats."""
    message = bilingual(_("Unknown export format “%(format)s”; use one of: %(formats)s.",
                          format=str(fmt)[:32], formats=", ".join(FORMATS)))
    response = jsonify({"status": 400, "message": message, "formats": list(FORMATS)})
    response.status_code = 400
    return response


def export_response(entries, fmt, catalog, filename_stem):
    """A streaming download of ``entries`` in format ``fmt`` (``400`` if unknown).

    ``entries`` is any iterable of entry dicts; it is read while the response
    is sent (inside the request context, so a database cursor stays usable).
    """
    try:
        export = get_format(fmt)
    except UnknownFormat:
        return unknown_format_response(fmt)
    size = current_app.config.get("TECHDATA_DIRECTORY_EXPORT_CHUNK_SIZE", CHUNK_SIZE)
    body = stream_with_context(serialise(entries, export.name, catalog, chunk_size=size))
    response = Response(body, mimetype=export.mimetype)
    response.headers["Content-Disposition"] = content_disposition(
        f"{filename_stem}.{export.extension}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
