"""Machine-readable exports of the directories (CD-TD Art. 19; LZ Art. 22; QY Art. 23).

CSV and XLSX with Chinese column headings, JSON, and DCAT-AP 3 in Turtle and
JSON-LD, each written as a stream of chunks over any iterable of entry dicts
(``techdata.directory.fields``): a directory of 100,000 entries exports
without being held in memory.

- :data:`FORMATS`: the formats by name (csv, xlsx, json, ttl, jsonld);
- :func:`serialise`: the pure generator of ``bytes`` chunks;
- :func:`export_response`: the streaming Flask response (``400`` with a
  bilingual message for an unknown format).
"""

from .formats import FORMATS, serialise
from .response import export_response

__all__ = ("FORMATS", "export_response", "serialise")
