"""The ``cdtd:`` custom fields of a deposit (CD-TD Art. 2, 19; LZ Art. 11; QY Art. 8)."""

import time

from invenio_db import db
from invenio_i18n import get_locale
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_records_resources.records.systemfields import PIDListRelation, PIDRelation
from invenio_records_resources.services.custom_fields import KeywordCF, TextCF
from invenio_vocabularies.records.models import VocabularyMetadata, VocabularyType
from invenio_vocabularies.services.custom_fields import VocabularyCF
from marshmallow import fields
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..kernel.bounds import MAX_ITEMS, MAX_TEXT, MAX_TITLE, MaxLength
from ..kernel.labels import NAMESPACE, vocabulary_title

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


_OPTIONS = {}
"""``{(vocabulary, sort, locale): (expiry, options)}``: the options of a vocabulary field."""

_KNOWN = {}
"""``{vocabulary id: (expiry, {term ids known to exist})}``: positive existence checks."""


def term_exists(vocabulary_id, term_id):
    """True when ``term_id`` is a registered term of the vocabulary ``vocabulary_id``.

    A known term costs no SQL for ``TERM_CACHE_SECONDS`` (the deposit rules
    check each ``cdtd:`` term of each draft: three statements per term before,
    i.e. ~25 per imported row, issue 21); an unknown one is asked every time,
    with one statement, so a term added to a vocabulary is accepted at once.
    A change of a vocabulary in this process empties the cache (``forget_terms``).
    """
    now = time.monotonic()
    hit = _KNOWN.get(vocabulary_id)
    if hit is None or hit[0] <= now:
        hit = _KNOWN[vocabulary_id] = (now + TERM_CACHE_SECONDS, set())
    if term_id in hit[1]:
        return True
    found = db.session.execute(
        select(PersistentIdentifier.id)
        .join(VocabularyType, VocabularyType.pid_type == PersistentIdentifier.pid_type)
        .join(VocabularyMetadata, VocabularyMetadata.id == PersistentIdentifier.object_uuid)
        .where(VocabularyType.id == vocabulary_id,
               PersistentIdentifier.pid_value == str(term_id),
               PersistentIdentifier.status == PIDStatus.REGISTERED,
               VocabularyMetadata.json.is_not(None))
        .limit(1)).first() is not None
    if found:
        hit[1].add(term_id)
    return found


_WRITTEN = []
"""Non-empty while a vocabulary write of this process is not committed yet."""


def forget_terms(*_args, **_kwargs):
    """Empty this process's term caches (called when a vocabulary term is written):
    existence checks, resolved terms and the kernel's labels."""
    _KNOWN.clear()
    _TERMS.clear()
    _OPTIONS.clear()
    vocabulary_title.cache_clear()


def _term_written(*_args, **_kwargs):
    """A vocabulary term was written: forget the cached terms, and again on a rollback."""
    _WRITTEN[:] = [True]
    forget_terms()


def _transaction_rolled_back(*_args, **_kwargs):
    """A rolled-back vocabulary write must not leave its terms cached as existing."""
    if _WRITTEN:
        _WRITTEN.clear()
        forget_terms()


for _event in ("after_insert", "after_update", "after_delete"):
    event.listen(VocabularyMetadata, _event, _term_written)
event.listen(Session, "after_soft_rollback", _transaction_rolled_back)
event.listen(Session, "after_transaction_end",  # committed or rolled back: settled
             lambda _session, transaction: transaction.parent is None and _WRITTEN.clear())


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

    def options(self, identity):
        """The vocabulary's options, read once per process, locale and ``TERM_CACHE_SECONDS``.

        InvenioRDM lists every vocabulary field's options on every record page
        (``load_custom_fields``, also for sections the page hides) and deposit form:
        for our ten fields ten searches and ~60 serialised terms, ~38 % of a landing
        page's profile (issue 21; a plain InvenioRDM has no such field). Anyone may
        read the vocabularies, so the options do not depend on ``identity``; the
        labels do on the locale.
        """
        if not self.dump_options:
            return None
        key = (self.vocabulary_id, repr(self.sort_by), str(get_locale()))
        hit = _OPTIONS.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        options = super().options(identity)
        _OPTIONS[key] = (time.monotonic() + TERM_CACHE_SECONDS, options)
        return options


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
