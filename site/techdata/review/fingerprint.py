"""The content a confidentiality review judged, as one hash.

A passed review covers exactly the metadata, classification fields and file
checksums it saw (CD-TD Art. 24). A new version, or an edit after the review,
with a different fingerprint needs a new review.
"""

import hashlib
import json


def _files(draft):
    """``[(key, checksum)]`` of the draft's files, sorted by key."""
    files = getattr(draft, "files", None)
    if files is None or not getattr(files, "enabled", True):
        return []
    out = []
    for key, entry in files.entries.items():
        file = getattr(entry, "file", None)
        out.append((key, getattr(file, "checksum", None) if file else None))
    return sorted(out)


def content_fingerprint(draft):
    """SHA-256 over metadata, ``cdtd`` fields and file checksums of ``draft``."""
    doc = {
        "metadata": draft.get("metadata") or {},
        "custom_fields": draft.get("custom_fields") or {},
        "files": _files(draft),
    }
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
