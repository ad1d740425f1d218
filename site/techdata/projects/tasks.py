"""Overdue projects (CD-TD Art. 27; QY Art. 32): one digest per person, not a flood.

The digest is the notification ``projects-overdue-digest`` (``notify.py``),
one per person with that person's list.
"""

from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_cache import current_cache

from ..kernel.notifications import send
from ..kernel.roles import BUREAU, ENTITY_ADMIN, role_emails
from ..kernel.time import today
from .notify import OverdueDigest
from .proxies import current_projects_service

DIGEST_ROLES = (BUREAU, ENTITY_ADMIN)
"""Administrators who get every overdue digest besides the PIs (CD-TD Art. 27)."""


def overdue_projects(on=None):
    """Projects due before ``on`` (today) that are neither accepted, terminated nor deposited."""
    return current_projects_service.overdue(system_identity, on or today())


def _admins():
    """E-mails of the bureau and entity administrators."""
    return role_emails(DIGEST_ROLES)


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
    for project in projects:
        pi = (project.get("pi") or {}).get("email")
        if pi:
            by_person[pi].append(project)
        for email in admins:
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
