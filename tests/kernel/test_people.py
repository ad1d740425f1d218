"""Names as Chinese readers write them (issue 13, point 7)."""

from types import SimpleNamespace

from invenio_rdm_records.resources.serializers.csl import (
    get_citation_string,
    get_style_location,
)

from techdata.kernel.people import (
    creator_name,
    csl_name,
    personal_name,
    user_display_name,
    with_csl_names,
)


def test_chinese_names_family_first_without_comma():
    assert personal_name("李", "明") == "李明"
    assert personal_name("欧阳", "修") == "欧阳修"
    assert personal_name("Chen", "Wei") == "Chen, Wei"
    assert personal_name("Chen", "") == "Chen"


def test_creator_names():
    assert creator_name({"type": "personal", "family_name": "李", "given_name": "明",
                         "name": "李, 明"}) == "李明"
    assert creator_name({"type": "personal", "name": "张, 华"}) == "张华"  # stored before
    assert creator_name({"type": "organizational", "name": "成都理工大学"}) == "成都理工大学"
    assert creator_name({"type": "personal", "family_name": "Wang", "given_name": "Fang",
                         "name": "Wang, Fang"}) == "Wang, Fang"


def _cite(authors, style):
    item = {"id": "x", "type": "dataset", "title": "川西高原气象观测数据",
            "issued": {"date-parts": [[2025]]}, "publisher": "成都市科技数据中心",
            "author": authors}
    return get_citation_string(with_csl_names(item), "x", get_style_location(style), "en-US")


def test_citations_keep_chinese_names_whole():
    """No style splits 刘磊 into "刘, . 磊 ." (GB/T 7714 writes Chinese names in full)."""
    authors = [{"family": "刘", "given": "磊"}, {"family": "Chen", "given": "Wei"}]
    for style in ("harvard-cite-them-right", "apa", "chinese-gb7714-2005-numeric"):
        text = _cite(authors, style)
        assert "刘磊" in text, (style, text)
        assert "刘," not in text and "磊 ." not in text, (style, text)
        assert "Chen" in text or "CHEN" in text
    # unchanged: the raw CSL names without our rewrite do break (the bug this fixes)
    raw = get_citation_string(
        {"id": "x", "type": "dataset", "title": "t", "author": authors[:1]}, "x",
        get_style_location("apa"), "en-US")
    assert "刘磊" not in raw


def test_csl_name_leaves_latin_names():
    assert csl_name({"family": "Chen", "given": "Wei"}) == {"family": "Chen", "given": "Wei"}
    assert csl_name({"family": "李", "given": "明"}) == {"literal": "李明"}


def test_users_by_name_and_organisation():
    user = SimpleNamespace(email="li@example.org", username=None,
                           user_profile={"full_name": "李研究员", "affiliations": "成都理工大学"})
    assert user_display_name(user) == "李研究员（成都理工大学）"
    user = SimpleNamespace(email="li@example.org", username=None, user_profile={})
    assert user_display_name(user) == "li@example.org"  # no name: the address, last resort
    assert user_display_name(None) == ""
