"""Parallel duplicate decisions: the losing one is a 409, not a 500 (issue 20).

Two curators (or one double click) decide the same review at once; the
request's version changed between reading and writing it, so SQLAlchemy
raises ``StaleDataError`` for the second. It must be answered 409 with a
bilingual message, store nothing, and leave the review as the winner left it.
"""

from invenio_requests.records.api import Request
from sqlalchemy import text

from tests.helpers import deposit


def _bump_version_once(monkeypatch, db, request_id):
    """Make the next read of ``request_id`` stale: another transaction wrote it meanwhile."""
    original = Request.get_record.__func__
    done = []

    def get_record(cls, id_, *args, **kwargs):
        record = original(cls, id_, *args, **kwargs)
        if str(id_) == request_id and not done:
            done.append(True)
            db.session.execute(
                text("UPDATE request_metadata SET version_id = version_id + 1 WHERE id = :id"),
                {"id": request_id},
            )
        return record

    monkeypatch.setattr(Request, "get_record", classmethod(get_record))


def test_losing_parallel_deposit_decision_is_a_409(running_app, client, workflow, monkeypatch, db):
    """The stale decision: 409, bilingual, nothing stored; a retry then works."""
    review = workflow.submit(workflow.create(deposit())["id"])
    _bump_version_once(monkeypatch, db, review["id"])
    res = workflow.decide(review["id"], workflow.curator, decision="return",
                          comment="请补充元数据 / please complete the metadata")
    assert res.status_code == 409, res.get_data(as_text=True)[:500]
    body = res.get_json()
    assert body["status"] == 409 and " / " in body["message"], body
    assert "reload" in body["message"]
    monkeypatch.undo()

    db.session.expire_all()
    assert Request.get_record(review["id"]).status == "submitted"
    res = workflow.decide(review["id"], workflow.curator, decision="return",
                          comment="请补充元数据 / please complete the metadata")
    assert res.status_code == 200 and res.get_json()["status"] == "returned"


def test_losing_parallel_confidentiality_decision_is_a_409(
        running_app, client, workflow, monkeypatch, db):
    """The same for a confidentiality review: the record stays unopened."""
    from invenio_requests.proxies import current_requests_service

    recid = workflow.create(deposit())["id"]
    workflow.accept(workflow.submit(recid)["id"])
    current_requests_service.indexer.refresh()
    conf = workflow.confidentiality_request(recid)
    _bump_version_once(monkeypatch, db, conf["id"])
    res = workflow.decide(conf["id"], workflow.reviewer, decision="fail",
                          reasons="含个人信息 / personal information")
    assert res.status_code == 409, res.get_data(as_text=True)[:500]
    assert " / " in res.get_json()["message"]
    monkeypatch.undo()
    db.session.expire_all()
    assert Request.get_record(conf["id"]).status == "submitted"
    assert client.get(f"/api/records/{recid}").status_code == 404
