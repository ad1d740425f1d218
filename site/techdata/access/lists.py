"""Lists of requests from outside: a provider's inbox, "my requests", the bureau's list.

Every row shows the due date (Chinese working days), the working days left,
whether it is overdue and the clock's state; finished requests (granted,
refused, expired, withdrawn) stay listed with their whole history (DOMAIN
"Requests and their deadlines"). The bureau list filters by type, providing
entity, status and overdue, and exports to XLSX.
"""

import io

from flask import current_app
from flask_principal import PermissionDenied
from invenio_accounts.models import User
from invenio_db import db
from invenio_communities.communities.records.models import CommunityMetadata
from invenio_records_resources.services.errors import PermissionDeniedError
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from openpyxl import Workbook
from sqlalchemy import or_

from ..kernel.i18n import _
from ..kernel.people import user_display_name
from ..kernel.roles import BUREAU_ROLES, has_role
from ..kernel.scopes import DATA_ADMIN, ENTITY, scopes_of
from . import clock
from .generators import PROVIDER_TYPES, records_of_entities
from .receivers import PROVIDER_ROLES
from .registry import TYPE_IDS

STATUS_LABELS = {
    "created": "草稿 Draft",
    "submitted": "待答复 Awaiting answer",
    "returned": "待补充 Returned for information",
    "accepted": "已同意 Granted/answered",
    "declined": "已拒绝 Refused",
    "cancelled": "已撤回 Withdrawn",
    "expired": "已到期 Expired",
    "quoted": "已报价待交付 Quoted, awaiting delivery",
    "delivered": "已交付 Delivered",
}
"""Bilingual status labels (stored text, shown as is in both languages)."""

OPEN_STATUSES = ("submitted", "returned", "quoted")
"""Statuses of requests still in progress (``quoted``: a data service waiting for delivery)."""

CLOCK_LABELS = {clock.RUNNING: "计时中 running", clock.PAUSED: "暂停 paused",
                clock.STOPPED: "已停止 stopped"}
"""Bilingual clock-state labels."""

COLUMNS = [
    ("id", _("Request")), ("type", _("Type")), ("title", _("Title")),
    ("status", _("Status")), ("applicant", _("Applicant")), ("entity", _("Providing entity")),
    ("received_on", _("Received")), ("due_date", _("Due date")),
    ("days_left", _("Working days left")), ("overdue", _("Overdue")),
    ("clock", _("Clock")), ("answered_on", _("Answered")),
]
"""Columns of the lists and of the XLSX export."""


class Names:
    """Display names of users and communities, looked up once per list."""

    def __init__(self):
        """Empty caches."""
        self.users, self.communities = {}, {}

    def user(self, user_id):
        """A user's name and organisation (e-mail address only when the profile has no name)."""
        if user_id not in self.users:
            user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
            self.users[user_id] = user_display_name(user) if user else str(user_id)
        return self.users[user_id]

    def entity(self, ref):
        """A receiver: a community's title, a user's name, a role's name."""
        ref = ref or {}
        if "community" in ref:
            cid = ref["community"]
            if cid not in self.communities:
                row = db.session.get(CommunityMetadata, cid)
                self.communities[cid] = ((row.json or {}).get("metadata", {}).get("title")
                                         if row else cid)
            return self.communities[cid]
        if "user" in ref:
            return self.user(ref["user"])
        return next(iter(ref.values()), "")


def row_of(model, names, on=None):
    """One list row of a request (``RequestMetadata``)."""
    doc = model.json
    payload = doc.get("payload") or {}
    left = clock.working_days_left(payload, on=on) if payload.get("clock") == clock.RUNNING else None
    return {
        "id": str(model.id),
        "number": doc.get("number"),
        "type": doc.get("type"),
        "title": doc.get("title", ""),
        "status": doc.get("status"),
        "status_label": STATUS_LABELS.get(doc.get("status"), doc.get("status")),
        "applicant": names.user((doc.get("created_by") or {}).get("user", "")),
        "entity": names.entity(doc.get("receiver")),
        "receiver": doc.get("receiver") or {},
        "record": (doc.get("topic") or {}).get("record"),
        "received_on": payload.get("received_on"),
        "due_date": payload.get("due_date"),
        "days_left": left,
        "overdue": clock.is_overdue(payload, on=on),
        "clock": payload.get("clock"),
        "clock_label": CLOCK_LABELS.get(payload.get("clock"), ""),
        "answered_on": payload.get("answered_on"),
        "term_end": ((payload.get("grant") or {}).get("term_end")),
    }


