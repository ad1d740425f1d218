"""Test fixtures: pytest-invenio on the real PostgreSQL, OpenSearch and Redis.

Tests use their own database (``techdata_test``) and index prefix (``test-``)
in the services that ``scripts/test`` starts, so they never touch the demo
instance. The site configuration comes from ``techdata.config`` through its
entry point, exactly as in the served app; here we only point at the test
services.
"""

import io
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from invenio_access.permissions import system_identity
from invenio_app.factory import create_app as _create_app
from invenio_communities.proxies import current_communities
from invenio_oauth2server.models import Token
from invenio_requests.proxies import current_requests_service
from invenio_search import current_search
from invenio_search.engine import search as search_engine
from invenio_search.utils import build_alias_name, timestamp_suffix
from invenio_vocabularies.proxies import current_service as vocabulary_service

from techdata.i18n import build_catalog
from techdata.kernel import roles
from techdata.review.centres import ensure_city_centre
from tests.access.conditional import CONDITIONAL, upload
from tests.helpers import (
    Workflow,
    deposit,
    make_workflow,
    registered_user,
    token_headers,
    user_with_role,
)
from tests.identifiers.datacite_standin import PREFIX as DATACITE_PREFIX, DataCiteStandIn

_env = os.environ.get
search_helpers = search_engine.helpers


def _pg_url(dbname):
    """SQLAlchemy URL of a database in the project's PostgreSQL cluster."""
    return "postgresql+psycopg2://{}:{}@127.0.0.1:{}/{}".format(
        _env("TD_PG_USER", "techdata"),
        _env("TD_PG_PASSWORD", "techdata"),
        _env("TD_PG_PORT", "5433"),
        dbname,
    )


REDIS = "redis://127.0.0.1:{}".format(_env("TD_REDIS_PORT", "6380"))
# First of the four Redis databases the tests use (two test runs side by side
# use different bases, different TD_TEST_PG_DB and TD_TEST_INDEX_PREFIX).
REDIS_DB = int(_env("TD_TEST_REDIS_DB", "12"))
ROOT = Path(__file__).resolve().parents[1]
STATIC = Path(_env("TD_SERVICES", ROOT / ".services")) / "instance" / "static"
TEMPLATES = ROOT / "templates"
"""The instance's template overrides (linked into every instance folder)."""


@pytest.fixture(scope="module")
def instance_path():
    """A temporary instance folder, serving the JS/CSS that set-up built.

    Pages render with the real webpack manifest, so a template that names a
    bundle which does not exist fails here as it would in production; the
    instance's template overrides (``templates/``) are linked in as
    ``scripts/run`` links them.
    """
    if not (STATIC / "dist" / "manifest.json").exists():
        pytest.fail(f"no built assets in {STATIC}: run scripts/test, which builds them")
    path = tempfile.mkdtemp(prefix="techdata-test-")
    (Path(path) / "templates").symlink_to(TEMPLATES)
    os.environ["INVENIO_INSTANCE_PATH"] = path
    os.environ["INVENIO_STATIC_FOLDER"] = str(STATIC)
    yield path
    os.environ.pop("INVENIO_INSTANCE_PATH", None)
    os.environ.pop("INVENIO_STATIC_FOLDER", None)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def db_uri():
    """The test database (never the demo one)."""
    yield _pg_url(_env("TD_TEST_PG_DB", "techdata_test"))


@pytest.fixture(scope="module")
def search_hosts():
    """The project's OpenSearch node."""
    yield [{"host": "127.0.0.1", "port": int(_env("TD_OS_PORT", "9201"))}]


@pytest.fixture(scope="module")
def broker_uri():
    """Redis as the Celery broker (tasks run eagerly in tests anyway)."""
    yield f"{REDIS}/{REDIS_DB + 0}"


@pytest.fixture(scope="module")
def cache_uri():
    """A Redis database of its own for the tests' cache."""
    yield f"{REDIS}/{REDIS_DB + 1}"


@pytest.fixture(scope="module", autouse=True)
def fresh_redis():
    """Empty the tests' Redis databases of cache, sessions and community identities at each
    module start: each module's database numbers its users from 1 again, so a cached
    identity of an earlier module's user would be taken for this module's. Not the broker's
    (``REDIS_DB``): kombu declares a queue's binding once a process, so an emptied broker
    would drop every later indexing message (users shown as "Deleted user")."""
    for offset in (1, 2, 3):
        redis.Redis.from_url(f"{REDIS}/{REDIS_DB + offset}").flushdb()


@pytest.fixture(scope="session", autouse=True)
def chinese_catalogue():
    """Compile our Chinese catalogue, as set-up does."""
    build_catalog()


