"""i18n: the one way to make a message that carries both languages.

Messages are gettext msgids (English) with a Chinese translation in our
catalogue; :func:`bilingual` renders one in Chinese, then English, for
answers that must be read whatever the caller's language (API errors,
e-mails, stored reasons).
"""

from flask_babel import force_locale
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


def in_languages(message):
    """``{"zh": ..., "en": ...}`` of ``message`` (for stored, bilingual titles)."""
    out = {}
    for locale in LANGUAGES:
        with force_locale(locale):
            out[locale] = str(message)
    return out
