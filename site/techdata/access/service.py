"""The access service: file, answer, list and follow requests from outside.

Views parse, call this service and render; the rules live in the request
types (one module per type, rows of ``registry.py``), the one filing path
(``applying.file_request``) and the one action contract
(``base.execute_clocked``), which run InvenioRDM's unit of work and tell the
people concerned after the commit. Reached through
``proxies.current_access_service``.
"""

from flask_principal import PermissionDenied
from invenio_access.permissions import system_identity
from invenio_pidstore.errors import PIDDeletedError, PIDDoesNotExistError
from invenio_rdm_records.proxies import current_rdm_records_service as records_service
from invenio_records_permissions.generators import AnyUser, AuthenticatedUser, SystemProcess
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.customizations.actions import RequestActions
from invenio_requests.proxies import current_events_service, current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata

from ..kernel.errors import forbidden, not_found
from ..kernel.generators import DomainRoles
from ..kernel.roles import BUREAU_ROLES
from ..kernel.services import DomainPermissionPolicy, DomainService, DomainServiceConfig
from . import agreements, clock, lists, registry
from .applying import answer_return, file_request
from .base import execute_clocked, get_clocked
from .grants import active_grants, applicant_token, expire_grants
from .sharing import REFUSAL_BASES, ConditionalSharing


def open_requests(user_id, recid):
    """``{type_id: request id}`` of the user's open requests about the dataset ``recid``.

    The record page links them instead of offering a second application,
    which filing would refuse (one open request per type, applicant and dataset).
    """
    if not recid:
        return {}
    rows = RequestMetadata.query.filter(
        RequestMetadata.json["status"].as_string().in_(["submitted", "returned", "quoted"]),
        RequestMetadata.json["topic"]["record"].as_string() == str(recid),
        RequestMetadata.json["created_by"]["user"].as_string() == str(user_id),
    ).all()
    return {row.json["type"]: str(row.id) for row in rows
            if registry.is_access_type(row.json["type"])}


class AccessPermissionPolicy(DomainPermissionPolicy):
    """Who may use the access service (the requests' own policy decides each action)."""

    can_file = [AuthenticatedUser(), SystemProcess()]
    can_act = [AuthenticatedUser(), SystemProcess()]
    can_list = [AuthenticatedUser(), SystemProcess()]
    can_bureau_list = [DomainRoles(*BUREAU_ROLES), SystemProcess()]
    """The bureau follows every request from outside (CD-TD Art. 7; CD-PD Art. 26-28)."""
    can_read_agreement = [AnyUser(), SystemProcess()]
    can_set_agreement = [AuthenticatedUser(), SystemProcess()]
    """Then the record's own ``manage`` permission decides (``agreements.set_agreement``)."""


class AccessServiceConfig(DomainServiceConfig):
    """Config of the access service."""

    service_id = "techdata-access"
    permission_policy_cls = AccessPermissionPolicy