@pytest.fixture(scope="module")
def app_config(app_config, cache_uri, broker_uri):
    """Point the test app at the test services; keep the site config."""
    app_config.update(
        CELERY_BROKER_URL=broker_uri,
        SEARCH_INDEX_PREFIX=_env("TD_TEST_INDEX_PREFIX", "test-"),
        CACHE_TYPE="flask_caching.backends.RedisCache",
        CACHE_REDIS_URL=cache_uri,
        ACCOUNTS_SESSION_REDIS_URL=f"{REDIS}/{REDIS_DB + 2}",
        COMMUNITIES_IDENTITIES_CACHE_REDIS_URL=f"{REDIS}/{REDIS_DB + 3}",
        RATELIMIT_STORAGE_URI="memory://",
        CELERY_TASK_ALWAYS_EAGER=True,
        CELERY_TASK_EAGER_PROPAGATES=True,
        DATACITE_ENABLED=False,
        THEME_FRONTPAGE=True,
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The combined UI + REST app, as served (REST under /api)."""
    return _create_app


class SearchIndices:
    """The registered search indices, created once per test session and emptied after
    each module (pytest-invenio creates and deletes them per module).

    Each index is a cluster-state change in OpenSearch, ~0.3-0.5 s: the ~35 indices cost
    10-30 s a module to create and as much to delete. Here the first module creates them
    (one index-name suffix for the session, so a later module's app finds the same
    indices), and after each module every document is deleted. ``index.gc_deletes: 0s``
    drops the deleted documents' version tombstones at the refresh, so a later module's
    row with the same integer id (users, roles) indexes with a lower revision without a
    version conflict. A module that deleted indices (``search_clear``, the CLI tests) gets
    them created again at the next module's start. The trail's data stream is deleted
    after each module, as its template makes it again on the first entry.
    """

    def __init__(self):
        """Nothing created yet; the session's suffix."""
        self.suffix = timestamp_suffix()
        self.created = set()  # index names, deleted at the end of the session
        self.hosts = None

    @staticmethod
    def _aliases():
        return [build_alias_name(name) for name in current_search.mappings]

    def prepare(self, app):
        """Create the indices if any of them is missing (all, for one index set)."""
        current_search._current_suffix = self.suffix
        client = current_search.client
        self.hosts = app.config.get("SEARCH_HOSTS")
        if all(client.indices.exists_alias(name=alias) for alias in self._aliases()):
            return
        list(current_search.delete(ignore=[404]))
        self.created.update(name for name, _result in current_search.create(ignore=[400])
                            if name.endswith(self.suffix))
        client.indices.refresh(index=",".join(self._aliases()), ignore_unavailable=True)

    def empty(self):
        """Delete every document of the registered indices and the trail's data stream."""
        client = current_search.client
        aliases = ",".join(self._aliases())
        client.indices.refresh(index=aliases, ignore_unavailable=True)
        client.indices.put_settings(index=aliases, body={"index": {"gc_deletes": "0s"}},
                                    ignore_unavailable=True)
        client.delete_by_query(index=aliases, body={"query": {"match_all": {}}}, refresh=True,
                               conflicts="proceed", ignore_unavailable=True,
                               request_timeout=120)
        # the tombstones go at a refresh once older than gc_deletes by OpenSearch's clock,
        # which ticks every 200 ms: the refresh of the delete itself is too soon
        time.sleep(0.5)
        client.indices.refresh(index=aliases, ignore_unavailable=True)
        client.indices.flush(index=aliases, ignore_unavailable=True)
        client.indices.delete_data_stream(name=build_alias_name("auditlog") + "*",
                                          ignore=[404])

    def drop(self):
        """At the end of the session: delete what the session created."""
        if not self.created:
            return
        client = search_engine.OpenSearch(hosts=self.hosts)
        names = sorted(self.created)
        for start in range(0, len(names), 20):
            client.indices.delete(index=",".join(names[start:start + 20]), ignore=[404],
                                  request_timeout=120)


@pytest.fixture(scope="session")
def search_indices():
    """The session's :class:`SearchIndices`."""
    indices = SearchIndices()
    yield indices
    indices.drop()


@pytest.fixture(scope="module")
def search(appctx, base_app, search_indices):
    """Overrides pytest-invenio's: the indices of the session, empty at each module start."""
    search_indices.prepare(base_app)
    yield current_search.client
    search_indices.empty()


SKIPPED_IN_TESTS = {"licenses": "lic"}
"""Large vocabularies no test needs; they are marked loaded to save time."""


class VocabularySnapshot:
    """The rows and search documents that loading the vocabularies produces, kept once
    per test session and put back in each later module's fresh database and indices.

    Loading them through the services takes 15-40 s a module (a few thousand entries,
    each validated and indexed); putting the same rows back with COPY and the same
    documents back with one bulk request takes a second or two. The first module of a
    session loads them the normal way and is where the snapshot is taken, so the data
    are exactly what the loader makes from ``app_data`` with this code.
    """

    def __init__(self):
        """Empty until :meth:`capture`."""
        self.tables = None  # [(table name, COPY text)] in dependency order
        self.documents = None  # {write alias: [(id, version, source)]}

    @staticmethod
    def _counts(database):
        return {t.name: database.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in database.metadata.sorted_tables}

    @staticmethod
    def _aliases():
        return [build_alias_name(name) for name in current_search.mappings]

    def load(self, database):
        """Load through the services; take the snapshot when every changed table was empty."""
        before = self._counts(database)
        load_vocabularies()
        after = self._counts(database)
        changed = [name for name in after if after[name] != before[name]]
        if any(before[name] for name in changed):
            return  # something else wrote there first: no snapshot, load normally each time
        connection = database.engine.raw_connection()
        try:
            cursor, tables = connection.cursor(), []
            for name in changed:
                out = io.StringIO()
                cursor.copy_expert(f'COPY "{name}" TO STDOUT', out)
                tables.append((name, out.getvalue()))
        finally:
            connection.close()
        client = current_search.client
        client.indices.refresh(index=",".join(self._aliases()), ignore_unavailable=True)
        documents = {}
        for alias in self._aliases():
            if client.indices.exists_alias(name=alias) and client.count(index=alias)["count"]:
                documents[alias] = [(hit["_id"], hit.get("_version"), hit["_source"])
                                    for hit in search_helpers.scan(client, index=alias,
                                                                   version=True)]
        self.tables, self.documents = tables, documents

    def restore(self, database):
        """Put the snapshot's rows (sequences moved past them) and documents back."""
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for name, data in self.tables:
                cursor.copy_expert(f'COPY "{name}" FROM STDIN', io.StringIO(data))
                cursor.execute(
                    "SELECT a.attname, pg_get_serial_sequence(%s, a.attname) FROM pg_attribute a "
                    "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                    (f'"{name}"', f'"{name}"'))
                for column, sequence in cursor.fetchall():
                    if sequence:
                        cursor.execute(f'SELECT setval(%s, GREATEST((SELECT max("{column}") '
                                       f'FROM "{name}"), 1))', (sequence,))
            connection.commit()
        finally:
            connection.close()
        actions = ({"_index": alias, "_id": doc_id, "_source": source,
                    **({"_version": version, "_version_type": "external_gte"} if version else {})}
                   for alias, docs in self.documents.items() for doc_id, version, source in docs)
        search_helpers.bulk(current_search.client, actions, refresh=True, request_timeout=120)


def load_vocabularies():
    """The instance's vocabulary fixtures, loaded as set-up loads them: same loader
    and data (app_data first, then InvenioRDM's), minus ``SKIPPED_IN_TESTS``."""
    from invenio_rdm_records.fixtures.vocabularies import PrioritizedVocabulariesFixtures

    for type_id, pid_type in SKIPPED_IN_TESTS.items():
        vocabulary_service.create_type(system_identity, type_id, pid_type)
    PrioritizedVocabulariesFixtures(
        system_identity, app_data_folder=ROOT / "app_data", delay=False
    ).load()
    vocabulary_service.indexer.refresh()


@pytest.fixture(scope="session")
def vocabulary_snapshot():
    """The session's :class:`VocabularySnapshot` (taken by the first module)."""
    return VocabularySnapshot()


@pytest.fixture(scope="module")
def vocabularies(app, database, search, vocabulary_snapshot):
    """The instance's vocabularies: loaded by the first module (see :func:`load_vocabularies`),
    restored from the session's snapshot in the others."""
    if vocabulary_snapshot.tables is None:
        vocabulary_snapshot.load(database)
    else:
        vocabulary_snapshot.restore(database)


def _create_custom_field_mappings(app):
    """Run the custom-field ``init`` commands of records and communities."""
    from invenio_communities.cli import create_communities_custom_field
    from invenio_rdm_records.cli import create_records_custom_field

    for command in (create_records_custom_field, create_communities_custom_field):
        result = app.test_cli_runner().invoke(command, [])
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def custom_fields(app, search):
    """The ``cdtd:`` custom-field mappings, created as set-up creates them.

    And the index templates (the audit log's data stream), as ``invenio index
    init`` puts them: without its template the trail would go to an index
    with guessed mappings.
    """
    _create_custom_field_mappings(app)
    list(current_search.put_index_templates(ignore=[400]))


@pytest.fixture()
def empty_search(search, search_indices):
    """Indices emptied after the test (the ``cdtd`` mappings kept)."""
    yield search
    search_indices.empty()


@pytest.fixture(scope="module")
def running_app(app, database, location, vocabularies, custom_fields):
    """The app with database, files location, vocabularies and custom fields."""
    return app


@pytest.fixture()
def researcher(UserFixture, app, db):
    """A registered, active researcher who deposits data."""
    u = UserFixture(email="researcher@test.example.org", password="Researcher-Test-2026")
    u.create(app, db)
    return u


@pytest.fixture()
def researcher_token(researcher, db):
    """Authorization headers with a personal API token of the researcher."""
    return token_headers(researcher, db)


@pytest.fixture()
def curator(UserFixture, app, db):
    """A data-centre curator (CD-TD Art. 11)."""
    return user_with_role(UserFixture, app, db, "curator@test.example.org", roles.CURATOR)


@pytest.fixture()
def reviewer(UserFixture, app, db):
    """A confidentiality reviewer (CD-TD Art. 24)."""
    return user_with_role(UserFixture, app, db, "reviewer@test.example.org",
                          roles.CONFIDENTIALITY_REVIEWER)


@pytest.fixture()
def curator_token(curator, db):
    """API token headers of the curator."""
    return token_headers(curator, db)


@pytest.fixture()
def reviewer_token(reviewer, db):
    """API token headers of the confidentiality reviewer."""
    return token_headers(reviewer, db)


def account_fixtures(name, email, doc, password=None, role=None):
    """Two fixtures: ``name``, a registered account (holding ``role`` if given, with
    ``user_with_role``'s password), and ``<name>_token``, its API token headers."""

    def account(UserFixture, app, db):
        if role:
            return user_with_role(UserFixture, app, db, email, role)
        return registered_user(UserFixture, app, db, email, password)

    def token(request, db):
        return token_headers(request.getfixturevalue(name), db)

    account.__doc__ = doc
    token.__doc__ = f"API token headers of ``{name}``."
    return pytest.fixture(name=name)(account), pytest.fixture(name=f"{name}_token")(token)


company, company_token = account_fixtures(
    "company", "company@test.example.org",
    "A registered company user, no role (an applicant from outside).",
    password="Company-Test-2026")
bureau, bureau_token = account_fixtures(
    "bureau", "bureau@test.example.org",
    "A tech-bureau administrator (CD-TD Art. 7; escalations go there).", role=roles.BUREAU)


@pytest.fixture(scope="session")
def datacite_standin():
    """A stand-in of DataCite's REST API on 127.0.0.1 (DOIs without network)."""
    server = DataCiteStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def datacite_config(datacite_standin):
    """Settings that turn DataCite on, its client talking to the stand-in
    (``app_config`` of the identifier and format tests)."""
    return {
        "DATACITE_ENABLED": True,
        "DATACITE_PREFIX": DATACITE_PREFIX,
        "DATACITE_USERNAME": datacite_standin.username,
        "DATACITE_PASSWORD": datacite_standin.password,
        "DATACITE_TEST_MODE": False,
        "DATACITE_URL": datacite_standin.url,
        "DATACITE_FORMAT": "{prefix}/{id}",
        "TECHDATA_CSTR_AGENCY_CODE": "12345",
    }


@pytest.fixture()
def city_centre(running_app, db):
    """The city data centre community, as set-up creates it."""
    slug = ensure_city_centre()
    current_communities.service.indexer.refresh()
    return current_communities.service.read(system_identity, slug)


@pytest.fixture()
def workflow(client, researcher_token, curator_token, reviewer_token, city_centre):
    """Deposit → data-centre review → confidentiality review, all over REST."""
    return Workflow(client, researcher_token, curator_token, reviewer_token, city_centre.id)


@pytest.fixture(scope="module")
def datasets(running_app, UserFixture, database):
    """A conditional dataset with a file and an open one, published through the reviews."""
    owner = UserFixture(email="provider-owner@test.example.org", password="Owner-Test-2026")
    owner.create(running_app, database)
    token = Token.create_personal("acc", owner.id, scopes=[], is_internal=False)
    database.session.commit()
    headers = {"Authorization": f"Bearer {token.access_token}"}
    client = running_app.test_client()
    flow = make_workflow(running_app, database, client, headers, tag="acc")

    draft = flow.create(deposit(files=True, **CONDITIONAL))
    upload(client, headers, draft["id"])
    review = flow.submit(draft["id"])
    flow.accept(review["id"])
    current_requests_service.indexer.refresh()
    flow.pass_review(flow.confidentiality_request(draft["id"])["id"])
    opened = flow.publish(deposit())
    return {"conditional": draft["id"], "open": opened["id"], "flow": flow,
            "owner_headers": headers}
