"""The fields of a directory entry (CD-TD Art. 19; LZ Art. 11; QY Art. 8).

One list names every field an entry carries, in the order a bureau publishes
them, with the Chinese and English column headings. The entry store, the API,
the exports (CSV/XLSX/JSON/DCAT) and the pages all read this list, so a field
added here reaches every one of them.

An entry is a plain ``dict``. Its values are:

- ``text``: a string (may be empty);
- ``list``: a list of strings;
- ``term``: a vocabulary term ``{"id": ..., "zh": ..., "en": ...}`` or ``None``;
- ``terms``: a list of such terms;
- ``date``: an ISO 8601 date or date-time string, or ``None``.
"""

from collections import namedtuple

DirectoryField = namedtuple("DirectoryField", "key zh en kind article")
"""One directory field: entry key, Chinese heading, English heading, value kind, rule."""

DIRECTORY_FIELDS = (
    DirectoryField("entry_id", "目录编号", "Entry ID", "text", "CD-TD Art. 19"),
    DirectoryField("title_zh", "数据资源名称", "Title (Chinese)", "text", "CD-TD Art. 19"),
    DirectoryField("title_en", "英文名称", "Title (English)", "text", "XC"),
    DirectoryField("content", "数据资源内容摘要", "Content summary", "text", "CD-TD Art. 19"),
    DirectoryField("category", "数据分类", "Data category", "term", "QY Art. 8"),
    DirectoryField("responsible_department", "责任部门", "Responsible department", "term",
                   "CD-TD Art. 19"),
    DirectoryField("providing_entity", "提供单位", "Providing entity", "term", "CD-TD Art. 19"),
    DirectoryField("sharing_type", "共享属性", "Sharing type", "term", "CD-TD Art. 19"),
    DirectoryField("opening_type", "开放属性", "Opening type", "term", "LZ Art. 25"),
    DirectoryField("secrecy", "涉密属性", "Secrecy attribute", "term", "CD-TD Art. 19"),
    DirectoryField("grade", "数据分级", "Sensitivity grade", "term", "CD-TD Art. 11"),
    DirectoryField("sharing_scope", "共享范围", "Sharing scope", "text", "CD-TD Art. 19"),
    DirectoryField("access_methods", "共享方式", "Access / provision method", "terms",
                   "CD-TD Art. 19; LZ Art. 11"),
    DirectoryField("business_name", "业务名称", "Business name", "text", "LZ Art. 11"),
    DirectoryField("information_system", "所属信息系统", "Information system", "text", "LZ Art. 11"),
    DirectoryField("data_items", "数据项", "Data items", "list", "LZ Art. 11"),
    DirectoryField("storage_format", "存储格式", "Storage format", "text", "LZ Art. 11; QY Art. 8"),
    DirectoryField("update_cycle", "更新周期", "Update cycle", "term", "LZ Art. 11; QY Art. 8"),
    DirectoryField("sharing_period", "共享期限", "Sharing period", "text", "LZ Art. 11"),
    DirectoryField("usage_requirements", "使用要求", "Usage requirements", "text", "QY Art. 8"),
    DirectoryField("keywords", "关键词", "Keywords", "list", "XC"),
    DirectoryField("doi", "DOI", "DOI", "text", "CD-TD Art. 15"),
    DirectoryField("cstr", "CSTR", "CSTR", "text", "CD-TD Art. 15"),
    DirectoryField("landing_page", "访问地址", "Landing page", "text", "QY Art. 23"),
    DirectoryField("download_url", "下载地址", "Download URL", "text", "LZ Art. 22"),
    DirectoryField("license", "许可协议", "Licence", "text", "LZ Art. 27"),
    DirectoryField("source", "来源", "Source (deposited / catalogued)", "text", "CD-TD Art. 19"),
    DirectoryField("issued", "发布日期", "Issued", "date", "QY Art. 23"),
    DirectoryField("modified", "更新日期", "Modified", "date", "CD-PD Art. 14"),
    DirectoryField("last_checked", "最近核查日期", "Last checked", "date", "QY Art. 8"),
)
"""Every directory field, in publication order (the export column order)."""

FIELD_KEYS = tuple(f.key for f in DIRECTORY_FIELDS)
"""The entry keys, in publication order."""

SOURCE_DEPOSITED = "deposited"
"""``source`` of an entry derived from a record deposited here."""

SOURCE_CATALOGUED = "catalogued"
"""``source`` of an entry for data held elsewhere (metadata only)."""

def cell(entry, field, lang="zh"):
    """The value of ``field`` in ``entry`` as one flat string (CSV/XLSX cell).

    Terms show their label in ``lang``; lists are joined with ``; ``.
    """
    value = entry.get(field.key)
    if value is None:
        return ""
    if field.kind == "term":
        return value.get(lang) or value.get("id") or ""
    if field.kind == "terms":
        return "; ".join(v.get(lang) or v.get("id") or "" for v in value)
    if field.kind == "list":
        return "; ".join(str(v) for v in value)
    return str(value)
