"""A local stand-in for DataCite's REST API, for the tests (no network).

Implements what ``datacite.DataCiteRESTClient`` calls: ``POST /dois``,
``PUT /dois/<doi>``, ``GET /dois/<doi>``, ``DELETE /dois/<doi>``, JSON:API
bodies (``{"data": {"type": "dois", "attributes": {...}}}``), basic auth.
Metadata it receives is validated against DataCite's 4.5 JSON schema (the
one the ``datacite`` package ships); an invalid payload gets DataCite's
``422`` with the schema errors. Every request is kept (``requests``), every
DOI's current attributes too (``dois``), and ``fail_next(n)`` makes the next
``n`` requests answer ``500``.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from datacite import schema45

PREFIX = "10.99999"
"""The DOI prefix of the tests (``datacite_config`` in ``tests/conftest.py``)."""

JSONAPI_ONLY = ("doi", "prefix", "suffix", "event", "url", "state")
"""JSON:API attributes that are DataCite's, not the metadata schema's."""


def metadata_errors(attributes):
    """Schema errors of the metadata part of DOI attributes (DataCite 4.5)."""
    metadata = {k: v for k, v in attributes.items() if k not in JSONAPI_ONLY}
    return sorted(
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in schema45.validator.iter_errors(metadata)
    )


class DataCiteStandIn:
    """The stand-in server; ``url`` is its REST API base address."""

    def __init__(self, username="td-test", password="td-secret"):
        """A server on 127.0.0.1 (a free port), not yet started."""
        self.username, self.password = username, password
        self.requests = []
        self.dois = {}
        self.schema_errors = []
        self._failures = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self):
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        """Forget requests, DOIs and pending failures."""
        with self._lock:
            self.requests.clear()
            self.dois.clear()
            self.schema_errors.clear()
            self._failures = 0

    def fail_next(self, count=1):
        """Answer the next ``count`` requests with a 500."""
        with self._lock:
            self._failures = count

    def registrations(self, doi=None):
        """The POST/PUT requests that published metadata, optionally of one DOI."""
        out = [r for r in self.requests if r["method"] in ("POST", "PUT") and r["status"] < 300
               and r["attributes"].get("event") != "hide"
               and ("titles" in r["attributes"] or "creators" in r["attributes"])]
        return [r for r in out if doi is None or r["doi"] == doi.lower()]

    def _handler(self):
        """The request handler class, bound to this stand-in."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            """DataCite REST API endpoints."""

            def log_message(self, *args):
                """Quiet."""

            def _send(self, status, body=None):
                """Send a JSON:API answer."""
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/vnd.api+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                """Whether basic auth carries the stand-in's credentials."""
                expected = base64.b64encode(
                    f"{standin.username}:{standin.password}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def _doi_of_path(self):
                """The DOI in ``/dois/<doi>``, lower case (DOIs are case-insensitive)."""
                return unquote(self.path.split("?")[0][len("/dois/"):]).lower()

            def _handle(self, method):
                """Common handling: log, fail on demand, auth, dispatch."""
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    body = None
                attributes = ((body or {}).get("data") or {}).get("attributes") or {}
                path = self.path.split("?")[0]
                doi = (self._doi_of_path() if path.startswith("/dois/")
                       else (attributes.get("doi") or "").lower() or None)
                entry = {"method": method, "path": self.path, "body": body,
                         "attributes": attributes, "doi": doi, "status": None}
                with standin._lock:
                    standin.requests.append(entry)
                    failing = standin._failures > 0
                    if failing:
                        standin._failures -= 1
                status, answer = self._dispatch(method, body, attributes, entry, failing)
                entry["status"] = status
                self._send(status, answer)

            def _dispatch(self, method, body, attributes, entry, failing):
                """``(status, JSON body)`` of a request."""
                if failing:
                    return 500, {"errors": [{"status": "500", "title": "Stand-in failure"}]}
                if not self._authorised():
                    return 401, {"errors": [{"status": "401", "title": "Bad credentials"}]}
                path = self.path.split("?")[0]
                if method == "POST" and path == "/dois":
                    doi = (attributes.get("doi") or "").lower()
                    entry["doi"] = doi
                    if body is None or not doi:
                        return 400, {"errors": [{"status": "400", "title": "Bad request"}]}
                    if doi in standin.dois:
                        return 422, {"errors": [{"source": "doi", "title": "This DOI has already been taken"}]}
                    return self._store(doi, attributes, 201)
                if not path.startswith("/dois/"):
                    return 404, {"errors": [{"status": "404", "title": "Not found"}]}
                doi = self._doi_of_path()
                entry["doi"] = doi
                if method == "GET":
                    if doi not in standin.dois:
                        return 404, {"errors": [{"status": "404", "title": "Not found"}]}
                    return 200, {"data": {"id": doi, "type": "dois", "attributes": standin.dois[doi]}}
                if method == "DELETE":
                    state = (standin.dois.get(doi) or {}).get("state")
                    if state != "draft":
                        return 405 if state else 404, None
                    standin.dois.pop(doi)
                    return 204, None
                if method == "PUT":
                    if body is None:
                        return 400, {"errors": [{"status": "400", "title": "Bad request"}]}
                    # DataCite's PUT updates a DOI, or creates it with metadata.
                    if doi not in standin.dois and not attributes.get("titles"):
                        return 404, {"errors": [{"status": "404", "title": "Not found"}]}
                    return self._store(doi, attributes, 200)
                return 405, None

            def _store(self, doi, attributes, status):
                """Validate metadata (if any) and keep the DOI's new state."""
                current = dict(standin.dois.get(doi) or {})
                event = attributes.get("event")
                has_metadata = any(k not in JSONAPI_ONLY for k in attributes)
                if has_metadata or not current:
                    errors = metadata_errors({**current, **attributes})
                    if errors:
                        standin.schema_errors.append({"doi": doi, "errors": errors})
                        return 422, {"errors": [{"source": "metadata", "title": e} for e in errors]}
                current.update(attributes)
                current["doi"] = doi
                current["state"] = {"publish": "findable", "register": "registered",
                                    "hide": "registered"}.get(event, current.get("state", "draft"))
                standin.dois[doi] = current
                return status, {"data": {"id": doi, "type": "dois", "attributes": current}}

            def do_GET(self):  # noqa: N802  (http.server's naming)
                """GET /dois/<doi>."""
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                """POST /dois."""
                self._handle("POST")

            def do_PUT(self):  # noqa: N802
                """PUT /dois/<doi>."""
                self._handle("PUT")

            def do_DELETE(self):  # noqa: N802
                """DELETE /dois/<doi>."""
                self._handle("DELETE")

        return Handler
