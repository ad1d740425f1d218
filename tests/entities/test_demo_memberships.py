"""Demo data (issue 18): the demo entity admin, researcher and company are verified members."""

from invenio_access.permissions import system_identity
from invenio_accounts.models import User

from techdata.demo.entities import COMPANY_ENTITY, ensure_demo_entities
from techdata.demo.loader import ensure_users
from techdata.demo.projects import DEMO_PROJECT
from techdata.entities.proxies import current_entities_service as service
from techdata.kernel.roles import ensure_roles
from techdata.kernel.scopes import DATA_ADMIN, ENTITY, MEMBER, PROGRAM, scopes_of

from .conftest import identity_of


def test_demo_memberships_are_verified_and_idempotent(running_app, db, UserFixture):
    users = {}
    for email in ("entity@example.org", "researcher@example.org", "company@example.org"):
        fixture = UserFixture(email=email, password="Demo-Test-2026")
        fixture.create(running_app, db)
        users[email] = User.query.filter_by(email=email).one()
    assert ensure_demo_entities(users) == 3
    assert ensure_demo_entities(users) == 0
    code = COMPANY_ENTITY["credit_code"]
    assert service.read_entity(system_identity, code)["name_zh"] == "成都某科技有限公司"
    admin = identity_of(users["entity@example.org"])
    assert scopes_of(admin, ENTITY, DATA_ADMIN) == {"cdut"}
    assert scopes_of(identity_of(users["company@example.org"]), ENTITY, MEMBER) == {code}
    assert scopes_of(identity_of(users["researcher@example.org"]), ENTITY) == {"cdut"}



def test_demo_program_manager_runs_the_demo_projects_programme(running_app, db):
    """CD-TD Art. 8-9: the demo manager is scoped to 重点研发计划 (the demo project's); again: no
    second assignment."""
    ensure_roles()
    users = ensure_users()
    ensure_users()
    manager = users["manager@example.org"]
    assert service.programs_of(manager.id) == [DEMO_PROJECT["program"]] == ["重点研发计划"]
    assert scopes_of(identity_of(manager), PROGRAM) == {"重点研发计划"}
