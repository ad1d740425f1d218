"""The CSTR resolver does not reveal not-opened records (issue 20; CD-TD Art. 18, 24).

A 不予开放 record's metadata is for authorised roles only, and CSTRs run in
sequence: to someone who may not read the record, its CSTR answers exactly
like an unknown one (404, no record id); an authorised reader is redirected
as before. Bad input is a 400, never a 500.
"""

import pytest
from invenio_access.permissions import any_user, authenticated_user
from invenio_access.utils import get_identity
from invenio_accounts.proxies import current_datastore

from techdata.identifiers.views import resolve
from tests.helpers import deposit
from tests.identifiers.test_identifiers import NOT_OPENED, _cstr

UNKNOWN = "CSTR:12345.11.cdtd.1999-999999"
"""A well-formed CSTR nobody has."""


def _user(UserFixture, app, db, email, role=None):
    """A logged-in-able user, with ``role`` if given."""
    user = UserFixture(email=email, password="Resolver-Test-2026")
    user.create(app, db)
    if role:
        current_datastore.add_role_to_user(user.user, role)
    db.session.commit()
    return user


def _answer(client, cstr, accept="application/json"):
    """``(status, location, body)`` of ``/cstr/<cstr>``."""
    res = client.get(f"/cstr/{cstr}", headers={"Accept": accept})
    return res.status_code, res.headers.get("Location", ""), res.get_data(as_text=True)


def test_not_opened_cstr_answers_outsiders_like_an_unknown_one(
        running_app, app, client, workflow, standin, UserFixture, db):
    """Anonymous and plain accounts get the unknown CSTR's 404; the bureau is redirected."""
    rec = workflow.publish(deposit(**NOT_OPENED))
    cstr = _cstr(rec)
    company = _user(UserFixture, app, db, "resolver-company@test.example.org")
    _user(UserFixture, app, db, "resolver-bureau@test.example.org", "bureau-admin")

    for who in (None, company):
        if who is not None:
            who.login(client)
        for accept in ("application/json", "text/html"):
            status, location, body = _answer(client, cstr, accept)
            assert status == 404, (who, accept, status, location)
            assert rec["id"] not in location and rec["id"] not in body
            unknown_status, _loc, unknown_body = _answer(client, UNKNOWN, accept)
            assert unknown_status == 404
            if accept == "application/json":
                # the same answer, but for the identifier echoed back
                assert body.replace(cstr, "X") == unknown_body.replace(UNKNOWN, "X")
        if who is not None:
            who.logout(client)

    # An authorised reader (the bureau reads not-opened metadata) is led to the record.
    from invenio_accounts.models import User

    identity = get_identity(User.query.filter_by(email="resolver-bureau@test.example.org").one())
    identity.provides.update({any_user, authenticated_user})
    assert resolve(identity, cstr) == rec["id"]


@pytest.mark.parametrize("path", [
    "%00",
    "CSTR:12345.11.cdtd.2026-000001%00",
    "CSTR:12345.11.%00",
    "%ED%A0%80",
    "12345.11.%C0%AF",
    pytest.param("CSTR:" + "9" * 5000, id="huge"),
    "CSTR:12345.11.cdtd.2026-000001/../../records",
    "%E2%80%AE",
])
def test_bad_cstrs_are_a_400_or_404(running_app, client, path):
    """NUL bytes, invalid UTF-8, lone surrogates, huge input: a clean 400/404."""
    for accept in ("application/json", "text/html"):
        res = client.get(f"/cstr/{path}", headers={"Accept": accept})
        assert res.status_code in (400, 404), (path, accept, res.status_code)
        assert "\x00" not in res.get_data(as_text=True)
