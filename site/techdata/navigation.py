"""Navigation (issue 13): every duty reached by clicking from the front page.

- The header menu (Flask-Menu ``main``, also the mobile burger menu) shows each
  logged-in person the pages of their roles, with the number of what waits
  for them: projects, the review queue, requests from outside, the directory
  upkeep and release management; the directories for everyone.
- InvenioRDM's community request page (数据中心 → 请求 → one request) answers
  nothing for request types it does not know (ours); such a request is shown
  with the page InvenioRDM uses at ``/me/requests/<id>``, which carries our
  banner and the links to our answer forms.
- Template globals that turn codes into labels (request status, vocabulary
  terms) for our pages.

Everything is registered when the app is fully loaded (``invenio_base``'s
``app_loaded`` signal): the menu extension and InvenioRDM's views exist then.
"""

import hashlib
from functools import wraps

from flask import current_app, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_menu import current_menu
from flask_principal import PermissionDenied
from invenio_base.signals import app_loaded
from invenio_db import db
from invenio_records_resources.references import EntityGrant
from invenio_records_resources.services.base.config import FromConfigSearchOptions
from invenio_requests.proxies import current_requests_service
from invenio_requests.records.api import Request
from invenio_requests.records.models import RequestMetadata
from invenio_requests.services.requests.config import UserRequestSearchOptions
from invenio_requests.services.requests.params import SharedOrMyRequestsParam
from invenio_search.engine import dsl

from .directory.proxies import current_directory_service, current_release_service
from .evaluation.proxies import current_evaluation_service
from .kernel.errors import DomainError
from .kernel.i18n import _
from .kernel.labels import REQUEST_TYPE_LABELS, term_labels
from .kernel.roles import (
    ADMIN,
    AUDIT_ROLES,
    BUREAU,
    CONFIDENTIALITY_REVIEWER,
    CURATOR,
    PROGRAM_MANAGER,
    has_role,
)
from .review.proxies import current_review_service

COMMUNITY_REQUEST_ENDPOINT = "invenio_app_rdm_requests.community_dashboard_request_view"
"""InvenioRDM's page of one request in a community's dashboard."""

USER_REQUEST_ENDPOINT = "invenio_app_rdm_requests.user_dashboard_request_view"
"""InvenioRDM's page of one request in the user's dashboard (``/me/requests/<id>``)."""

REVIEWERS = (CURATOR, CONFIDENTIALITY_REVIEWER, ADMIN)
"""Who works the review queue (CD-TD Art. 11, 24)."""

MANAGERS = (PROGRAM_MANAGER, BUREAU, ADMIN)
"""Who manages every project (CD-TD Art. 15, 27)."""

