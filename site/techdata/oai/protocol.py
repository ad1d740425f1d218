"""Protocol checks and status codes of ``/oai2d`` (OAI-PMH 2.0 §3.6).

invenio-oaiserver answers every error with HTTP 422 (harvesters take that for
a transport failure), a verb it does not know with ``badArgument`` when
other arguments come along, an unknown metadata prefix with ``badArgument``,
and ``from``/``until`` of different granularity with HTTP 500 (naive and
aware datetimes compared). ListMetadataFormats with ``identifier=`` listed
every format for any OAI identifier, also of a record GetRecord refuses
(not public); it now answers ``idDoesNotExist`` for an item a harvester
cannot get, as GetRecord does (§4.4). :func:`check_request` runs before its
view and answers those cases itself; :func:`protocol_status` turns its 422
into 200.
"""

from datetime import datetime

from flask import current_app, g, request
from flask_principal import AnonymousIdentity
from invenio_access.permissions import any_user
from invenio_oaiserver import response as oai_xml
from invenio_oaiserver.provider import OAIIDProvider
from invenio_oaiserver.proxies import current_oaiserver
from invenio_pidstore.errors import PIDDeletedError, PIDDoesNotExistError
from invenio_records_resources.services.errors import PermissionDenied
from invenio_rdm_records.services.errors import RecordDeletedException
from lxml import etree

ENDPOINT = "invenio_oaiserver.response"
"""The Flask endpoint of ``/oai2d``."""

VERBS = ("GetRecord", "Identify", "ListIdentifiers", "ListMetadataFormats",
         "ListRecords", "ListSets")
"""The six verbs of OAI-PMH 2.0 (§4)."""

PREFIX_VERBS = ("GetRecord", "ListIdentifiers", "ListRecords")
"""Verbs whose ``metadataPrefix`` names a format."""

GRANULARITIES = {"YYYY-MM-DD": "%Y-%m-%d", "YYYY-MM-DDThh:mm:ssZ": "%Y-%m-%dT%H:%M:%SZ"}
"""The two UTCdatetime granularities (§3.3.1)."""


def error_response(code, message):
    """An OAI-PMH error answer (HTTP 200, §3.6)."""
    body = etree.tostring(oai_xml.error([(code, message)]), xml_declaration=True,
                          encoding="UTF-8")
    return current_app.response_class(body, status=200, content_type="text/xml; charset=utf-8")


def granularity(value):
    """The granularity of a ``from``/``until`` value, or None if it is neither."""
    for name, fmt in GRANULARITIES.items():
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            continue
        return name
    return None


def harvestable(identifier):
    """Whether GetRecord would give the item ``identifier`` (an OAI identifier)."""
    if not identifier:
        return False
    if getattr(g, "identity", None) is None:
        # Not loaded yet (hook order): an anonymous harvester's identity, never more.
        g.identity = AnonymousIdentity()
        g.identity.provides.add(any_user)
    try:
        pid = OAIIDProvider.get(pid_value=identifier).pid
        current_oaiserver.record_fetcher(pid.object_uuid)
    except (PIDDoesNotExistError, PIDDeletedError, PermissionDenied,
            RecordDeletedException):
        return False
    return True


def check_request():
    """Answer the errors invenio-oaiserver gets wrong; None lets its view run."""
    if request.endpoint != ENDPOINT:
        return None
    values = request.values
    verb = values.get("verb")
    if verb not in VERBS or len(values.getlist("verb")) > 1:
        return error_response("badVerb", "Illegal or missing OAI-PMH verb.")
    repeated = [k for k in values if len(values.getlist(k)) > 1]
    if repeated:
        return error_response("badArgument", f"Repeated argument: {repeated[0]}.")
    prefix = values.get("metadataPrefix")
    if (verb in PREFIX_VERBS and prefix is not None and "resumptionToken" not in values
            and prefix not in current_app.config["OAISERVER_METADATA_FORMATS"]):
        return error_response("cannotDisseminateFormat",
                              f"The metadata format '{prefix}' is not supported.")
    if verb == "ListMetadataFormats" and "identifier" in values \
            and not harvestable(values["identifier"]):
        return error_response("idDoesNotExist",
                              "No item with this identifier can be disseminated.")
    if verb in ("ListIdentifiers", "ListRecords"):
        found = {}
        for key in ("from", "until"):
            if key in values:
                found[key] = granularity(values[key])
                if found[key] is None:
                    return error_response("badArgument",
                                          f"'{key}' is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")
        if len(set(found.values())) > 1:
            return error_response("badArgument", "'from' and 'until' differ in granularity.")
    return None


def protocol_status(response):
    """OAI-PMH errors with HTTP 200, not invenio-oaiserver's 422 (§3.6)."""
    if request.endpoint == ENDPOINT and response.status_code == 422:
        response.status_code = 200
    return response


def init_app(app):
    """Hook :func:`check_request` and :func:`protocol_status` on ``app``."""
    app.before_request(check_request)
    app.after_request(protocol_status)
