"""Fixtures of the identifier tests: DataCite on, pointed at a local stand-in."""

import pytest

from tests.identifiers.datacite_standin import DataCiteStandIn

PREFIX = "10.99999"
"""The DOI prefix of the tests."""


@pytest.fixture(scope="session")
def datacite_standin():
    """The stand-in DataCite REST API on 127.0.0.1 (no network needed)."""
    server = DataCiteStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_config(app_config, datacite_standin):
    """DataCite enabled, its client talking to the stand-in."""
    app_config.update(
        DATACITE_ENABLED=True,
        DATACITE_PREFIX=PREFIX,
        DATACITE_USERNAME=datacite_standin.username,
        DATACITE_PASSWORD=datacite_standin.password,
        DATACITE_TEST_MODE=False,
        DATACITE_URL=datacite_standin.url,
        DATACITE_FORMAT="{prefix}/{id}",
        TECHDATA_CSTR_AGENCY_CODE="12345",
    )
    return app_config


@pytest.fixture()
def standin(datacite_standin):
    """The stand-in, emptied for the test."""
    datacite_standin.reset()
    yield datacite_standin
    datacite_standin.reset()
