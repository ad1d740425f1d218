"""Shared set-up of the tests of opening applications, appeals, corrections, services.

The test modules import these helpers by name; the people are fixtures of
``tests/access/conftest.py``.
People: a company applicant (no role), another company, the city centre's
curator (the provider of its records), a confidentiality reviewer, the
bureau and the expert committee.
"""

from datetime import date, timedelta

from invenio_requests.records.api import Request

from techdata.access.base import execute_clocked
from techdata.kernel.time import today
from techdata.review.workflow import acting_as
from tests.helpers import deposit

NOT_OPENED = dict(opening_type={"id": "none"},
                  opening_reason="含未脱敏的样点坐标 / unmasked sampling coordinates",
                  opening_legal_basis="《成都市科技数据管理实施办法》第十八条 / CD-TD Art. 18")
"""Custom fields of a 不予开放 deposit."""

CONDITIONAL = dict(opening_type={"id": "conditional"},
                   opening_reason="数据量大且需持续获取 / large and continuously updated",
                   opening_legal_basis="泸州市公共数据管理办法第二十五条 / LZ Art. 25")
"""Custom fields of a 有条件开放 deposit."""


def who(user):
    """The identity of ``user`` with its roles and community roles, as when logged in."""
    from invenio_access.permissions import authenticated_user
    from invenio_access.utils import get_identity
    from invenio_accounts.models import User
    # by e-mail: a refused action rolls the session back and detaches fixture users
    identity = get_identity(User.query.filter_by(email=user.email).one())
    identity.provides.add(authenticated_user)
    return acting_as(identity)


def act(user, request_id, action, data=None, comment=None, on=None):
    """``user`` runs ``action`` on a request from outside (the service path)."""
    return execute_clocked(who(user), request_id, action, data=data, comment=comment, on=on)


def reload(request_id):
    """The request as stored now."""
    return Request.get_record(request_id)


def set_due(request_id, due):
    """Move a request's due date (as if it had been received earlier)."""
    from invenio_db import db

    req = Request.get_record(request_id)
    req["payload"] = {**req["payload"], "due_date": due.isoformat()}
    req.commit()
    db.session.commit()


def working_days_ago(n):
    """The day ``n`` working days before today."""
    from techdata.workdays import working_days

    cal, day = working_days(), today()
    while cal.working_days_between(day, today()) < n:
        day -= timedelta(days=1)
    return day


__all__ = ("who", "act",
           "reload", "set_due", "working_days_ago", "deposit", "NOT_OPENED", "CONDITIONAL",
           "date", "today", "timedelta")
