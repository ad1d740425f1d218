"""Issue, read and verify deposit certificates (汇交凭证).

CD-TD Art. 15 ("先汇交科技数据、再验收"): when a project's deposits pass the
acceptance gate, the projects service calls :func:`issue_certificate`. The
certificate's body states the project, the providing entity as registered on the
platform (``entity``: Chinese name and unified social credit code; issue 18, CD-TD
Art. 9; certificates issued before carry none and still verify), its datasets, their
DOIs and CSTR identifiers, the checksums of the deposited files and the date; it is signed
with the platform key (LZ Art. 38: digital signatures, tamper evidence), so
that changing any of it, or signing it with another key, fails
:func:`verify_document`.
"""

import re
import secrets
from datetime import timezone

from flask import current_app
from invenio_accounts.models import User
from invenio_db import db
from sqlalchemy import func

from ..entities.proxies import current_entities_service
from ..kernel.errors import DomainError
from ..kernel.i18n import _, bilingual
from ..kernel.people import user_display_name
from . import signing
from .models import DepositCertificate, utcnow

FORMAT = "techdata-deposit-certificate/1"
"""Version of the body's layout, stated in every body."""

STATEMENT_ZH = ("兹证明上述项目的科技数据已按《成都市科技数据管理实施办法》第十五条"
                "（先汇交科技数据、再验收）完成汇交，所列文件的校验值为汇交时的值。")
"""The certified statement in Chinese (part of the signed body, not translated)."""

STATEMENT_EN = ("This certifies that the tech data of the project above has been deposited "
                "under Art. 15 of the Chengdu Tech-Data Management Measures (CD-TD Art. 15: "
                "deposit before acceptance); the checksums listed are those of the files "
                "as deposited.")
"""The certified statement in English (part of the signed body)."""

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")


__all__ = ("CertificateError", "MalformedDocument", "bilingual", "certificates_of",
           "certified_entity", "check_shape",
           "get_certificate", "issue_certificate", "new_certificate_id", "verify_certificate",
           "verify_document")
# ``bilingual`` is re-exported only until the directory and access modules import
# it from ``techdata.kernel.i18n`` (issue 15); then it goes from ``__all__``.


class CertificateError(ValueError):
    """The data given for a certificate is not usable."""


def new_certificate_id(year):
    """A fresh id ``TDC-<year>-XXXX-XXXX-XXXX`` (60 random bits).

    The id is readable but not guessable: whoever has it may read the
    certificate (see :mod:`.views`), so ids must not be enumerable.
    """
    prefix = current_app.config.get("TECHDATA_CERTIFICATE_ID_PREFIX", "TDC")
    chars = "".join(secrets.choice(_ALPHABET) for _i in range(12))
    return f"{prefix}-{year}-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _text(value):
    """A string value or ``None`` (numbers become strings)."""
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise CertificateError(f"not a text value: {value!r}")


def _person(value):
    """A person named on the certificate: a known user's name and organisation, not an e-mail."""
    text = _text(value)
    if text and "@" in text:
        user = User.query.filter(func.lower(User.email) == text.lower()).one_or_none()
        return user_display_name(user) or text
    return text


def _project(project):
    """The project part of a body, from the projects service's dict (the PI by name)."""
    if not isinstance(project, dict) or not _text(project.get("number")):
        raise CertificateError("the project needs a number")
    out = {key: _text(project.get(key)) for key in ("number", "title_zh", "title_en", "lead_entity")}
    out["pi"] = _person(project.get("pi"))
    return out


def certified_entity(text):
    """The providing entity a certificate names: ``{"id", "name_zh", "credit_code"}`` of the
    entity registered on the platform that ``text`` (id, credit code or name) names, or None.
    """
    entity_id = current_entities_service.resolve_entity(text) if _text(text) else None
    if entity_id is None:
        return None
    try:
        entity = current_entities_service.get_entity(entity_id)
    except DomainError:
        return None
    return {"id": entity.id, "name_zh": entity.name_zh, "credit_code": entity.credit_code}


def _datasets(datasets):
    """The datasets part of a body, sorted by record id, files by key."""
    out = []
    for item in datasets or []:
        if not isinstance(item, dict) or not _text(item.get("recid")):
            raise CertificateError("each dataset needs a recid")
        files = []
        for f in item.get("files") or []:
            if not isinstance(f, dict) or not _text(f.get("key")):
                raise CertificateError("each file needs a key")
            files.append({"key": _text(f["key"]), "checksum": _text(f.get("checksum"))})
        out.append({
            "recid": _text(item["recid"]),
            "title": _text(item.get("title")),
            "doi": _text(item.get("doi")),
            "cstr": _text(item.get("cstr")),
            "files": sorted(files, key=lambda f: f["key"]),
        })
    return sorted(out, key=lambda d: d["recid"])


