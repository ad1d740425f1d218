"""Read a certificate document from JSON or from the PDF's attachment.

The same logic, with no Invenio import, is in ``scripts/verify-certificate``
(which must run with Python and ``cryptography`` only). Here the messages are
msgids rendered bilingual by the kernel (the ``invenio techdata certificate``
CLI prints them).
"""

import json
import re
import zlib

from ..kernel.i18n import _, bilingual

_STREAM = re.compile(rb"stream\r?\n")


def _streams(pdf):
    """Yield the decoded contents of the streams of a PDF (Flate or plain)."""
    for match in _STREAM.finditer(pdf):
        raw = pdf[match.end():]
        end = raw.find(b"endstream")
        if end < 0:
            continue
        try:
            yield zlib.decompressobj().decompress(raw[:end])
        except zlib.error:
            yield raw[:end]


def document_from_bytes(data):
    """The certificate document in ``data``: JSON text, or a PDF carrying it.

    :raises ValueError: with a bilingual message when none is found.
    """
    if data.lstrip()[:5] == b"%PDF-":
        for content in _streams(data):
            text = content.strip()
            if not text.startswith(b"{"):
                continue
            try:
                doc = json.loads(text.decode("utf-8"))
            except ValueError:
                continue
            if isinstance(doc, dict) and "body" in doc and "signature" in doc:
                return doc
        raise ValueError(bilingual(_("No signed deposit certificate is attached to the PDF.")))
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise ValueError(bilingual(_("The certificate is not valid JSON.")))
