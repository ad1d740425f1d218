"""Hashes of released content (CD-TD Art. 7, 24: what was reviewed is what is published).

- an entry's content hash: SHA-256 of its canonical JSON (the directory
  fields only, keys sorted, UTF-8);
- a release's digest: SHA-256 over ``"<entry_id>\\t<content hash>\\n"`` of
  every entry, in ``entry_id`` order, computed while streaming.
"""

import hashlib
import json

from ..fields import FIELD_KEYS


def canonical(entry):
    """The entry restricted to the directory fields, as canonical JSON bytes."""
    data = {key: entry.get(key) for key in FIELD_KEYS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def content_hash(entry):
    """SHA-256 (hex) of the entry's canonical JSON."""
    return hashlib.sha256(canonical(entry)).hexdigest()


class ReleaseDigest:
    """Running SHA-256 over ``(entry_id, content_hash)`` pairs fed in entry_id order."""

    def __init__(self):
        """An empty digest."""
        self._sha = hashlib.sha256()
        self.count = 0

    def add(self, entry_id, digest):
        """Feed one entry."""
        self._sha.update(f"{entry_id}\t{digest}\n".encode("utf-8"))
        self.count += 1

    def hexdigest(self):
        """The digest so far (hex)."""
        return self._sha.hexdigest()