def issue_certificate(project, datasets, issued_by=None):
    """Issue, sign and store the deposit certificate of ``project``.

    :param project: ``{"number", "title_zh", "title_en", "lead_entity", "pi"}`` and
        ``lead_entity_id`` (the project's entity id, when it has one); the lead entity,
        when registered on the platform, is named in the body's ``entity`` with its
        credit code (:func:`certified_entity`; by id, else by the name or code given).
    :param datasets: ``[{"recid", "title", "doi", "cstr", "files": [{"key",
        "checksum"}]}]`` (``doi``/``cstr`` may be ``None``).
    :param issued_by: who asked for it (a user id), kept in the register.
    :returns: the committed :class:`DepositCertificate`.

    The caller checks the acceptance gate first (CD-TD Art. 15); a project may
    get several certificates over time (the gate reads the latest).
    """
    issued = utcnow().replace(microsecond=0)
    body = {
        "format": FORMAT,
        "certificate_id": new_certificate_id(issued.year),
        "title": "科技数据汇交凭证 Tech-Data Deposit Certificate",
        "project": _project(project),
        "datasets": _datasets(datasets),
        "issued_at": issued.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z"),
        "issuer": current_app.config.get("TECHDATA_CERTIFICATE_ISSUER"),
        "legal_basis": ["CD-TD Art. 15", "LZ Art. 12", "LZ Art. 38"],
        "statement": {"zh": STATEMENT_ZH, "en": STATEMENT_EN},
        "signature_algorithm": "Ed25519",
        "canonicalization": "JSON, keys sorted, no whitespace, UTF-8 (RFC 8259)",
    }
    entity = certified_entity(project.get("lead_entity_id") or body["project"]["lead_entity"])
    if entity is not None:  # the providing entity as registered (issue 18; CD-TD Art. 9)
        body["entity"] = entity
    body["key_id"] = signing.key_id()
    signature, key_id = signing.sign(body)
    cert = DepositCertificate(
        id=body["certificate_id"], project_number=body["project"]["number"], body=body,
        signature=signature, key_id=key_id, issued_at=issued,
        issued_by=str(issued_by) if issued_by is not None else None,
    )
    db.session.add(cert)
    db.session.commit()
    return cert


def get_certificate(certificate_id):
    """The certificate with ``certificate_id``, or ``None``."""
    if not isinstance(certificate_id, str):
        return None
    certificate_id = certificate_id.strip().upper()
    if not _ID.fullmatch(certificate_id):
        return None
    return db.session.get(DepositCertificate, certificate_id)


def certificates_of(project_number):
    """The certificates of a project, latest first."""
    return (DepositCertificate.query.filter_by(project_number=project_number)
            .order_by(DepositCertificate.issued_at.desc()).all())


class MalformedDocument(ValueError):
    """A certificate document without a body object and a signature string."""


def check_shape(doc):
    """Raise :class:`MalformedDocument` unless ``doc`` looks like a certificate document."""
    if not isinstance(doc, dict):
        raise MalformedDocument(bilingual(_("The certificate must be a JSON object.")))
    if not isinstance(doc.get("body"), dict):
        raise MalformedDocument(bilingual(_("The certificate has no \"body\" object.")))
    if not isinstance(doc.get("signature"), str) or not doc["signature"].strip():
        raise MalformedDocument(bilingual(_("The certificate has no \"signature\" text.")))


def verify_document(doc, check_register=True):
    """Check a certificate document ``{"body": {...}, "signature": "..."}``.

    :returns: ``(ok, reasons)``; ``reasons`` are bilingual ("中文 / English")
        and say why it fails, or what was checked when it is valid.

    Checks (LZ Art. 38): the body names a key the platform trusts and the
    signature of the body's canonical form is valid with that key; and, with
    ``check_register``, that a certificate with the same id in the register
    has the same body (the register itself is not trusted blindly: its rows
    are verified the same way). Never raises on garbage.
    """
    try:
        check_shape(doc)
    except MalformedDocument as exc:
        return False, [str(exc)]
    body, signature = doc["body"], doc["signature"]
    reasons, ok = [], True
    keys = signing.trusted_keys()
    named = body.get("key_id")
    if not isinstance(named, str) or named not in keys:
        return False, [bilingual(_(
            "The certificate names the key %(named)s, which is not a key of this platform "
            "(current key: %(current)s).", named=str(named)[:40],
            current=signing.key_id()))]
    if not signing.verify(body, signature, keys[named]):
        return False, [bilingual(_(
            "The signature does not match the certificate's content: it was altered, "
            "or not signed by this platform."))]
    reasons.append(bilingual(_("The signature is valid (Ed25519, platform key %(key)s).",
                               key=named)))
    if isinstance(doc.get("key_id"), str) and doc["key_id"] != named:
        ok = False
        reasons.append(bilingual(_("The key id beside the body (%(outer)s) differs from the "
                                   "signed one (%(named)s).", outer=doc["key_id"][:40],
                                   named=named)))
    if check_register:
        stored = get_certificate(body.get("certificate_id"))
        if stored is None:
            reasons.append(bilingual(_("The certificate %(id)s is not in this platform's register.",
                                       id=str(body.get("certificate_id"))[:64])))
        elif signing.canonical(stored.body) != signing.canonical(body):
            ok = False
            reasons.append(bilingual(_("The certificate differs from the one in the register.")))
        else:
            reasons.append(bilingual(_("The certificate %(id)s is in this platform's register.",
                                       id=stored.id)))
    return ok, reasons


def verify_certificate(cert):
    """Verify a stored certificate (detects a register row altered in the database)."""
    return verify_document({"body": cert.body, "signature": cert.signature,
                            "key_id": cert.key_id}, check_register=False)
