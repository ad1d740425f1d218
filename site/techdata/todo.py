"""我的待办 (My tasks, issue 13): what waits for the logged-in person, across roles.

A tab of InvenioRDM's user dashboard (``/me/tasks``, beside uploads,
communities and requests; Flask-Menu ``dashboard``): the reviews to decide
(CD-TD Art. 11, 24), the requests from outside to answer, the person's own
applications returned for information, and the directory releases to check
or publish, each with its due date, the working days left (Chinese working
days) and overdue ones in red, each linking to its page.

Like :mod:`techdata.navigation`, this module composes the features' services
(review, access, directory releases) for one page; no feature imports it.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app, g, render_template, url_for
from flask_login import current_user, login_required
from flask_menu import current_menu
from invenio_base.signals import app_loaded
from invenio_users_resources.proxies import current_user_resources

from .directory.proxies import current_release_service
from .kernel.i18n import _
from .kernel.labels import REQUEST_TYPE_LABELS
from .kernel.roles import has_role
from .kernel.time import today
from .navigation import REVIEWERS, status_label
from .review.proxies import current_review_service
from .workdays import working_days

DASHBOARD_ITEM = "tasks"
"""The name of our tab in InvenioRDM's user dashboard menu."""

AUDIENCE_LABELS = {"open": _("Open directory release"),
                   "resource": _("Resource directory release")}
"""Labels of the two directory releases (CD-TD Art. 7, 27)."""


@dataclass
class Task:
    """One thing that waits: what it is, its label, its page and its clock."""

    kind: str
    type_label: str
    title: str
    status: str
    url: str
    due_date: str = None
    days_left: int = None
    overdue: bool = False

    @property
    def sort_key(self):
        """Overdue first, then the nearest due date; those without one last."""
        return (not self.overdue, self.due_date or "9999-12-31", self.title)


def _days_left(due_date, on=None):
    """Chinese working days from today to ``due_date`` (ISO; negative when past), or None."""
    if not due_date:
        return None
    try:
        due = date.fromisoformat(str(due_date)[:10])
    except ValueError:
        return None
    return working_days().working_days_between(on or today(), due)


def _access_service():
    """The access service, None in an app without it (as the header)."""
    return getattr(current_app.extensions.get("techdata"), "access_service", None)


def review_tasks(identity):
    """Deposit and confidentiality reviews ``identity`` may decide."""
    if not has_role(identity, *REVIEWERS):
        return []
    return [Task(kind="review", type_label=str(REQUEST_TYPE_LABELS.get(r["type"], r["type"])),
                 title=r["title"], status=status_label(r["status"]),
                 url=url_for("techdata_review.decision_page", request_id=r["id"]),
                 due_date=r.get("due_date"), days_left=_days_left(r.get("due_date")),
                 overdue=bool(r.get("overdue")))
            for r in current_review_service.queue(identity)]


def access_tasks(identity):
    """Requests from outside to answer, and the person's applications returned to him."""
    service = _access_service()
    if service is None or not service.can(identity, "list"):
        return []
    out = []
    for which, wanted in (("inbox", "submitted"), ("mine", "returned")):
        for r in service.list(identity, which):
            if r.get("status") != wanted:
                continue
            out.append(Task(
                kind="answer" if which == "inbox" else "returned",
                type_label=str(REQUEST_TYPE_LABELS.get(r["type"], r["type"])),
                title=r["title"], status=status_label(r["status"]),
                url=url_for("techdata_access.request_page", request_id=r["id"]),
                due_date=r.get("due_date"),
                days_left=r.get("days_left") if which == "inbox" else None,
                overdue=bool(r.get("overdue")) and which == "inbox"))
    return out


def release_tasks(identity):
    """Directory releases waiting for ``identity``: to review (in review) or publish (approved)."""
    can_review = current_release_service.can(identity, "review")
    can_manage = current_release_service.can(identity, "manage")
    out = []
    for audience in ("open", "resource"):
        draft = current_release_service.current_draft(audience)
        status = getattr(draft, "status", None)
        if (status == "in_review" and can_review) or (status == "approved" and can_manage):
            out.append(Task(kind="release", type_label=str(AUDIENCE_LABELS[audience]),
                            title=str(_("Check the release") if status == "in_review"
                                      else _("Publish the release")),
                            status=status_label(status),
                            url=url_for("techdata_directory_releases.manage")))
    return out


SOURCES = (review_tasks, access_tasks, release_tasks)
"""Where tasks come from, in the order of the page's sections."""


def tasks_of(identity):
    """Everything waiting for ``identity``, overdue first, then by due date."""
    tasks = []
    for source in SOURCES:
        try:
            tasks += source(identity)
        except Exception:  # noqa: BLE001  (one failing source never hides the others)
            current_app.logger.exception("my tasks: %s failed", source.__name__)
    return sorted(tasks, key=lambda t: t.sort_key)


@login_required
def tasks_page():
    """The "My tasks" tab of the user dashboard."""
    avatar = current_user_resources.users_service.links_item_tpl.expand(
        g.identity, current_user)["avatar"]
    return render_template("techdata/tasks.html", tasks=tasks_of(g.identity), user_avatar=avatar)


def register_dashboard_tab(app):
    """Our tab in InvenioRDM's user dashboard (after uploads, communities, requests)."""
    if "menu" not in app.extensions or "techdata.tasks_page" not in app.view_functions:
        return
    with app.app_context():
        current_menu.submenu("dashboard").submenu(DASHBOARD_ITEM).register(
            endpoint="techdata.tasks_page", text=_("My tasks"), order=0,
            visible_when=lambda: current_user.is_authenticated)


def on_app_loaded(sender, app=None, **kwargs):
    """Register the tab once the UI app is loaded (its menu and views exist then)."""
    if app is not None and "techdata" in app.extensions:
        register_dashboard_tab(app)


def register_page(bp):
    """Add the page to the site blueprint ``bp`` (``techdata``); the tab once the app is loaded."""
    bp.add_url_rule("/me/tasks", endpoint="tasks_page", view_func=tasks_page)
    app_loaded.connect(on_app_loaded)