REQUEST_STATUS_LABELS = {
    "created": _("Draft"),
    "submitted": _("Submitted"),
    "accepted": _("Accepted (request)"),
    "declined": _("Declined"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired"),
    "returned": _("Returned for changes"),
    "quoted": _("Quoted"),
    "delivered": _("Delivered"),
    "pending-acceptance": _("Awaiting acceptance"),
    "draft": _("Draft"),
    "in_review": _("In review"),
    "approved": _("Approved"),
    "published": _("Published"),
    "pending": _("Pending"),
    "passed": _("Passed"),
    "failed": _("Failed"),
}
"""Labels of the statuses our pages show (requests, projects, releases)."""



def status_label(status):
    """The label of a status code (the code itself when it has none)."""
    label = REQUEST_STATUS_LABELS.get(status)
    return str(label) if label is not None else (status or "")


def request_type_label(type_id):
    """The label of a request type id (the id itself when it has none)."""
    if isinstance(type_id, dict):
        type_id = type_id.get("type_id") or type_id.get("id")
    label = REQUEST_TYPE_LABELS.get(type_id)
    return str(label) if label is not None else (type_id or "")


def term_label(field, value):
    """The label of a vocabulary term of the ``cdtd:<field>`` custom field, in the reader's language.

    ``value`` is an id or a term dict ``{"id", "title"?}``; an unknown id is shown as is.
    """
    id_ = value.get("id") if isinstance(value, dict) else value
    if not id_:
        return ""
    try:
        found = term_labels(field, id_)
    except KeyError:  # not a vocabulary field
        return id_
    if not found:
        return id_
    zh, en = found
    return zh if str(get_locale() or "zh").startswith("zh") else en


def _access_service():
    """The access service (``techdata.access``), None while an app has none.

    Read from the extension rather than ``access.proxies`` so the header works
    in an app built without it (the service landed with issue 15).
    """
    return getattr(current_app.extensions.get("techdata"), "access_service", None)


# -- who sees which item -------------------------------------------------------------------


def _identity():
    return getattr(g, "identity", None)


def _logged_in():
    return current_user.is_authenticated


def _cached(key, compute):
    """``compute()`` once per request (the header renders many times on some pages)."""
    cache = request.environ.setdefault("techdata.navigation", {})  # per request, not per g
    if key not in cache:
        try:
            cache[key] = compute()
        except Exception:  # noqa: BLE001  (a failing count never breaks the header)
            current_app.logger.exception("navigation: %s failed", key)
            cache[key] = None
    return cache[key]


def is_reviewer():
    """Curators and confidentiality reviewers (the review queue)."""
    return _logged_in() and has_role(_identity(), *REVIEWERS)


def is_government():
    """Roles that read the resource directory (CD-TD Art. 7)."""
    return _logged_in() and bool(_cached(
        "resource", lambda: current_directory_service.can(_identity(), "read_resource")))


def is_bureau():
    """The tech bureau (directory upkeep and plan)."""
    return _logged_in() and bool(_cached(
        "upkeep", lambda: current_directory_service.can(_identity(), "upkeep")))


def reads_release_drafts():
    """Government roles that see a draft directory release (bureau, reviewers)."""
    return _logged_in() and bool(_cached(
        "drafts", lambda: current_release_service.can(_identity(), "read_drafts")))


def is_access_bureau():
    """The bureau's list of all requests from outside."""
    service = _access_service()
    return _logged_in() and service is not None and bool(_cached(
        "bureau_list", lambda: service.can(_identity(), "bureau_list")))


def evaluates():
    """The bureau, department and entity admins: the evaluation pages (issue 19)."""
    return _logged_in() and bool(_cached(
        "evaluation", lambda: current_evaluation_service.may_evaluate(_identity())))


def administers_entities():
    """The bureau, department admins and entities' data admins: the entity pages (issue 18)."""
    service = getattr(current_app.extensions.get("techdata"), "entities_service", None)
    return _logged_in() and service is not None and bool(_cached(
        "entities", lambda: service.administers(_identity())))


def pending_members():
    """Memberships waiting for the current user's verification (CD-TD Art. 8; LZ Art. 9)."""
    service = getattr(current_app.extensions.get("techdata"), "entities_service", None)
    return _cached("members", lambda: len(service.pending_for(_identity())) if service else None)


def reads_audit():
    """The bureau, auditors and administrators: the audit trail (LZ Art. 21, 40; issue 16)."""
    return _logged_in() and has_role(_identity(), *AUDIT_ROLES)


def review_count():
    """Open reviews the current user may decide."""
    return _cached("reviews", lambda: len(current_review_service.queue(_identity())))


def inbox_count():
    """Open requests from outside that wait for the current user's answer."""
    def count():
        service = _access_service()
        if service is None:
            return None
        rows = service.list(_identity(), "inbox")
        return sum(1 for r in rows if r.get("status") == "submitted")
    return _cached("inbox", count)


def waiting_releases():
    """Directory releases (drafts) that wait for the current user (review or publish)."""
    def count():
        waiting = 0
        can_review = current_release_service.can(_identity(), "review")
        can_manage = current_release_service.can(_identity(), "manage")
        for audience in ("open", "resource"):
            draft = current_release_service.current_draft(audience)
            status = getattr(draft, "status", None)
            if (status == "in_review" and can_review) or (status == "approved" and can_manage):
                waiting += 1
        return waiting
    return _cached("releases", count)


def _with_count(text, count_fn):
    """A menu text with a count badge when something waits (callable: rendered per request)."""
    class Text:
        def __str__(self):
            count = count_fn() if _logged_in() else None
            label = str(text)
            if count:
                return f'{label} <span class="ui mini label" data-count="{count}">{count}</span>'
            return label

        def __html__(self):
            return str(self)

    return Text()


MENU = (
    # name, endpoint, text, order, visible_when, count
    ("techdata_directory", "techdata_directory.open_directory", _("Directories"), 20,
     None, None),
    ("techdata_projects", "techdata_projects_ui.project_list", _("Projects"), 21,
     _logged_in, None),
    ("techdata_review", "techdata_review.queue_page", _("Review queue"), 22,
     is_reviewer, review_count),
    ("techdata_access_inbox", "techdata_access.list_page", _("Requests to answer"), 23,
     _logged_in, inbox_count),
    ("techdata_access_mine", "techdata_access.list_page", _("My applications"), 24,
     _logged_in, None),
    ("techdata_access_bureau", "techdata_access.list_page", _("All requests from outside"), 25,
     is_access_bureau, None),
    ("techdata_upkeep", "techdata_directory.upkeep_page", _("Directory upkeep"), 26,
     is_bureau, None),
    ("techdata_releases", "techdata_directory_releases.manage", _("Directory releases"), 27,
     reads_release_drafts, waiting_releases),
    ("techdata_evaluation", "techdata_evaluation_ui.evaluation_page", _("Evaluation"), 28,
     evaluates, None),
    ("techdata_entities", "techdata_entities_ui.entity_list", _("Entities"), 29,
     administers_entities, pending_members),
    ("techdata_audit", "techdata_audit_ui.audit_search", _("Audit trail"), 30, reads_audit,
     None),
)
"""The header items: what each role reaches from every page."""

TOP_LEVEL = frozenset({"techdata_directory", "techdata_projects", "techdata_access_mine"})
"""Header items shown in the bar itself (what everyone logged in has); every other item of
:data:`MENU` goes into the "My work" dropdown, so a role with many duties (the bureau, an
administrator) keeps the header on one line at 1280 px (issue 13)."""

DUTIES = "techdata_duties"
"""The header's dropdown of role items (``main.techdata_duties``)."""

MENU_ARGS = {
    "techdata_access_inbox": {"which": "inbox"},
    "techdata_access_mine": {"which": "mine"},
    "techdata_access_bureau": {"which": "bureau"},
}


def duties_waiting():
    """What waits in the "My work" dropdown: the sum of its visible items' counts."""
    total = 0
    for name, _endpoint, _text, _order, visible, count in MENU:
        if name in TOP_LEVEL or count is None or (visible is not None and not visible()):
            continue
        total += count() or 0
    return total


def register_menu():
    """Register the header items (in an app context of the UI app).

    :data:`TOP_LEVEL` items in the bar; the others as children of :data:`DUTIES`,
    which the header template (``techdata/header.html``) shows as a dropdown, with
    the sum of their counts on its toggle.
    """
    main = current_menu.submenu("main")
    duties = main.submenu(DUTIES)
    duties.register(text=_with_count(_("My work"), duties_waiting), order=25,
                    visible_when=lambda: _logged_in() and duties.has_visible_child())
    for name, endpoint, text, order, visible, count in MENU:
        if endpoint not in current_app.view_functions:
            continue
        args = MENU_ARGS.get(name)
        (main if name in TOP_LEVEL else duties).submenu(name).register(
            endpoint=endpoint,
            text=_with_count(text, count) if count else text,
            order=order,
            visible_when=visible or (lambda: True),
            endpoint_arguments_constructor=(lambda a=args: a) if args else None,
        )


# -- InvenioRDM's community request page for our request types -------------------------------


def community_request_view(original, user_view):
    """``original`` (the community request page), or ``user_view`` when it answers nothing.

    InvenioRDM's view renders only the request types it knows and returns None
    (a 500) for the others; the user-dashboard view renders any request with our
    type's templates (banner, links to the decision and answer forms).
    """
    @wraps(original)
    def view(**kwargs):
        response = original(**kwargs)
        if response is None:
            return user_view(request_pid_value=kwargs["request_pid_value"])
        return response

    view.techdata_wrapped = True
    return view


def user_request_view(original):
    """``original`` (``/me/requests/<id>``), or a page of its own when the topic is not readable.

    InvenioRDM's view reads the request's record with the viewer's identity and
    fails (a 500) when he may read the request but not the record, e.g. the
    applicant for a not-opened dataset (CD-TD Art. 18, 24). Then the page says
    so and links the request's page of ours, which shows only what he may see.
    """
    @wraps(original)
    def view(**kwargs):
        try:
            return original(**kwargs)
        except PermissionDenied:
            rid = kwargs["request_pid_value"]
            return render_template("techdata/request_elsewhere.html", request_id=rid)

    view.techdata_wrapped = True
    return view


# -- the header inbox and the request lists' buttons ----------------------------------------


class InboxRequestsParam(SharedOrMyRequestsParam):
    """"My requests" of ``/me/requests`` (the header inbox) with what waits for the user's answer.

    InvenioRDM lists there only requests the user created or receives as a
    user; a curator, whose deposit reviews are received by his data centre
    (a community), and a confidentiality reviewer, whose reviews are received
    by a role, saw "All done!" while reviews waited. Requests whose receiver
    grants one of the user's needs (community role, role, user) are his too.
    """

    def _generate_my_requests_query(self, identity):
        """Created by the user, or received by him, his community role or his role."""
        grants = [EntityGrant("receiver", need).token for need in identity.provides
                  if need.method != "system_role"]
        mine = super()._generate_my_requests_query(identity)
        return dsl.Q("bool", should=[mine, dsl.Q("terms", grants=grants)])


class InboxSearchOptions(UserRequestSearchOptions):
    """The user-dashboard request search, with :class:`InboxRequestsParam`."""

    params_interpreters_cls = [
        InboxRequestsParam if p is SharedOrMyRequestsParam else p
        for p in UserRequestSearchOptions.params_interpreters_cls
    ]


FORM_ONLY_ACTIONS = frozenset(REQUEST_TYPE_LABELS) - {"community-submission"}
"""Request types whose decisions are taken on our forms, with their payloads.

Accepting a deposit records its grading (CD-TD Art. 11), a confidentiality
review its checklist (CD-TD Art. 24), an answer to a request from outside its
terms: InvenioRDM's bare Accept / Decline buttons (request lists and request
page) answered "A validation error occurred." and hid our reason. They stay
offered; the REST action answers (400) with a bilingual message that names
the rule and the decision form's address, which InvenioRDM's dialog shows
(:func:`refuse_bare_decision`).
"""

BARE_DECISIONS = ("accept", "decline")
"""InvenioRDM's decision buttons (a receiver's Accept / Decline); the creator's submit and
cancel stay InvenioRDM's own."""

OFFERED_ACTIONS = BARE_DECISIONS + ("cancel",)
"""Actions of those types offered as InvenioRDM buttons: the decisions (which answer where
they are taken) and the creator's withdrawal; others (a deposit review's ``return``, the
access types' answers) only on our forms, with what they record."""


class OfferedActionLinks:
    """The ``actions`` links of a request, without the actions taken on our forms only."""

    def __init__(self, inner):
        """Wrap InvenioRDM's ``ActionsEndpointLinks``."""
        self._inner = inner

    def should_render(self, obj, context):
        """Always (an empty dict at least), as upstream."""
        return True

    def expand(self, obj, context):
        """Upstream's links, minus the form-only actions of our types."""
        links = self._inner.expand(obj, context)
        if getattr(obj.type, "type_id", None) in FORM_ONLY_ACTIONS:
            links = {a: link for a, link in links.items() if a in OFFERED_ACTIONS}
        return links


REVIEW_ARTICLES = {"deposit-review": "CD-TD Art. 11", "confidentiality-review": "CD-TD Art. 24"}
"""The article a review's decision form records (the review pages, ``/review/<id>``)."""

ACTION_ENDPOINT = "requests.execute_action"
"""InvenioRDM's REST action (``POST /api/requests/<id>/actions/<action>``)."""


def bare_decision_message(type_id, request_id):
    """Where a request of ``type_id`` is decided instead, and why (lazy msgid)."""
    label = REQUEST_TYPE_LABELS[type_id]
    if type_id in REVIEW_ARTICLES:
        return _("This request (%(type)s) is decided on its decision form, which records "
                 "what the rules require (%(article)s): %(url)s", type=label,
                 article=REVIEW_ARTICLES[type_id], url=f"/review/{request_id}")
    return _("This request (%(type)s) is answered on its request page, which records the "
             "terms or the reasons: %(url)s", type=label, url=f"/access/request/{request_id}")


def refuse_bare_decision():
    """``before_request`` of the API: a bare decision of a form-only type is refused with a message.

    InvenioRDM's buttons post ``accept`` / ``decline`` without what our rules
    record; the answer's ``message`` (shown in InvenioRDM's dialog, in both
    languages) says where the decision is taken. Our services run the actions
    in Python, never through this route.
    """
    if request.endpoint != ACTION_ENDPOINT:
        return None
    action = (request.view_args or {}).get("action")
    request_id = (request.view_args or {}).get("id")
    if action not in BARE_DECISIONS or request_id is None:
        return None
    row = db.session.get(RequestMetadata, request_id)
    type_id = (row.json or {}).get("type") if row is not None else None
    if type_id not in FORM_ONLY_ACTIONS:
        return None
    if not current_requests_service.check_permission(
            g.identity, f"action_{action}", request=Request(row.json, model=row)):
        return None  # InvenioRDM answers (403) whoever may not decide it
    raise DomainError(400, bare_decision_message(type_id, request_id))


def customise_requests_service(app):
    """The requests service of ``app``: our inbox search and action links (issue 13)."""
    config = app.extensions["invenio-requests"].requests_service.config
    built = type(config)  # the app's own subclass (``ConfiguratorMixin.build``)
    if getattr(built, "techdata_customised", False):
        return
    built.search_user_requests = FromConfigSearchOptions(
        "REQUESTS_SEARCH", "REQUESTS_SORT_OPTIONS", "REQUESTS_FACETS",
        search_option_cls=InboxSearchOptions)
    built.links_item = {**config.links_item,
                        "actions": OfferedActionLinks(config.links_item["actions"])}
    built.techdata_customised = True


def on_app_loaded(sender, app=None, **kwargs):
    """Finish an app: the requests service (UI and API); the header and request pages (UI)."""
    if app is None or "techdata" not in app.extensions:
        return
    if "invenio-requests" in app.extensions:
        customise_requests_service(app)  # the API app answers the inbox's search
    if "menu" not in app.extensions:
        return
    views = app.view_functions
    if COMMUNITY_REQUEST_ENDPOINT in views and USER_REQUEST_ENDPOINT in views and not getattr(
            views[COMMUNITY_REQUEST_ENDPOINT], "techdata_wrapped", False):
        views[USER_REQUEST_ENDPOINT] = user_request_view(views[USER_REQUEST_ENDPOINT])
        views[COMMUNITY_REQUEST_ENDPOINT] = community_request_view(
            views[COMMUNITY_REQUEST_ENDPOINT], views[USER_REQUEST_ENDPOINT])
    with app.app_context():
        register_menu()


def ascii_etag(response):
    """An ETag header in ASCII (``after_request``; issue 13: avatar 500 on every page).

    InvenioRDM's user avatar (``/api/users/<id>/avatar.svg``) uses the
    initials of the name as its ETag; a Chinese name (李研究员) stays
    non-ASCII after its accent-stripping, and gunicorn refuses the header:
    a 500 on every page showing a logged-in user. Such an ETag is replaced
    by a hash of it (the same name gives the same tag).
    """
    etag = response.headers.get("ETag")
    if etag and not etag.isascii():
        digest = hashlib.sha256(etag.encode("utf-8")).hexdigest()[:32]
        response.headers["ETag"] = f'"{digest}"'
    return response


def init_app(app):
    """Register the label template globals; the rest when the app is loaded."""
    app.after_request(ascii_etag)
    app.before_request(refuse_bare_decision)
    app.add_template_global(status_label, "techdata_status_label")
    app.add_template_global(request_type_label, "techdata_request_type_label")
    app.add_template_global(term_label, "techdata_term_label")
    app_loaded.connect(on_app_loaded)
