"""Fixtures of the deposit-certificate tests: a signing key in a temporary folder."""

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, tmp_path_factory):
    """Both apps (UI and API) sign with a key created in a temporary folder."""
    folder = tmp_path_factory.mktemp("certificate-key")
    app_config["TECHDATA_CERTIFICATE_KEY_PATH"] = str(folder / "signing-key.pem")
    return app_config


PROJECT = {
    "number": "2024YFS0001",
    "title_zh": "成都平原土壤与水环境监测",
    "title_en": "Soil and water monitoring of the Chengdu plain",
    "lead_entity": "四川大学",
    "pi": "researcher@example.org",
}

DATASETS = [
    {"recid": "abcde-12345", "title": "土壤监测数据 2024", "doi": "10.1234/cdtd.abcde-12345",
     "cstr": "CSTR:12345.11.cdtd.2024-000001",
     "files": [{"key": "soil.csv", "checksum": "md5:0cc175b9c0f1b6a831c399e269772661"},
               {"key": "README.txt", "checksum": "md5:92eb5ffee6ae2fec3ad71c777531578f"}]},
    {"recid": "fghij-67890", "title": "水质监测数据", "doi": None, "cstr": None,
     "files": [{"key": "water.xlsx", "checksum": "md5:4a8a08f09d37b73795649038408b5f33"}]},
]


@pytest.fixture()
def certificate(app, db):
    """A certificate issued for the demo-like project above."""
    from techdata.certificates.api import issue_certificate

    return issue_certificate(PROJECT, DATASETS, issued_by="1")
