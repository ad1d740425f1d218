"""The Chinese (zh, Simplified script) message catalogue of the instance.

Invenio keys UI languages by bare language code, so our Chinese locale is
``zh`` (see ``config.BABEL_DEFAULT_LOCALE``). gettext expands ``zh`` to
``zh_CN`` as well, so the installed packages' ``zh_CN`` catalogues apply as
they are. Some of their entries are broken: they translate placeholder names
(``{version_number}`` as ``{版本号}``), and ``.format()`` then raises and the
page fails. Our catalogue is registered in the ``invenio_i18n.translations_bundle``
group, which Invenio merges *after* the packages' catalogues, so it:

1. carries our own translations (``translations/zh/LC_MESSAGES/messages.po``),
2. overrides every broken installed entry, with our fix from that .po when
   there is one, else with the English text.

:func:`build_catalog` compiles it to ``messages.mo`` beside the .po (a build
artefact, git-ignored); set-up and the tests run it. Nothing installed is
modified.
"""

import re
from importlib.metadata import entry_points
from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parent / "translations"
"""Our translations folder (registered as the translations bundle)."""

OWN_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
"""Our own Chinese translations (English msgids), kept in git."""

SOURCE_LOCALES = ("zh_CN", "zh_Hans", "zh")
"""Installed catalogue folders that gettext uses for our ``zh`` locale."""

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)[^{}]*\}")


def placeholders(text):
    """The named placeholders (``%(name)s`` and ``{name}``) used in ``text``."""
    if isinstance(text, (tuple, list)):
        return set().union(*(placeholders(t) for t in text))
    return {f"%({a})" if a else f"{{{b}}}" for a, b in _PLACEHOLDER.findall(text or "")}


def is_usable(msg):
    """True when a translation exists and keeps the placeholders of its msgid."""
    return bool(msg.id and msg.string) and placeholders(msg.id) == placeholders(msg.string)


def installed_catalogs():
    """Yield the installed Simplified-Chinese .mo catalogues of Invenio packages."""
    for ep in entry_points(group="invenio_i18n.translations"):
        if ep.module == __package__:
            continue
        try:
            base = Path(str(files(ep.module) / "translations"))
        except ModuleNotFoundError:
            continue
        for loc in SOURCE_LOCALES:
            mo = base / loc / "LC_MESSAGES" / "messages.mo"
            if mo.is_file():
                yield mo
                break


def broken_installed_entries():
    """Installed entries whose translation breaks their placeholders."""
    broken = {}
    for mo in installed_catalogs():
        with open(mo, "rb") as fh:
            for msg in read_mo(fh):
                if msg.id and msg.string and not is_usable(msg):
                    broken[msg.id] = msg
    return broken


def build_catalog(dest=TRANSLATIONS):
    """Compile our catalogue to ``dest/zh/LC_MESSAGES/messages.mo``.

    Returns ``(path, own, neutralised)``: the .mo path, how many of our
    translations it has, and how many broken installed entries it overrides.
    """
    with open(OWN_PO, "rb") as fh:
        own = [m for m in read_po(fh, locale="zh") if is_usable(m) and not m.fuzzy]
    catalog = Catalog(locale="zh", domain="messages")
    ours = {m.id for m in own}
    neutralised = 0
    for msgid, _msg in broken_installed_entries().items():
        if msgid not in ours:
            catalog[msgid] = Message(msgid, msgid)  # English beats a crash
            neutralised += 1
    for m in own:
        catalog[m.id] = m
    out = Path(dest) / "zh" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    return out / "messages.mo", len(own), neutralised
