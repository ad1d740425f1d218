"""Signed daily digests of the audit chain, the scheduled verification and its alert (LZ Art. 38).

Once a day (``techdata.audit.tasks.daily_digest``, Celery beat) the whole
chain is verified (:func:`techdata.kernel.audit_chain.verify`) and the
digests stored so far are checked; if all holds, a digest of the day is
written: the last link's position and hash, the number of entries and the
day, signed with the platform's Ed25519 key (the certificates' key,
:mod:`techdata.certificates.signing`). A digest pins the chain: rewriting
entries and recomputing every later link still changes the hash at a
digested position. When anything fails, the administrators
(``TECHDATA_AUDIT_DIGEST_ALERT_ROLES``) are alerted by e-mail (zh/en
template ``invenio_notifications/audit-chain-broken.jinja``) and nothing is
signed.
"""

import json
import logging

from flask import current_app
from invenio_db import db
from invenio_notifications.models import Notification
from sqlalchemy import select

from ..certificates import signing
from ..kernel import audit
from ..kernel.audit_chain import AuditChainLink, verify
from ..kernel.notifications import EmailNotificationBuilder, RoleRecipients, send
from ..kernel.time import today, utcnow
from .models import AuditDigest

log = logging.getLogger(__name__)


class AuditChainBrokenNotificationBuilder(EmailNotificationBuilder):
    """The scheduled verification failed: to the administrators (LZ Art. 38)."""

    type = "audit-chain-broken"
    recipients = [RoleRecipients("config:TECHDATA_AUDIT_DIGEST_ALERT_ROLES")]

    @classmethod
    def build(cls, problems, checked):
        """The alert naming what is broken."""
        link = current_app.config.get("SITE_UI_URL", "") + "/audit/"
        return Notification(type=cls.type, context={
            "problems": [str(p) for p in problems], "checked": checked, "link": link,
            "day": today().isoformat()})


BUILDERS = {AuditChainBrokenNotificationBuilder.type: AuditChainBrokenNotificationBuilder}
"""The audit trail's notification builders (merged into ``NOTIFICATIONS_BUILDERS``)."""


def last_link():
    """The chain's last link (``None`` for an empty chain)."""
    return db.session.execute(select(AuditChainLink).order_by(
        AuditChainLink.position.desc()).limit(1)).scalar_one_or_none()


def digest_body(day, position, last_hash):
    """What a digest signs: day, last position and hash, entry count."""
    return {"day": day.isoformat(), "position": position, "last_hash": last_hash,
            "count": position, "chain": "techdata_audit_chain", "algorithm": "sha256"}


def check_digests():
    """Problems of the stored digests: a bad signature, or a digested link that changed."""
    problems = []
    keys = signing.trusted_keys()
    for d in db.session.execute(select(AuditDigest).order_by(AuditDigest.day)).scalars():
        body = json.loads(d.body)
        key = keys.get(d.key_id)
        if key is None or not signing.verify(body, d.signature, key):
            problems.append(f"digest of {d.day} has no valid signature / "
                            f"{d.day} 的摘要签名无效")
            continue
        if body.get("position"):
            link = db.session.get(AuditChainLink, body["position"])
            if link is None or link.entry_hash != body["last_hash"]:
                problems.append(f"link {body['position']} differs from the digest of {d.day} / "
                                f"第 {body['position']} 条与 {d.day} 的摘要不符")
    return problems


def check():
    """``(entries checked, problems)``: the chain verified, then the digests checked."""
    checked, broken = verify()
    problems = [str(broken)] if broken is not None else []
    return checked, problems + check_digests()


def write_digest(day=None):
    """Sign and store the digest of ``day`` (today, Beijing time); the existing one if any."""
    day = day or today()
    existing = db.session.execute(select(AuditDigest).where(AuditDigest.day == day)) \
        .scalar_one_or_none()
    if existing is not None:
        return existing
    link = last_link()
    position, last_hash = (link.position, link.entry_hash) if link else (0, "0" * 64)
    body = digest_body(day, position, last_hash)
    signature, key_id = signing.sign(body)
    row = AuditDigest(day=day, position=position, last_hash=last_hash, count=position,
                      body=json.dumps(body, sort_keys=True, ensure_ascii=False),
                      signature=signature, key_id=key_id,
                      created=utcnow().replace(tzinfo=None))
    db.session.add(row)
    db.session.flush()
    audit.log("techdata.audit.digest", day.isoformat(), after={
        "position": position, "last_hash": last_hash, "key_id": key_id})
    db.session.commit()
    return row


def run_daily(day=None):
    """Verify; alert the administrators and sign nothing if broken, else sign the digest.

    Returns ``{"ok", "checked", "problems", "digest"}``.
    """
    checked, problems = check()
    if problems:
        log.error("audit chain verification failed: %s", "; ".join(problems))
        send(AuditChainBrokenNotificationBuilder.build(problems, checked))
        return {"ok": False, "checked": checked, "problems": problems, "digest": None}
    row = write_digest(day)
    return {"ok": True, "checked": checked, "problems": [], "digest": as_dict(row)}


def as_dict(row):
    """A digest as JSON (with its signature and key id)."""
    return {"day": row.day.isoformat(), "position": row.position, "last_hash": row.last_hash,
            "count": row.count, "signature": row.signature, "key_id": row.key_id,
            "body": json.loads(row.body)}


def digests(since=None, until=None):
    """Stored digests, oldest first (between ``since`` and ``until`` if given)."""
    query = select(AuditDigest).order_by(AuditDigest.day)
    if since:
        query = query.where(AuditDigest.day >= since)
    if until:
        query = query.where(AuditDigest.day <= until)
    return [as_dict(d) for d in db.session.execute(query).scalars()]
