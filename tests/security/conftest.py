"""Fixtures of the security suite (issue 20)."""

import pytest


def api_app(app):
    """The REST app mounted under ``/api`` (it has its own URL map and hooks)."""
    wsgi = app.wsgi_app
    while not hasattr(wsgi, "mounts"):
        wsgi = wsgi.app
    return wsgi.mounts["/api"]


@pytest.fixture()
def bureau(UserFixture, app, db):
    """A tech-bureau administrator (creates data centres, CD-TD Art. 10)."""
    from invenio_accounts.proxies import current_datastore

    from techdata.kernel.roles import BUREAU, ensure_roles

    ensure_roles()
    user = UserFixture(email="bureau@test.example.org", password="Bureau-Test-2026")
    user.create(app, db)
    current_datastore.add_role_to_user(user.user, BUREAU)
    db.session.commit()
    return user


@pytest.fixture()
def bureau_token(bureau, db):
    """API token headers of the bureau administrator."""
    from invenio_oauth2server.models import Token

    token = Token.create_personal("test", bureau.id, scopes=[], is_internal=False)
    db.session.commit()
    return {"Authorization": f"Bearer {token.access_token}"}


@pytest.fixture()
def stored_counts(db):
    """Rows of our tables and of InvenioRDM's records, drafts, requests, communities."""
    from sqlalchemy import text

    def counts():
        tables = [t for t in db.metadata.tables if t.startswith("techdata_")] + [
            "rdm_records_metadata", "rdm_drafts_metadata", "request_metadata",
            "communities_metadata", "files_object",
        ]
        return {t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                for t in sorted(tables)}

    return counts
