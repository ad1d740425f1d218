"""The cached existence check of ``cdtd:`` vocabulary terms (issue 21).

The deposit rules check every term of every draft (``DepositRulesComponent``);
three SQL statements per term before, ~25 per imported dataset. A known term
now costs nothing, an unknown one a single statement each time (so a term
added to a vocabulary is accepted at once), and a write to a vocabulary
empties the cache.
"""

from invenio_access.permissions import system_identity
from invenio_db.uow import UnitOfWork
from invenio_vocabularies.proxies import current_service as vocabulary_service

from techdata.bench.queries import count_statements
from techdata.deposit.fields import forget_terms, term_exists

NEW = {"id": "e21-new-category", "type": "td-categories",
       "title": {"zh": "新类别", "en": "New category"}}


def test_a_known_term_is_asked_once(running_app, db):
    """The first check sends one statement, the next ones none."""
    forget_terms()
    with count_statements() as first:
        assert term_exists("td-categories", "observation")
    with count_statements() as again:
        for _i in range(5):
            assert term_exists("td-categories", "observation")
    assert len(first.matching("vocabularies_types")) == 1, first.report()
    assert again.count == 0, again.report()


def test_an_unknown_term_is_asked_each_time_and_accepted_once_added(running_app, db):
    """Unknown terms (and vocabularies) are refused; a new term is known at once;
    a deleted one is forgotten."""
    forget_terms()
    with count_statements() as sql:
        assert not term_exists("td-categories", NEW["id"])
        assert not term_exists("td-categories", NEW["id"])
    assert len(sql.matching("vocabularies_types")) == 2, sql.report()
    assert not term_exists("td-no-such-vocabulary", "observation")
    assert not term_exists("td-grades", "observation")  # a term of another vocabulary

    vocabulary_service.create(system_identity, NEW)
    assert term_exists("td-categories", NEW["id"])
    with count_statements() as cached:
        assert term_exists("td-categories", NEW["id"])
    assert cached.count == 0

    vocabulary_service.delete(system_identity, ("td-categories", NEW["id"]))
    assert not term_exists("td-categories", NEW["id"])


def test_a_rolled_back_term_is_not_cached(running_app, db):
    """A term written in a transaction that is rolled back does not stay known."""
    forget_terms()
    savepoint = db.session.begin_nested()
    uow = UnitOfWork(db.session)  # never committed
    vocabulary_service.create(system_identity, {**NEW, "id": "e21-rolled-back"}, uow=uow)
    db.session.flush()
    assert term_exists("td-categories", "e21-rolled-back")
    savepoint.rollback()
    assert not term_exists("td-categories", "e21-rolled-back")


def _category_field():
    """The ``cdtd:category`` custom field of the app's config."""
    from flask import current_app
    return next(cf for cf in current_app.config["RDM_CUSTOM_FIELDS"]
                if cf.name == "cdtd:category")


def test_options_are_read_once_per_locale_and_again_after_a_write(running_app, db, monkeypatch):
    """A vocabulary field's options (record page, deposit form) are read once, not on
    every page; per locale; asked again once a term of any vocabulary is written."""
    from flask_babel import force_locale
    from invenio_vocabularies.services.service import VocabulariesService

    reads = []
    read_all = VocabulariesService.read_all

    def counting(self, *args, **kwargs):
        reads.append(kwargs.get("type"))
        return read_all(self, *args, **kwargs)

    monkeypatch.setattr(VocabulariesService, "read_all", counting)
    field = _category_field()
    forget_terms()
    with running_app.test_request_context("/"), force_locale("zh"):
        first = field.options(system_identity)
        assert field.options(system_identity) == first
    assert reads == ["td-categories"]
    assert {o["id"] for o in first} >= {"observation"} and first[0]["title_l10n"]

    with running_app.test_request_context("/"), force_locale("en"):
        english = field.options(system_identity)
    assert {o["id"] for o in english} == {o["id"] for o in first}
    assert len(reads) == 2 and english != first  # the labels of another language

    vocabulary_service.create(system_identity, {**NEW, "id": "e21-option"})
    with running_app.test_request_context("/"), force_locale("zh"):
        field.options(system_identity)
    # asked again after the write (what InvenioRDM's read_all then answers is its own
    # cache's business, as on a plain InvenioRDM)
    assert len(reads) == 3
    vocabulary_service.delete(system_identity, ("td-categories", "e21-option"))
