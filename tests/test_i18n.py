"""Our Chinese catalogue: our strings, and no broken installed ones."""

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from flask_babel import gettext, refresh

from techdata.i18n import broken_installed_entries, build_catalog, is_usable


def test_placeholder_check():
    """A translation must keep the msgid's placeholders, else .format() breaks."""
    assert not is_usable(Message("Version {version_number}", "版本{版本号}"))
    assert not is_usable(Message("at most %(max)s", "最多{max}"))
    assert is_usable(Message("Version {version_number}", "版本 {version_number}"))


def test_catalogue_overrides_every_broken_entry(tmp_path):
    """Each broken installed entry is overridden: by our fix, or by English."""
    path, own, neutralised = build_catalog(tmp_path)
    catalog = read_mo(open(path, "rb"))
    assert catalog.get("Chengdu Tech-Data Repository").string == "成都科技数据汇交平台"
    for msgid in broken_installed_entries():
        assert is_usable(catalog.get(msgid)), msgid
    assert catalog.get("Version {version_number}").string == "版本 {version_number}"


def test_app_uses_fixed_translation(app):
    """In the app, Chinese is the default and the fixed entry formats cleanly."""
    with app.test_request_context("/"):
        refresh()
        assert gettext("Chengdu Tech-Data Repository") == "成都科技数据汇交平台"
        assert gettext("Version {version_number}").format(version_number=2) == "版本 2"


def test_every_message_of_ours_has_chinese(tmp_path):
    """Each translatable string in the site package and the instance's template
    overrides (``templates/``) has a Chinese translation."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "--quiet", "extract",
         "-F", str(root / "translations" / "babel.ini"), "-k", "_", "-k", "lazy_gettext",
         "-o", str(pot), str(root / "site" / "techdata"), str(root / "templates")],
        check=True, cwd=root,
    )
    po = read_po(open(root / "site/techdata/translations/zh/LC_MESSAGES/messages.po", "rb"), locale="zh")
    missing = [m.id for m in read_po(open(pot, "rb")) if m.id and not (m.id in po and po[m.id].string)]
    assert missing == []
