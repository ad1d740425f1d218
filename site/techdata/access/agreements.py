"""Data-use agreements (数据利用协议): per dataset, versioned, accepted when applying.

QY Art. 24 and LZ Art. 25-26: conditional data is used under an agreement
with the provider. The agreement is kept per dataset (the record's parent, so
it covers every version of the data), in Chinese and English; the provider
(whoever may manage the record: its owners and the curators of its data
centre) sets a new version, never edits an old one. An applicant accepts the
*current* version: its number, the SHA-256 of its text and the time go into
the request payload, so what was agreed can be shown and checked later.

A dataset without its own agreement has the default one (version 0), built
from CD-PD Art. 30 (no passing to third parties, no other purpose) and LZ
Art. 27 (cite the source).
"""

import hashlib
import json

from invenio_db import db
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func

from ..kernel.i18n import _, bilingual
from ..kernel.time import utcnow
from .agreements_models import DataUseAgreement
from .common import REQUIRED, published_record

DEFAULT_TEXT_ZH = (
    "数据利用协议（默认文本）\n"
    "1. 申请人仅可在申请所述用途和期限内使用本数据，不得用于其他目的"
    "（《成都市公共数据管理应用暂行规定》第三十条）。\n"
    "2. 申请人不得将本数据或其副本以任何方式提供、转让给第三方（同上）。\n"
    "3. 利用本数据形成的成果、产品或服务，应当注明数据来源"
    "（《泸州市公共数据管理办法》第二十七条）。\n"
    "4. 申请人应采取申请中所述的安全保护措施，发生泄露等安全事件应立即告知数据提供单位。\n"
    "5. 使用期限届满，访问权限自动撤销，申请人应删除已下载的数据副本。"
)
"""The default agreement in Chinese (CD-PD Art. 30; LZ Art. 27)."""

DEFAULT_TEXT_EN = (
    "Data-use agreement (default text)\n"
    "1. The applicant uses the data only for the purpose and term stated in the "
    "application, for no other purpose (CD-PD Art. 30).\n"
    "2. The applicant does not pass the data or any copy of it to a third party "
    "(CD-PD Art. 30).\n"
    "3. Results, products or services made from the data cite their source (LZ Art. 27).\n"
    "4. The applicant applies the security means stated in the application and tells "
    "the provider at once of any leak or other security incident.\n"
    "5. At the end of the term access is withdrawn automatically and the applicant "
    "deletes any downloaded copies."
)
"""The default agreement in English (CD-PD Art. 30; LZ Art. 27)."""

USE_RESTRICTIONS = [
    (_("Do not pass the data to third parties (CD-PD Art. 30)."),
     "不得向第三方提供数据（成都市公共数据管理应用暂行规定第三十条）"),
    (_("Use the data only for the stated purpose and term (CD-PD Art. 30)."),
     "仅用于申请所述用途和期限（成都市公共数据管理应用暂行规定第三十条）"),
    (_("Cite the source in any product made from the data (LZ Art. 27)."),
     "利用数据形成的产品须注明来源（泸州市公共数据管理办法第二十七条）"),
]
"""Use restrictions shown to a grantee: (translatable English, Chinese)."""

def digest(text_zh, text_en):
    """SHA-256 (hex) of an agreement's two texts, canonical JSON."""
    blob = json.dumps({"zh": text_zh, "en": text_en}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _as_dict(row, parent_id):
    """The API form of an agreement version."""
    if row is None:
        return {
            "parent": parent_id, "version": 0, "default": True,
            "text_zh": DEFAULT_TEXT_ZH, "text_en": DEFAULT_TEXT_EN,
            "sha256": digest(DEFAULT_TEXT_ZH, DEFAULT_TEXT_EN), "created_at": None,
        }
    return {
        "parent": parent_id, "version": row.version, "default": False,
        "text_zh": row.text_zh, "text_en": row.text_en, "sha256": row.sha256,
        "created_at": row.created_at.isoformat(timespec="seconds") + "Z",
    }


def current_agreement(parent_id):
    """The dataset's current agreement (the default one, version 0, if none was set)."""
    row = (DataUseAgreement.query.filter_by(parent_id=str(parent_id))
           .order_by(DataUseAgreement.version.desc()).first())
    return _as_dict(row, str(parent_id))


def agreement_version(parent_id, version):
    """A given version of the dataset's agreement, or None."""
    if int(version) == 0:
        return _as_dict(None, str(parent_id))
    row = DataUseAgreement.query.filter_by(parent_id=str(parent_id), version=int(version)).first()
    return _as_dict(row, str(parent_id)) if row else None


def agreement_history(parent_id):
    """Every version the dataset's agreement had, newest first (the default last)."""
    rows = (DataUseAgreement.query.filter_by(parent_id=str(parent_id))
            .order_by(DataUseAgreement.version.desc()).all())
    return [_as_dict(r, str(parent_id)) for r in rows] + [_as_dict(None, str(parent_id))]


class AgreementSchema(Schema):
    """A new agreement version: both texts (bilingual)."""

    text_zh = fields.String(required=True, error_messages=REQUIRED,
                            validate=validate.Length(min=10, max=20000))
    text_en = fields.String(required=True, error_messages=REQUIRED,
                            validate=validate.Length(min=10, max=20000))


def set_agreement(identity, recid, data):
    """Add a new version of the dataset's agreement (its managers only)."""
    record = published_record(recid)
    records_service.require_permission(identity, "manage", record=record)  # 403 otherwise
    data = AgreementSchema().load(data or {})
    parent_id = str(record.parent.pid.pid_value)
    last = db.session.query(func.max(DataUseAgreement.version)).filter(
        DataUseAgreement.parent_id == parent_id).scalar() or 0
    row = DataUseAgreement(
        parent_id=parent_id, version=last + 1,
        text_zh=data["text_zh"].strip(), text_en=data["text_en"].strip(),
        created_by=str(identity.id),
    )
    row.sha256 = digest(row.text_zh, row.text_en)
    db.session.add(row)
    db.session.commit()
    return _as_dict(row, parent_id)


def accept(parent_id, version, sha256):
    """The acceptance record of the current agreement, or a bilingual 400.

    Accepting an outdated version (the provider set a new one since the
    applicant read it) or a text whose digest does not match is refused.
    """
    current = current_agreement(parent_id)
    if version is None or not sha256:
        raise ValidationError({"agreement": [
            bilingual(_("You must read and accept the data-use agreement to apply."))]})
    if int(version) != current["version"] or sha256 != current["sha256"]:
        raise ValidationError({"agreement": [
            bilingual(_("The data-use agreement changed (now version %(version)s): read and "
                        "accept the current version.", version=current['version']))]})
    return {
        "version": current["version"],
        "sha256": current["sha256"],
        "accepted_at": utcnow().isoformat(timespec="seconds"),
        "default": current["default"],
    }
