"""The ``cdtd:`` custom fields of a deposit (CD-TD Art. 2, 19; LZ Art. 11; QY Art. 8)."""

import time

from invenio_records_resources.records.systemfields import PIDListRelation, PIDRelation
from invenio_records_resources.services.custom_fields import KeywordCF, TextCF
from invenio_vocabularies.services.custom_fields import VocabularyCF
from marshmallow import fields

from ..kernel.bounds import MAX_ITEMS, MAX_TEXT, MAX_TITLE, MaxLength
from ..kernel.labels import NAMESPACE

SHORT = MAX_TITLE
"""Longest value of a one-line text field (titles too), in characters."""

LONG = 20000
"""Longest value of a long free-text field (reasons, legal bases), in characters."""

ABSTRACT = MAX_TEXT
"""Longest abstract, in characters."""


TERM_CACHE_SECONDS = 300
"""How long a resolved vocabulary term is reused by every record of the process."""

_TERMS = {}
"""``{(vocabulary, id): (expiry, term)}``: the process-wide cache of resolved terms."""


class _ProcessWideTerms:
    """Resolve a ``cdtd:`` vocabulary term once per process and ``TERM_CACHE_SECONDS``.

    InvenioRDM resolves a record's vocabulary terms anew for every record it
    reads or indexes (two SQL statements per term; a cache per record only),
    i.e. a record GET paid 12 statements for our six terms (issue 21). The
    vocabularies are small and change rarely (an administrator's fixture
    load); a changed label shows after at most ``TERM_CACHE_SECONDS``.
    """

    def resolve(self, id_):
        """The term ``id_`` (the model is detached, as the per-record cache keeps it)."""
        key = (self._cache_key, id_)
        hit = _TERMS.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        term = super().resolve(id_)
        if term is not None:
            _TERMS[key] = (time.monotonic() + TERM_CACHE_SECONDS, term)
        return term


class TermRelation(_ProcessWideTerms, PIDRelation):
    """One vocabulary term, resolved through the process-wide cache."""


class TermListRelation(_ProcessWideTerms, PIDListRelation):
    """A list of vocabulary terms, resolved through the process-wide cache."""


class TermCF(VocabularyCF):
    """A vocabulary custom field whose terms resolve through the process-wide cache."""

    def __init__(self, *args, **kwargs):
        """As ``VocabularyCF``, with the cached relations."""
        super().__init__(*args, **kwargs)
        self.relation_cls = TermListRelation if kwargs.get("multiple") else TermRelation


class KeywordListCF(KeywordCF):
    """A list of keywords, each at most ``SHORT`` characters, at most ``MAX_ITEMS`` of them."""

    @property
    def field(self):
        """A bounded list of bounded strings (issue 20: no stored junk)."""
        return fields.List(self._field_cls(validate=MaxLength(SHORT)),
                           validate=MaxLength(MAX_ITEMS, items=True))


class ChineseTextCF(TextCF):
    """A text field analysed with OpenSearch's ``cjk`` (bigram) analyzer.

    A two-character Chinese word matches the records that contain it, not
    every record that has either character (the standard analyzer indexes
    single characters).
    """

    @property
    def mapping(self):
        """Text with the cjk analyzer, plus a keyword sub-field for sorting."""
        return {
            "type": "text",
            "analyzer": "cjk",
            "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
        }


def _text(name, max_len=SHORT, cls=TextCF, **kw):
    """A text custom field with a length limit."""
    return cls(name=f"{NAMESPACE}:{name}", field_args={"validate": MaxLength(max_len)}, **kw)


def _vocab(name, vocabulary_id, multiple=False):
    """A custom field whose values come from a vocabulary."""
    return TermCF(
        name=f"{NAMESPACE}:{name}", vocabulary_id=vocabulary_id, multiple=multiple, dump_options=True
    )


CUSTOM_FIELDS = [
    # Classification (CD-TD Art. 2, 11)
    _vocab("category", "td-categories"),
    _vocab("funding_source", "td-funding"),
    _vocab("sharing_type", "td-sharing"),
    _text("sharing_reason", LONG),
    _text("sharing_legal_basis", LONG),
    _vocab("opening_type", "td-opening"),
    _text("opening_reason", LONG),
    _text("opening_legal_basis", LONG),
    _vocab("secrecy", "td-secrecy"),
    _vocab("grade", "td-grades"),
    # Directory fields (CD-TD Art. 19; LZ Art. 11; QY Art. 8)
    _vocab("responsible_department", "td-departments"),
    _vocab("providing_entity", "td-entities"),
    _text("sharing_scope"),
    _vocab("access_methods", "td-provision", multiple=True),
    _text("business_name"),
    _text("information_system"),
    KeywordListCF(name=f"{NAMESPACE}:data_items", multiple=True),
    _text("storage_format"),
    _vocab("update_cycle", "td-update-cycles"),
    _text("sharing_period"),
    _text("usage_requirements", LONG),
    # Bilingual title and abstract (XC): Chinese required, English encouraged
    _text("title_zh", SHORT, ChineseTextCF),
    _text("title_en"),
    _text("abstract_zh", ABSTRACT, ChineseTextCF),
    _text("abstract_en", ABSTRACT),
    # The funded project the deposit belongs to (CD-TD Art. 15; LZ Art. 12)
    KeywordCF(name=f"{NAMESPACE}:project", field_args={"validate": MaxLength(64)}),
    KeywordCF(name=f"{NAMESPACE}:project_dataset", field_args={"validate": MaxLength(40)}),
]
"""All ``cdtd:`` custom fields, in form order."""
