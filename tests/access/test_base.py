"""The clocked request base: submit starts, return pauses, resubmit resumes, a decision stops.

A small probe type (registered only in this test module) uses the base as
every request type from outside does; the request is read back through the
standard ``/api/requests/<id>`` so ``due_date`` is checked where clients see it.
"""

from datetime import date

import pytest
from invenio_access.permissions import system_identity
from invenio_requests.proxies import current_requests_service
from marshmallow import ValidationError

from techdata.access import clock
from techdata.access.base import ClockedDecisionAction, ClockedRequestType, execute_clocked
from tests.helpers import token_headers


class ProbeAnswer(ClockedDecisionAction):
    """A decision without data (like confirming a correction)."""


class ClockedProbe(ClockedRequestType):
    """A request type on the base, as D's and C's types are."""

    type_id = "clocked-probe"
    name = "Clocked probe"
    deadline_key = "conditional-access"
    available_actions = {**ClockedRequestType.available_actions, "accept": ProbeAnswer}


def _apps(app):
    """The UI app and the REST app mounted under /api (each has its own registry)."""
    wsgi = app.wsgi_app
    while not hasattr(wsgi, "mounts"):
        wsgi = wsgi.app
    return [app, wsgi.mounts["/api"]]


@pytest.fixture()
def probe(running_app, researcher, curator):
    """A probe request from the researcher to the curator, created (not submitted)."""
    for flask_app in _apps(running_app):
        flask_app.extensions["invenio-requests"].request_type_registry.register_type(
            ClockedProbe(), force=True)
    item = current_requests_service.create(
        researcher.identity, {"title": "探针 probe", "payload": {}}, ClockedProbe(),
        receiver=curator.user, creator=researcher.user,
    )
    return item.id


def _read(client, headers, request_id):
    """The request as ``/api/requests/<id>`` returns it."""
    res = client.get(f"/api/requests/{request_id}", headers=headers)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def test_clock_follows_the_actions(client, probe, researcher, curator, db):
    """Submit 30 Sep 2026 → due 27 Oct; return 12 Oct pauses (4 used); resubmit 2 Nov → 17 Nov."""
    applicant, provider = token_headers(researcher, db), token_headers(curator, db)

    execute_clocked(researcher.identity, probe, "submit", on=date(2026, 9, 30))
    body = _read(client, applicant, probe)
    assert body["status"] == "submitted"
    assert body["payload"]["due_date"] == "2026-10-27"  # across National Day week
    assert body["payload"]["clock"] == clock.RUNNING

    # A bare return (no comment saying what is missing) is refused, nothing changes.
    res = client.post(f"/api/requests/{probe}/actions/return", headers=provider)
    assert res.status_code == 400, res.get_json()
    assert "/" in str(res.get_json())  # "中文 / English"
    assert _read(client, applicant, probe)["status"] == "submitted"

    # The applicant cannot return their own request.
    res = client.post(f"/api/requests/{probe}/actions/return", headers=applicant)
    assert res.status_code == 403

    execute_clocked(curator.identity, probe, "return", comment="请补充用途说明 / state the purpose",
                    on=date(2026, 10, 12))
    body = _read(client, applicant, probe)
    assert body["status"] == "returned"
    assert body["payload"]["clock"] == clock.PAUSED
    assert body["payload"]["days_used"] == 4  # 8, 9, 10 (调休), 12 Oct
    assert body["payload"]["returns"][0]["comment"].startswith("请补充")
    # The provider cannot decide while the request waits on the applicant.
    with pytest.raises(ValidationError):
        execute_clocked(curator.identity, probe, "accept")

    execute_clocked(researcher.identity, probe, "submit", on=date(2026, 11, 2))
    body = _read(client, applicant, probe)
    assert body["status"] == "submitted"
    assert body["payload"]["clock"] == clock.RUNNING
    assert body["payload"]["due_date"] == "2026-11-17"  # 11 working days left
    assert body["payload"]["pauses"] == [["2026-10-12", "2026-11-02"]]

    execute_clocked(curator.identity, probe, "accept", on=date(2026, 11, 5))
    body = _read(client, provider, probe)
    assert body["status"] == "accepted"
    assert body["payload"]["clock"] == clock.STOPPED
    assert body["payload"]["answered_on"] == "2026-11-05"
    assert body["payload"]["decided_by"] == curator.id
    assert body["payload"]["due_date"] == "2026-11-17"

    # The same request's timeline keeps the return comment and the resubmission.
    res = client.get(f"/api/requests/{probe}/timeline", headers=applicant)
    texts = str(res.get_json()["hits"]["hits"])
    assert "请补充用途说明" in texts and "resubmitted" in texts


def test_bare_rest_submit_starts_the_clock_today(client, probe, researcher, db):
    """Submitting through the standard REST action starts the clock from today."""
    from techdata.kernel.time import today
    from techdata.workdays import working_days

    applicant = token_headers(researcher, db)
    res = client.post(f"/api/requests/{probe}/actions/submit", headers=applicant)
    assert res.status_code == 200, res.get_json()
    payload = _read(client, applicant, probe)["payload"]
    assert payload["received_on"] == today().isoformat()
    assert payload["due_date"] == working_days().add_working_days(today(), 15).isoformat()


def test_cancel_stops_the_clock(client, probe, researcher, curator, db):
    """The applicant withdraws: cancelled, clock stopped, history kept."""
    execute_clocked(researcher.identity, probe, "submit", on=date(2026, 9, 30))
    execute_clocked(researcher.identity, probe, "cancel", on=date(2026, 10, 9))
    body = _read(client, token_headers(curator, db), probe)
    assert body["status"] == "cancelled"
    assert body["payload"]["clock"] == clock.STOPPED
    assert not clock.is_overdue(body["payload"], on=date(2026, 12, 1))


def test_system_identity_reads_everything(probe):
    """Sanity: the request exists for the system (lists run as the system)."""
    assert current_requests_service.read(system_identity, probe).data["type"] == "clocked-probe"