def _rows(query_filters=()):
    """Request rows of the six types (plus extra SQL filters), newest first."""
    q = RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string().in_(TYPE_IDS),
        RequestMetadata.json["status"].as_string() != "deleted",
        *query_filters,
    ).order_by(RequestMetadata.created.desc())
    return q.limit(current_app.config.get("TECHDATA_ACCESS_LIST_PAGE_SIZE", 200) * 5).all()


def _sorted(rows):
    """Overdue first, then open ones by due date, then finished ones (newest first)."""
    open_ = [r for r in rows if r["status"] in OPEN_STATUSES]
    done = [r for r in rows if r["status"] not in OPEN_STATUSES]
    open_.sort(key=lambda r: (not r["overdue"], r["due_date"] or "9999-12-31"))
    limit = current_app.config.get("TECHDATA_ACCESS_LIST_PAGE_SIZE", 200)
    return (open_ + done)[:limit]


def _addressed_to(identity):
    """SQL filter: requests that may be addressed to ``identity`` as a provider (issue 18).

    Those whose receiver is a data centre it curates (owner, manager, curator), itself or
    a group, and those of the provider's types about the datasets of the entities where it
    is a verified data admin. The requests policy then decides each row.
    """
    receiver = RequestMetadata.json["receiver"]
    communities = sorted({str(n.value) for n in identity.provides
                          if n.method == "community"
                          and getattr(n, "role", None) in PROVIDER_ROLES})
    clauses = [receiver["user"].as_string() == str(identity.id),
               receiver["group"].as_string().isnot(None)]
    if communities:
        clauses.append(receiver["community"].as_string().in_(communities))
    recids = records_of_entities(scopes_of(identity, ENTITY, DATA_ADMIN))
    if recids:
        clauses.append(RequestMetadata.json["type"].as_string().in_(PROVIDER_TYPES)
                       & RequestMetadata.json["topic"]["record"].as_string().in_(recids))
    return or_(*clauses)


def provider_inbox(identity, on=None):
    """Requests addressed to ``identity`` as providing entity, across its datasets.

    Scoped (issue 18; CD-TD Art. 9): the requests addressed to the data centres the user
    curates and to the entities where he is a verified data admin, no other; the bureau's
    whole view is :func:`bureau_list`.
    """
    names, out = Names(), []
    for model in _rows([_addressed_to(identity)]):
        request = Request(model.json, model=model)
        try:
            current_requests_service.require_permission(identity, "action_return", request=request)
        except PermissionDeniedError:
            continue
        if str((model.json.get("created_by") or {}).get("user")) == str(identity.id):
            continue  # one's own applications are in "my requests"
        out.append(row_of(model, names, on))
    return _sorted(out)


def my_requests(identity, on=None):
    """The requests ``identity`` made (the applicant's list)."""
    names = Names()
    rows = _rows([RequestMetadata.json["created_by"]["user"].as_string() == str(identity.id)])
    return _sorted([row_of(m, names, on) for m in rows])


def is_bureau(identity):
    """True if ``identity`` holds a bureau role."""
    return has_role(identity, *BUREAU_ROLES)


def bureau_list(identity, type_=None, entity=None, status=None, overdue=None, on=None):
    """Every request from outside, filtered; bureau administrators only."""
    if not is_bureau(identity):
        raise PermissionDenied()
    filters = []
    if type_:
        filters.append(RequestMetadata.json["type"].as_string() == type_)
    if status:
        filters.append(RequestMetadata.json["status"].as_string() == status)
    names = Names()
    rows = [row_of(m, names, on) for m in _rows(filters)]
    if entity:
        rows = [r for r in rows if entity in [str(v) for v in r["receiver"].values()]
                or entity == r["entity"]]
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] == overdue]
    return _sorted(rows)


def to_xlsx(rows):
    """The rows as an XLSX workbook (bytes), bilingual headers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "requests"
    ws.append([str(label) for _key, label in COLUMNS])
    for r in rows:
        values = []
        for key, _label in COLUMNS:
            value = r.get(key)
            if key == "status":
                value = r["status_label"]
            elif key == "clock":
                value = r["clock_label"]
            elif key == "overdue":
                value = "是 yes" if value else "否 no"
            values.append("" if value is None else value)
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
