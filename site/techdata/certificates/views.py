"""REST endpoints and the public verify page of deposit certificates.

API app (``/api``):

- ``GET /api/certificates/<id>``: ``{"id", "body", "signature", "key_id",
  "algorithm", "links": {"self", "pdf", "verify"}}``; with ``?format=pdf``
  or ``Accept: application/pdf``: the PDF (CD-TD Art. 15).
- ``POST /api/certificates/verify``: the JSON of ``GET`` (or ``{"id"}``) →
  ``{"valid", "reasons"}``; malformed input is a bilingual ``400``.
- ``GET /api/certificates/public-key``: the platform's public key (PEM).

UI app: ``/certificates/verify``, a public page (no login, no JavaScript:
a plain form posted to the page and checked server-side) where anyone pastes
a certificate's JSON or enters its id and sees valid/invalid with reasons.

Who may read a certificate: anyone who has its id. A certificate certifies
facts meant to be shown to others (the program manager, the acceptance
review, a funder): that a project's data was deposited, with its public
identifiers. Its id is therefore a capability, like a share link: it holds
60 random bits (``TDC-2026-XXXX-XXXX-XXXX``) so certificates cannot be
enumerated, while the project registry itself stays private (projects are
visible to their PI, members and program managers only). A certificate
states titles, file names and checksums of deposits and the PI's e-mail; a
deposit whose very metadata is sensitive should not be listed on it.

Verification has no side effects, so the verify endpoint and page need no
CSRF token (the endpoint is exempt from the REST API's CSRF check so that
any client may call it).
"""

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ..kernel.errors import DomainError, not_found
from ..kernel.i18n import _, bilingual
from . import signing
from .api import MalformedDocument, check_shape, get_certificate, verify_document
from .pdf import render_pdf


def _api_links(cert_id):
    """Links of a certificate (absolute, on the site's API and UI hosts)."""
    api = current_app.config.get("SITE_API_URL", "").rstrip("/")
    ui = current_app.config.get("SITE_UI_URL", "").rstrip("/")
    return {
        "self": f"{api}/certificates/{cert_id}",
        "pdf": f"{api}/certificates/{cert_id}?format=pdf",
        "verify": f"{ui}/certificates/verify?id={cert_id}",
    }


def certificate_document(cert):
    """The JSON that ``GET /api/certificates/<id>`` returns."""
    return {**cert.to_document(), "links": _api_links(cert.id)}


def _not_found(cert_id):
    """The bilingual 404 of an unknown certificate id."""
    return not_found(_("No deposit certificate has the id %(id)s.", id=str(cert_id)[:64]))


def _wants_pdf():
    """Whether the client asked for the PDF (``?format=pdf`` or ``Accept``)."""
    fmt = request.args.get("format", "").lower()
    if fmt:
        return fmt == "pdf"
    best = request.accept_mimetypes.best_match(["application/json", "application/pdf"])
    return best == "application/pdf"


def pdf_response(cert):
    """The certificate's PDF, shown inline, named after the certificate."""
    pdf = render_pdf(certificate_document(cert))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{cert.id}.pdf"',
        "Cache-Control": "public, max-age=3600",
    })


def api_read(cert_id):
    """``GET /api/certificates/<id>``: JSON, or the PDF."""
    cert = get_certificate(cert_id)
    if cert is None:
        raise _not_found(cert_id)
    if _wants_pdf():
        return pdf_response(cert)
    return jsonify(certificate_document(cert))


def api_public_key():
    """``GET /api/certificates/public-key``: the platform's public key (PEM)."""
    return Response(signing.public_key_pem(), mimetype="application/x-pem-file", headers={
        "Content-Disposition": 'inline; filename="techdata-certificate-public-key.pem"',
        "X-Key-Id": signing.key_id(),
    })


def parse_document(text):
    """A certificate document from JSON text; :class:`MalformedDocument` if it is not one."""
    limit = current_app.config.get("TECHDATA_CERTIFICATE_MAX_DOCUMENT_BYTES", 1024 * 1024)
    if text is None or len(text) > limit:
        raise MalformedDocument(bilingual(_("The certificate is empty or too large.")))
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedDocument(bilingual(_("The certificate is not valid JSON.")))
    if isinstance(doc, dict) and set(doc) == {"id"}:
        return doc
    check_shape(doc)
    return doc


def check(doc):
    """``(valid, reasons, certificate)`` of a parsed document or ``{"id"}``."""
    if set(doc) == {"id"}:
        cert = get_certificate(doc["id"]) if isinstance(doc["id"], str) else None
        if cert is None:
            return False, [bilingual(_("No deposit certificate has the id %(id)s.",
                                       id=str(doc["id"])[:64]))], None
        doc = certificate_document(cert)
    valid, reasons = verify_document(doc)
    return valid, reasons, doc


def api_verify():
    """``POST /api/certificates/verify``: ``{"valid", "reasons"}``."""
    limit = current_app.config.get("TECHDATA_CERTIFICATE_MAX_DOCUMENT_BYTES", 1024 * 1024)
    if (request.content_length or 0) > limit:
        raise DomainError(400, _("The certificate is empty or too large."))
    try:
        doc = parse_document(request.get_data(cache=False, as_text=False)[: limit + 1])
    except MalformedDocument as exc:
        raise DomainError(400, str(exc))
    valid, reasons, _doc = check(doc)
    return jsonify({"valid": valid, "reasons": reasons})


def verify_page():
    """``/certificates/verify``: paste a certificate's JSON or give its id."""
    form = request.form if request.method == "POST" else request.args
    cert_id = (form.get("id") or "").strip()
    text = form.get("document") or ""
    result = None
    if text.strip() or cert_id:
        try:
            doc = parse_document(text) if text.strip() else {"id": cert_id}
            valid, reasons, shown = check(doc)
        except MalformedDocument as exc:
            valid, reasons, shown = False, [str(exc)], None
        result = {"valid": valid, "reasons": reasons,
                  "body": shown.get("body") if isinstance(shown, dict) else None}
        if result["body"] is not None and not isinstance(result["body"], dict):
            result["body"] = None
    return render_template("techdata/certificates/verify.html", result=result,
                           cert_id=cert_id, document=text, key_id=signing.key_id(),
                           api_url=current_app.config.get("SITE_API_URL", "").rstrip("/"))


def create_api_blueprint(app):
    """API blueprint: ``/api/certificates/...``."""
    bp = Blueprint("techdata_certificates_api", __name__, url_prefix="/certificates",
                   template_folder="../templates")  # the PDF template
    bp.add_url_rule("/public-key", view_func=api_public_key)
    bp.add_url_rule("/verify", view_func=api_verify, methods=["POST"])
    bp.add_url_rule("/<cert_id>", view_func=api_read)
    csrf = app.extensions.get("invenio-csrf")
    if csrf is not None and hasattr(csrf, "exempt"):
        csrf.exempt(api_verify)  # no side effects: any client may verify
    return bp


def create_ui_blueprint(app):
    """UI blueprint: the public verify page ``/certificates/verify``."""
    bp = Blueprint("techdata_certificates", __name__, template_folder="../templates")
    bp.add_url_rule("/certificates/verify", view_func=verify_page, methods=["GET", "POST"])
    return bp
