"""i18n: the one way to make a message that carries both languages.

Messages are gettext msgids (English) with a Chinese translation in our
catalogue; :func:`bilingual` renders one in Chinese, then English, for
answers that must be read whatever the caller's language (API errors,
e-mails, stored reasons).
"""

from flask import has_request_context
from flask_babel import LazyString, force_locale, get_locale
from invenio_i18n import lazy_gettext

_ = lazy_gettext
"""Translatable message (lazy, rendered in the reader's language)."""

LANGUAGES = ("zh", "en")
"""Languages of a bilingual text, in the order shown."""


def bilingual(message):
    """``message`` (a msgid or lazy string) as ``"中文 / English"`` (one part if equal)."""
    texts = []
    for locale in LANGUAGES:
        with force_locale(locale):
            text = str(message)
        if text not in texts:
            texts.append(text)
    return " / ".join(texts)


def lazy_bilingual(message):
    """:func:`bilingual` of ``message``, rendered when used: for messages fixed at
    import time (marshmallow error messages, schema constants)."""
    return LazyString(bilingual, message)


def lazy_error(message):
    """A marshmallow field error message (``error_messages`` value) rendered bilingual
    when shown: a one-item list, so ``ValidationError.messages`` stays a list."""
    return [lazy_bilingual(message)]


def in_languages(message):
    """``{"zh": ..., "en": ...}`` of ``message`` (for stored, bilingual titles)."""
    out = {}
    for locale in LANGUAGES:
        with force_locale(locale):
            out[locale] = str(message)
    return out


def reader_language():
    """``"zh"`` or ``"en"``: the language of the page being rendered (zh outside a request)."""
    locale = get_locale() if has_request_context() else None
    return "en" if str(locale or "zh").startswith("en") else "zh"


def in_reader_language(texts, fallback=""):
    """The reader's text of a ``{"zh", "en"}`` dict (data such as names), the other if missing."""
    texts = texts or {}
    first, other = ("en", "zh") if reader_language() == "en" else ("zh", "en")
    return texts.get(first) or texts.get(other) or fallback
