"""The platform's Ed25519 signing key, the canonical form, sign and verify.

LZ Art. 38 asks for digital signatures that make deposits tamper-evident: a
certificate's body is signed with the platform's private key, and anyone
holding the public key (``GET /api/certificates/public-key``) can check it,
offline too (``scripts/verify-certificate``).

- The private key is a PEM (PKCS#8) file at ``TECHDATA_CERTIFICATE_KEY_PATH``
  (default ``<instance_path>/certificate-signing-key.pem``), created with mode
  0600 on first use. It is a secret: never commit it, back it up with the
  instance's other secrets. All web and worker processes must share it.
- ``key_id``: the first 16 hex digits of the SHA-256 of the raw public key.
- Canonical form of a body: ``json.dumps(body, sort_keys=True,
  ensure_ascii=False, separators=(",", ":")).encode("utf-8")``; the same
  bytes are computed by the offline script, so whitespace and key order of a
  stored or pasted document do not matter, while any change of a value does.
"""

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

logger = logging.getLogger(__name__)

KEY_FILE_NAME = "certificate-signing-key.pem"
"""File name of the signing key in the instance folder (the default)."""


def canonical(body):
    """The bytes that are signed: ``body`` as sorted, compact UTF-8 JSON."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def key_path():
    """Path of the private key file (setting, else in the instance folder)."""
    configured = current_app.config.get("TECHDATA_CERTIFICATE_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / KEY_FILE_NAME


def _password():
    """The key file's passphrase as bytes, or ``None``."""
    password = current_app.config.get("TECHDATA_CERTIFICATE_KEY_PASSWORD")
    if isinstance(password, str):
        password = password.encode("utf-8")
    return password or None


def _create_key(path):
    """Write a new private key to ``path`` (mode 0600) unless one exists.

    Written to a temporary file and linked into place, so that two processes
    starting at once never see a half-written key: the first link wins and
    the other process uses the winner's key.
    """
    password = _password()
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(pem)
            fp.flush()
            os.fsync(fp.fileno())
        try:
            os.link(tmp, path)
            logger.warning("created the certificate signing key %s (key id %s): back it up",
                           path, key_id(_load_private(path).public_key()))
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def _load_private(path):
    """The private key in ``path``."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=_password())
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def private_key():
    """The platform's signing key, created on first use if allowed."""
    path = key_path()
    if not path.exists():
        if not current_app.config.get("TECHDATA_CERTIFICATE_CREATE_KEY", True):
            raise FileNotFoundError(f"no certificate signing key at {path}")
        _create_key(path)
    return _load_private(path)


def public_key():
    """The platform's current public key."""
    return private_key().public_key()


def _raw(public):
    """The 32 raw bytes of an Ed25519 public key."""
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public=None):
    """First 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(_raw(public or public_key())).hexdigest()[:16]


def public_key_pem(public=None):
    """The (current) public key as PEM text (SubjectPublicKeyInfo)."""
    return (public or public_key()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem):
    """An Ed25519 public key from PEM text/bytes, or ``None`` if it is not one."""
    try:
        if isinstance(pem, str):
            pem = pem.encode("ascii")
        key = serialization.load_pem_public_key(pem)
    except Exception:  # noqa: BLE001 - any garbage is "not a key"
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def trusted_keys():
    """``{key_id: public key}`` of the current key and the retired trusted ones."""
    keys = {}
    for pem in current_app.config.get("TECHDATA_CERTIFICATE_TRUSTED_PUBLIC_KEYS") or []:
        key = load_public_key(pem)
        if key is not None:
            keys[key_id(key)] = key
    current = public_key()
    keys[key_id(current)] = current
    return keys


def sign(body):
    """Sign ``body`` with the platform key: ``(signature_b64, key_id)``."""
    key = private_key()
    signature = key.sign(canonical(body))
    return base64.b64encode(signature).decode("ascii"), key_id(key.public_key())


def verify(body, signature_b64, public_key_pem=None):
    """Whether ``signature_b64`` is a valid signature of ``body``.

    Checked with ``public_key_pem`` if given, else with the platform's current
    key. Never raises: garbage (a body that is not JSON-serialisable, a
    signature that is not base64, a PEM that is not an Ed25519 key) is
    ``False``.
    """
    try:
        if public_key_pem is None:
            key = public_key()
        else:
            key = public_key_pem if isinstance(public_key_pem, Ed25519PublicKey) \
                else load_public_key(public_key_pem)
        if key is None or not isinstance(signature_b64, str):
            return False
        signature = base64.b64decode(signature_b64.strip(), validate=True)
        if len(signature) != 64:
            return False
        key.verify(signature, canonical(body))
        return True
    except (InvalidSignature, binascii.Error, ValueError, TypeError, RecursionError,
            OverflowError):
        return False
    except Exception:  # noqa: BLE001 - verification never fails with a 500
        logger.exception("certificate verification failed unexpectedly")
        return False