class AccessService(DomainService):
    """Requests from outside: filing, actions, pages' data, lists, agreements."""

    #
    # Filing and acting
    #
    def file(self, identity, type_id, data, recid=None, on=None):
        """File a request of ``type_id`` (any of the registry's) and submit it."""
        self.require(identity, "file")
        if not registry.is_access_type(type_id):
            raise not_found()
        if recid is not None:
            data = {**dict(data or {}), "record": recid}
        return file_request(identity, type_id, data, on=on)

    def act(self, identity, request_id, action, data=None, on=None):
        """Run ``action`` with its data; ``data["comment"]`` goes to the timeline.

        A returned application of a type with an application form is answered
        with the changed fields (``applying.answer_return``); a refusal's
        ``reason`` is also its timeline comment.
        """
        self.require(identity, "act")
        data = dict(data or {})
        comment = (data.pop("comment", None) or "").strip() or None
        request = get_clocked(request_id)
        if (action == "submit" and request.status == "returned"
                and request.type.application_schema is not None):
            return answer_return(identity, request_id, data, comment=comment, on=on)
        if action == "refuse":
            comment = comment or data.get("reason")
        elif action == "grant" and comment:
            data["comment"] = comment
        return execute_clocked(identity, request_id, action, data=data, comment=comment, on=on)

    #
    # Pages
    #
    def readable_record(self, identity, recid):
        """The published record ``recid`` if ``identity`` may read it (404 / 403 as the record page)."""
        try:
            item = records_service.read(identity, recid)
        except (PIDDoesNotExistError, PIDDeletedError):
            raise not_found()
        except PermissionDenied:
            # RecordPermissionDeniedError (a restricted record) is a flask-principal
            # PermissionDenied, not a PermissionDeniedError of the services
            raise forbidden()
        except Exception:  # noqa: BLE001  (unpublished, withdrawn ...)
            raise not_found()
        return item._record

    def application_page(self, identity, recid, type_id):
        """What the application form of a dataset shows (its agreement for conditional access)."""
        self.require(identity, "file")
        record = self.readable_record(identity, recid)
        return {"record": record, "type_id": type_id,
                "agreement": agreements.current_agreement(record.parent.pid.pid_value),
                "restrictions": agreements.USE_RESTRICTIONS}

    def readable_request(self, identity, request_id):
        """A request from outside ``identity`` may read (404 / 403)."""
        try:
            request = Request.get_record(request_id)
        except Exception:  # noqa: BLE001  (unknown id)
            raise not_found()
        if not registry.is_access_type(request.type.type_id):
            raise not_found()
        try:
            current_requests_service.require_permission(identity, "read", request=request)
        except PermissionDeniedError:
            raise forbidden()
        return request

    def _may(self, identity, request, action):
        """True when ``identity`` may take ``action`` on ``request`` (policy only)."""
        try:
            current_requests_service.require_permission(identity, f"action_{action}",
                                                        request=request)
            return True
        except Exception:  # noqa: BLE001  (permission refused or unknown action)
            return False

    def answer_forms(self, identity, request):
        """The receiver's answer forms ``(action, title, fields)`` that ``identity`` may use now."""
        row = registry.REGISTRY.get(request.type.type_id)
        forms = []
        for action, title, fields in (row.answers if row else ()):
            if (RequestActions.get_action(request, action).can_execute()
                    and self._may(identity, request, action)):
                forms.append((action, title, fields))
        return forms

    def request_page(self, identity, request_id, user_id):
        """What the request page shows to ``identity`` (``user_id``: the viewer's account)."""
        request = self.readable_request(identity, request_id)
        row = registry.get(request.type.type_id)
        payload = request.get("payload") or {}
        is_applicant = str((request.created_by.reference_dict or {}).get("user")) == str(user_id)
        parent = payload.get("parent")
        return dict(
            req=request, payload=payload, granting=row.granting,
            status_label=lists.STATUS_LABELS.get(request.status, request.status),
            clock_label=lists.CLOCK_LABELS.get(payload.get("clock"), ""),
            days_left=lists.row_of(request.model, lists.Names())["days_left"],
            overdue=clock.is_overdue(payload),
            can_decide=(row.form is None and request.status == "submitted"
                        and self._may(identity, request, "return") and not is_applicant),
            answers=[] if is_applicant else self.answer_forms(identity, request),
            is_applicant=is_applicant,
            actions=list(request.type.available_actions),
            token=applicant_token(request, user_id) if request.status == "accepted" else None,
            restrictions=agreements.USE_RESTRICTIONS,
            # a refusal of sharing names its legal basis (CD-PD Art. 22; LZ Art. 17)
            refusal_bases=(REFUSAL_BASES if request.type.type_id == ConditionalSharing.type_id
                           else None),
            agreement=(agreements.agreement_version(parent, payload["agreement"]["version"])
                       if payload.get("agreement") and parent else None),
            current_agreement=agreements.current_agreement(parent) if parent else None,
            timeline=list(current_events_service.search(
                identity, request.id, params={"size": 100}).hits),
        )

    def answer_page(self, identity, request_id):
        """The receiver's answer forms of a request (403 when none is left to the caller)."""
        try:
            request = get_clocked(request_id)
        except Exception:  # noqa: BLE001  (unknown id or another kind of request)
            raise not_found()
        request = self.readable_request(identity, request.id)
        if not registry.get(request.type.type_id).answers:
            raise not_found()
        forms = self.answer_forms(identity, request)
        if not forms and request.status in ("submitted", "quoted"):
            raise forbidden()
        return {"req": request, "payload": request.get("payload") or {}, "forms": forms}

    def landing_panel(self, user_id, record_ui):
        """What the record page shows about conditional access (CD-PD Art. 30; LZ Art. 27)."""
        cf = (record_ui or {}).get("custom_fields") or {}
        parent = ((record_ui or {}).get("parent") or {}).get("id")
        return {
            "conditional": (cf.get("cdtd:opening_type") or {}).get("id") == "conditional",
            "shared_on_conditions": (cf.get("cdtd:sharing_type") or {}).get("id") == "conditional",
            "grants": active_grants(user_id, parent) if user_id and parent else [],
            "restrictions": agreements.USE_RESTRICTIONS,
            "recid": (record_ui or {}).get("id"),
            # "your open application" instead of "apply" (issue 13: no form filled in vain)
            "open": open_requests(user_id, (record_ui or {}).get("id")) if user_id else {},
        }

    #
    # Lists
    #
    def list(self, identity, which, type_=None, entity=None, status=None, overdue=None):
        """The provider's ``inbox``, the applicant's ``mine`` or the ``bureau`` list."""
        self.require(identity, "list")
        if which == "inbox":
            return lists.provider_inbox(identity)
        if which == "mine":
            return lists.my_requests(identity)
        self.require(identity, "bureau_list")
        return lists.bureau_list(identity, type_=type_, entity=entity, status=status,
                                 overdue=overdue)

    def late_answers(self, identity, on=None):
        """Requests from outside answered after their due date, or still unanswered past it.

        The rows of the bureau's list (newest first) whose clock stopped on a day
        after ``due_date`` or runs past it on ``on`` (CD-PD Art. 26-28, 34, 46;
        QY Art. 16, 32): what the register of violations proposes as late answers.
        """
        self.require(identity, "bureau_list")
        names, out = lists.Names(), []
        for model in RequestMetadata.query.filter(
                RequestMetadata.json["type"].as_string().in_(registry.TYPE_IDS),
                RequestMetadata.json["payload"]["due_date"].as_string().isnot(None)
        ).order_by(RequestMetadata.created.desc()):
            row = lists.row_of(model, names, on)
            answered = row["answered_on"]
            withdrawn = row["status"] == "cancelled"  # the applicant's act, not an answer
            if row["overdue"] or (answered and answered > row["due_date"] and not withdrawn):
                out.append(row)
        return out

    def xlsx(self, rows):
        """List rows as an XLSX workbook (bytes)."""
        return lists.to_xlsx(rows)

    #
    # Agreements
    #
    def agreement(self, identity, recid):
        """The dataset's current data-use agreement and its history."""
        self.require(identity, "read_agreement")
        record = agreements.published_record(recid)
        parent = record.parent.pid.pid_value
        return {"current": agreements.current_agreement(parent),
                "history": agreements.agreement_history(parent)}

    def set_agreement(self, identity, recid, data):
        """A new version of the dataset's agreement (its managers only; QY Art. 24)."""
        self.require(identity, "set_agreement")
        return agreements.set_agreement(identity, recid, data)

    #
    # Scheduled work
    #
    def expire_grants(self, on=None):
        """Withdraw every grant whose term ended (system)."""
        self.require(system_identity, "act")
        return expire_grants(on=on)
