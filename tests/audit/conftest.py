"""Fixtures of the audit-trail tests (issue 16): an auditor, a clean trail."""

import pytest
from invenio_access.permissions import system_identity
from invenio_audit_logs.proxies import current_audit_logs_service
from invenio_search import current_search, current_search_client
from invenio_search.utils import build_alias_name

from techdata.kernel import roles
from tests.helpers import token_headers, user_with_role


@pytest.fixture(scope="module")
def audit_app(app, database):
    """The app with the index templates (the trail's data stream), a fresh trail index."""
    list(current_search.put_index_templates(ignore=[400]))
    current_search_client.indices.delete_data_stream(
        name=build_alias_name("auditlog") + "*", ignore=[404])
    return app


@pytest.fixture()
def auditor(UserFixture, app, db):
    """A holder of the read-only auditor role (LZ Art. 21, 40)."""
    return user_with_role(UserFixture, app, db, "auditor@test.example.org", roles.AUDITOR,
                          password="Auditor-Test-2026")


@pytest.fixture()
def auditor_token(auditor, db):
    """API token headers of the auditor."""
    return token_headers(auditor, db)


def refresh_trail():
    """Make the trail's new entries searchable."""
    current_search_client.indices.refresh(index=build_alias_name("auditlog"),
                                          ignore_unavailable=True)


def trail(resource_id=None, action=None):
    """Entries of the trail (search, system identity), newest first."""
    refresh_trail()
    terms = []
    if resource_id:
        terms.append(f'resource.id:"{resource_id}"')
    if action:
        terms.append(f'action:"{action}"')
    result = current_audit_logs_service.search(
        system_identity, params={"q": " AND ".join(terms), "size": 100})
    return list(result.hits)
