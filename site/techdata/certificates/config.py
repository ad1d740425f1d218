"""Settings of the deposit certificates (汇交凭证, CD-TD Art. 15, LZ Art. 38)."""

TECHDATA_CERTIFICATE_KEY_PATH = None
"""PEM file of the platform's Ed25519 signing key; ``None``: ``<instance_path>/certificate-signing-key.pem``."""

TECHDATA_CERTIFICATE_KEY_PASSWORD = None
"""Passphrase of the signing key's PEM file (``None``: the file is not encrypted)."""

TECHDATA_CERTIFICATE_CREATE_KEY = True
"""Create the signing key (mode 0600) on first use when the file is missing."""

TECHDATA_CERTIFICATE_TRUSTED_PUBLIC_KEYS = []
"""PEM texts of retired platform keys whose certificates still verify (key rotation)."""

TECHDATA_CERTIFICATE_ISSUER = "成都科技数据汇交平台 Chengdu Tech-Data Repository"
"""The issuer named in every certificate."""

TECHDATA_CERTIFICATE_ID_PREFIX = "TDC"
"""Prefix of certificate ids (``TDC-2026-XXXX-XXXX-XXXX``)."""

TECHDATA_CERTIFICATE_MAX_DOCUMENT_BYTES = 1024 * 1024
"""Largest certificate document the verify endpoint and page accept."""
