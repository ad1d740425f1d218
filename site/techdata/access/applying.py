"""The one filing path of every request type from outside: prepare, create, submit.

``file_request(identity, type_id, data)`` finds the type in invenio-requests'
type registry, lets it check the applicant's data and say what to store
(``ClockedRequestType.prepare``: payload, receiver, topic, title; bilingual
400s, nothing stored on bad input), refuses a second open request where the
type allows one per applicant and dataset, creates the request and submits
it, which starts its working-day clock (``base.ClockedSubmitAction``).
"""

from invenio_records_resources.services.uow import UnitOfWork
from invenio_requests.proxies import current_request_type_registry, current_requests_service
from invenio_requests.records.models import RequestMetadata

from ..kernel.i18n import _, bilingual
from . import registry
from .base import execute_clocked, get_clocked
from .common import json_object, refuse


def request_type(type_id):
    """The request type instance of ``type_id`` (one of the registry's)."""
    if not registry.is_access_type(type_id):
        refuse(_("No such request type."), "type")
    return current_request_type_registry.lookup(type_id)


def refuse_duplicate(type_id, record, identity):
    """One open request of a type per applicant and dataset."""
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == type_id,
        RequestMetadata.json["status"].as_string().in_(["submitted", "returned"]),
        RequestMetadata.json["topic"]["record"].as_string() == record.pid.pid_value,
        RequestMetadata.json["created_by"]["user"].as_string() == str(identity.id),
    ).count()
    if rows:
        refuse(_("You already have an open request for this dataset."), "record")


def file_request(identity, type_id, data, on=None):
    """File a request of ``type_id`` for ``identity`` and submit it; returns the result item.

    ``on`` moves the clock's start to another day (tests, imports).
    """
    type_ = request_type(type_id)
    filing = type_.prepare(identity, json_object(data), on=on)
    if filing.one_open_per_record and filing.topic is not None:
        refuse_duplicate(type_id, filing.topic, identity)
    with UnitOfWork() as uow:
        item = current_requests_service.create(
            identity, {"title": filing.title[:250], "payload": filing.payload}, type_,
            receiver=filing.receiver, topic=filing.topic, uow=uow,
        )
        uow.commit()
    return execute_clocked(identity, item.id, "submit", on=on)


def answer_return(identity, request_id, data, comment=None, on=None):
    """The applicant answers a return: updated application, resubmitted (clock resumes)."""
    request = get_clocked(request_id)
    if request.status != "returned":
        refuse(_("Only a returned request can be answered and resubmitted."), "request")
    current_requests_service.require_permission(identity, "action_submit", request=request)
    request["payload"] = request.type.reapply(request, json_object(data or {}))
    request.commit()
    return execute_clocked(identity, request.id, "submit",
                           comment=comment or bilingual(_("More information given.")), on=on)
