"""Fixtures of the bench tests: the bench's HTTP layer over Flask's test client."""

import time

import pytest
from invenio_communities.proxies import current_communities
from invenio_rdm_records.proxies import current_rdm_records_service as records
from invenio_requests.proxies import current_requests_service

from techdata.kernel.roles import ensure_roles
from techdata.review.centres import ensure_city_centre


class FlaskHttp:
    """``techdata.bench.measure.Http`` over a Flask test client (same answers)."""

    def __init__(self, client):
        """Wrap ``client``."""
        self.client = client
        self.last_byte_at = None

    def call(self, method, path, headers=None, json=None, data=None, params=None):
        """One request; returns ``(status, parsed JSON or None, body bytes)``."""
        if hasattr(data, "read"):
            data = data.read()
        res = self.client.open(path, method=method, headers=headers or {}, json=json,
                               data=data, query_string=params, follow_redirects=True)
        return res.status_code, res.get_json(silent=True), res.data

    def stream(self, path, headers=None, chunk=1 << 20):
        """GET ``path``; returns (status, bytes received). The response is closed after its
        body, as a WSGI server does once the last byte is sent (``last_byte_at``): what the
        server does on close (a download's audit message) comes after that moment."""
        with self.client.get(path, headers=headers or {}) as res:
            n = len(res.data)
            self.last_byte_at = time.perf_counter()
            return res.status_code, n


def refresh_indices():
    """What a server's refresh interval does: make new documents searchable."""
    records.indexer.refresh()
    current_requests_service.indexer.refresh()


@pytest.fixture()
def bench_http(client):
    """The bench's HTTP layer on the test app."""
    return FlaskHttp(client)


@pytest.fixture()
def bench_actors(researcher_token, curator_token, reviewer_token):
    """Depositor, curator and reviewer headers, as the bench's tokens give them."""
    return {"depositor": researcher_token, "curator": curator_token,
            "reviewer": reviewer_token}


@pytest.fixture()
def city_centre_for_import(running_app, db):
    """Roles, then the city centre (its curators are a role), as set-up makes them."""
    ensure_roles()
    db.session.commit()
    ensure_city_centre()
    current_communities.service.indexer.refresh()
