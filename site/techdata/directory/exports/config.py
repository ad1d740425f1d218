"""Settings of the directory exports (CD-TD Art. 19; LZ Art. 22; QY Art. 23)."""

TECHDATA_DIRECTORY_EXPORT_CHUNK_SIZE = 64 * 1024
"""Characters gathered before a chunk of an export is sent to the client."""

TECHDATA_DIRECTORY_PUBLISHER = "成都市科学技术局 Chengdu Municipal Bureau of Science and Technology"
"""Publisher of the directories (``dct:publisher`` of the catalog, CD-TD Art. 7)."""

TECHDATA_DIRECTORY_EXPORT_TITLES = {
    "open": ("成都市科技数据开放目录", "Chengdu Tech-Data Open Directory"),
    "resource": ("成都市科技数据资源目录", "Chengdu Tech-Data Resource Directory"),
}
"""Chinese and English title of each live directory in its exports (``dct:title``)."""
