"""Metadata exports of a deposit: DataCite, DCAT-AP, and the landing-page panels.

The ``cdtd:`` classification (CD-TD Art. 2, 18) is carried into the
standard export formats by subclasses of InvenioRDM's serializers
(``techdata.exports.serializers``), wired in ``techdata.exports.config``.
"""
