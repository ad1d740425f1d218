"""Fixtures of the identifier tests: DataCite on, pointed at a local stand-in."""

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, datacite_config):
    """DataCite enabled, its client talking to the stand-in (``tests/conftest.py``)."""
    app_config.update(datacite_config)
    return app_config


@pytest.fixture()
def standin(datacite_standin):
    """The stand-in, emptied for the test."""
    datacite_standin.reset()
    yield datacite_standin
    datacite_standin.reset()
