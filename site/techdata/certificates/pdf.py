"""The deposit certificate as a PDF (Chinese first, with English).

Rendered with WeasyPrint from ``techdata/certificates/certificate_pdf.html``
with the Noto CJK fonts (Debian ``fonts-noto-cjk``). The PDF carries the
signed document twice, so that the PDF alone can be verified offline
(LZ Art. 38): as the attachment ``<id>.json`` (exactly what ``GET
/api/certificates/{id}`` returns, which ``scripts/verify-certificate``
reads straight from the PDF) and printed in a monospace appendix.
"""

import json

from flask import render_template
from flask_babel import force_locale

from ..kernel.i18n import _, bilingual
from ..kernel.time import format_datetime

LABELS = {
    "heading": _("Tech-Data Deposit Certificate"),
    "certificate_id": _("Certificate number"),
    "project": _("Project"),
    "number": _("Project number"),
    "title": _("Project title"),
    "lead_entity": _("Lead entity"),
    "entity": _("Providing entity"),
    "credit_code": _("Unified social credit code"),
    "pi": _("Principal investigator"),
    "datasets": _("Deposited datasets"),
    "dataset": _("Dataset"),
    "doi": _("DOI"),
    "cstr": _("CSTR"),
    "files": _("Files and checksums"),
    "no_datasets": _("No datasets."),
    "pending": _("(pending)"),
    "issued_at": _("Date of issue (Beijing time)"),
    "issuer": _("Issuer"),
    "key_id": _("Signing key"),
    "signature": _("Signature (Ed25519, base64)"),
    "verify": _("Verification"),
    "verify_text": _("Verify this certificate on the platform's page /certificates/verify, or "
                     "offline: scripts/verify-certificate %(file)s public-key.pem (the public "
                     "key is served at /api/certificates/public-key). The signed JSON is "
                     "attached to this PDF and printed below; changing any part of it makes "
                     "verification fail."),
    "appendix": _("Appendix: the signed certificate (JSON)"),
}
"""Labels of the PDF; each is printed in Chinese, then in English."""

ATTACHMENT_DESCRIPTION = _("Signed deposit certificate (JSON)")
"""The description of the attached ``<id>.json`` (shown bilingual by PDF readers)."""


def document_json(doc):
    """The certificate document as pretty UTF-8 JSON text (what is attached)."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)


def labels(**variables):
    """``{name: (chinese, english)}`` of :data:`LABELS`."""
    out = {}
    for name, message in LABELS.items():
        pair = []
        for locale in ("zh", "en"):
            with force_locale(locale):
                text = str(message)
                if name == "verify_text":
                    text = text % variables
            pair.append(text)
        out[name] = tuple(pair)
    return out


def render_html(doc):
    """The certificate's HTML (Chinese first, then English)."""
    body = doc["body"]
    return render_template(
        "techdata/certificates/certificate_pdf.html", body=body, doc=doc,
        document_json=document_json(doc), signature=doc["signature"],
        issued_at_local=format_datetime(body.get("issued_at")),
        L=labels(file=f"{body['certificate_id']}.pdf"),
    )


def render_pdf(doc):
    """The PDF bytes of the certificate document ``doc`` (``{"body", "signature", ...}``)."""
    from weasyprint import HTML, Attachment

    attachment = Attachment(
        string=document_json(doc).encode("utf-8"),
        name=f"{doc['body']['certificate_id']}.json",
        description=bilingual(ATTACHMENT_DESCRIPTION),
    )
    html = HTML(string=render_html(doc), base_url=None)
    return html.write_pdf(attachments=[attachment])
