"""Archive exports of the audit trail (CD-PD Art. 23; LZ Art. 38) and the XLSX export.

An archive is a ZIP of a period's entries as stored (with their chain
links: position, previous hash, hash), the signed daily digests of the
period and a ``manifest.json`` (period, counts, first and last position,
SHA-256 of each file) signed with the platform's Ed25519 key
(``manifest.sig``, key id in the manifest). Anyone with the public key can
check that the archive is what the platform exported, and recompute the
hashes of the links from the entries (:func:`techdata.kernel.audit_chain.link_hash`),
so the chain stays verifiable across a cut. Exporting removes nothing.
"""

import hashlib
import io
import json
import zipfile
from datetime import datetime, time, timezone

from invenio_db import db
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from ..certificates import signing
from ..kernel.audit_chain import ENTRIES, AuditChainLink, entry_body
from ..kernel.time import utcnow, zone
from .digest import digests


def _bounds(date_from, date_to):
    """UTC naive moments of the start of ``date_from`` and the end of ``date_to`` (Beijing)."""
    low = high = None
    if date_from:
        low = datetime.combine(date_from, time.min, tzinfo=zone()).astimezone(timezone.utc)
        low = low.replace(tzinfo=None)
    if date_to:
        high = datetime.combine(date_to, time.max, tzinfo=zone()).astimezone(timezone.utc)
        high = high.replace(tzinfo=None)
    return low, high


def period_entries(date_from=None, date_to=None):
    """The entries of the period as stored, with their links, in chain order."""
    low, high = _bounds(date_from, date_to)
    query = (select(ENTRIES, AuditChainLink.position, AuditChainLink.prev_hash,
                    AuditChainLink.entry_hash)
             .join(AuditChainLink, AuditChainLink.log_id == ENTRIES.c.id, isouter=True)
             .order_by(AuditChainLink.position.nulls_last(), ENTRIES.c.created))
    if low:
        query = query.where(ENTRIES.c.created >= low)
    if high:
        query = query.where(ENTRIES.c.created <= high)
    for row in db.session.execute(query):
        yield {"entry": entry_body(row), "link": {"position": row.position,
                                                  "prev_hash": row.prev_hash,
                                                  "entry_hash": row.entry_hash}}


def archive_zip(date_from=None, date_to=None):
    """``(zip bytes, manifest)`` of the period's entries and digests, signed."""
    lines = [json.dumps(e, sort_keys=True, ensure_ascii=False, default=str)
             for e in period_entries(date_from, date_to)]
    entries = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    found = digests(date_from, date_to)
    digest_bytes = json.dumps(found, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")
    positions = [json.loads(line)["link"]["position"] for line in lines]
    positions = [p for p in positions if p is not None]
    manifest = {
        "kind": "techdata-audit-archive",
        "period": {"from": date_from.isoformat() if date_from else None,
                   "to": date_to.isoformat() if date_to else None, "zone": str(zone())},
        "created": utcnow().isoformat(),
        "entries": len(lines), "digests": len(found),
        "first_position": min(positions) if positions else None,
        "last_position": max(positions) if positions else None,
        "files": {"entries.jsonl": hashlib.sha256(entries).hexdigest(),
                  "digests.json": hashlib.sha256(digest_bytes).hexdigest()},
        "rule": "CD-PD Art. 23; LZ Art. 38",
    }
    signature, key_id = signing.sign(manifest)
    manifest_bytes = json.dumps({**manifest, "key_id": key_id}, sort_keys=True,
                                ensure_ascii=False, indent=1).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("entries.jsonl", entries)
        zf.writestr("digests.json", digest_bytes)
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("manifest.sig", signature + "\n")
        zf.writestr("public-key.pem", signing.public_key_pem())
    return out.getvalue(), {**manifest, "key_id": key_id}


def verify_archive(data):
    """Problems of an archive (bytes): the manifest's signature and the files' hashes."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        signature = zf.read("manifest.sig").decode("ascii").strip()
        key_id = manifest.pop("key_id", None)
        key = signing.trusted_keys().get(key_id)
        if key is None or not signing.verify(manifest, signature, key):
            problems.append("manifest signature invalid / 清单签名无效")
        for name, digest in manifest["files"].items():
            if hashlib.sha256(zf.read(name)).hexdigest() != digest:
                problems.append(f"{name} changed / {name} 已被改动")
    return problems


def xlsx_bytes(columns, rows, cell):
    """An XLSX file of ``rows`` with ``columns`` ``[(key, heading)]`` (cells through ``cell``)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("audit")
    ws.append([str(heading) for _key, heading in columns])
    for r in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", cell(r[key])) for key, _heading in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
