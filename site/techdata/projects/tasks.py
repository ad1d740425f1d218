"""Overdue projects (CD-TD Art. 27; QY Art. 32): one digest per person, not a flood.

The digest is the notification ``projects-overdue-digest`` (``notify.py``),
one per person with that person's list. Who (issue 18): the PI, the bureau
(every project), the admins of the project's competent department and the
verified data admins of its lead entity and the managers of its programme (their
projects only).
"""

from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_cache import current_cache

from ..kernel.notifications import send
from invenio_accounts.models import User

from ..entities.proxies import current_entities_service
from ..kernel.roles import BUREAU, role_emails
from ..kernel.scopes import DATA_ADMIN
from ..kernel.time import today
from .notify import OverdueDigest
from .proxies import current_projects_service

DIGEST_ROLES = (BUREAU,)
"""Administrators who get every overdue digest besides the PIs (CD-TD Art. 27)."""


def overdue_projects(on=None):
    """Projects due before ``on`` (today) that are neither accepted, terminated nor deposited."""
    return current_projects_service.overdue(system_identity, on or today())


def _admins():
    """E-mails of the bureau (every overdue project)."""
    return role_emails(DIGEST_ROLES)


def _emails(user_ids):
    """E-mails of the active accounts ``user_ids``."""
    ids = [int(u) for u in set(user_ids)]
    if not ids:
        return []
    return sorted(u.email for u in User.query.filter(User.id.in_(ids), User.active.is_(True)))


def scoped_recipients(project, cache=None):
    """E-mails of the admins whose scope holds ``project`` (issue 18; CD-TD Art. 8-9): its
    competent department's admins, its lead entity's verified data admins and its
    programme's managers."""
    cache = {} if cache is None else cache
    out = []
    program = project.get("program")
    if program:
        key = ("program", program)
        if key not in cache:
            cache[key] = _emails(current_entities_service.program_managers(program))
        out += cache[key]
    department, entity = project.get("department"), project.get("lead_entity")
    if department:
        key = ("department", department)
        if key not in cache:
            cache[key] = _emails(current_entities_service.department_admins(department))
        out += cache[key]
    if entity:
        key = ("entity", entity)
        if key not in cache:
            try:
                members = current_entities_service.members(entity, status="verified")
            except Exception:  # noqa: BLE001  (a lead entity not (yet) an entity record)
                members = []
            cache[key] = _emails(m["user_id"] for m in members if m["role"] == DATA_ADMIN)
        out += cache[key]
    return out


@shared_task(ignore_result=True)
def send_overdue_digest():
    """Send each PI, and the administrators, one list of their overdue projects.

    Runs daily from Celery beat; a person gets at most one digest every
    ``TECHDATA_PROJECT_OVERDUE_DIGEST_DAYS`` days (remembered per recipient in
    the cache), whatever the number of projects.
    """
    projects = overdue_projects()
    by_person = defaultdict(list)
    admins = _admins()
    scoped = {}
    for project in projects:
        pi = (project.get("pi") or {}).get("email")
        people = set(admins) | set(scoped_recipients(project, scoped))
        if pi:
            people.add(pi)
        for email in people:
            by_person[email].append(project)
    every = timedelta(days=current_app.config["TECHDATA_PROJECT_OVERDUE_DIGEST_DAYS"])
    sent = []
    for email, items in sorted(by_person.items()):
        key = f"techdata:overdue-digest:{email}"
        if current_cache.get(key):
            continue
        send(OverdueDigest.build(email, items))
        current_cache.set(key, True, timeout=int(every.total_seconds()))
        sent.append(email)
    return sent
