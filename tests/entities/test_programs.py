"""Programme assignments of program managers (issue 18; CD-TD Art. 8-9): REST, page, import,
and the ``program`` scope need they put on the identity."""

from techdata.entities.cli import entities_cli
from techdata.kernel import roles
from techdata.kernel.scopes import PROGRAM, scopes_of
from tests.helpers import user_with_role

from .conftest import identity_of
from .test_views import browser, get, post

API = "/api/program-managers"


def _pm(UserFixture, app, db, email):
    """A program manager without programme."""
    return user_with_role(UserFixture, app, db, email, roles.PROGRAM_MANAGER)


def test_bureau_assigns_programmes_by_rest(client, db, UserFixture, app, bureau_user, applicant,
                                           headers):
    pm = _pm(UserFixture, app, db, "prog-pm@test.example.org")
    assert scopes_of(identity_of(pm), PROGRAM) == set()
    h = headers(bureau_user)
    res = client.post(API, headers=h, json={"program": " 重点研发计划 ", "user": pm.email})
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["programs"] == ["重点研发计划"]
    res = client.post(API, headers=h, json={"program": "软科学研究计划", "user": pm.user.id})
    assert res.get_json()["programs"] == ["软科学研究计划", "重点研发计划"]
    assert scopes_of(identity_of(pm), PROGRAM) == {"重点研发计划", "软科学研究计划"}
    listed = client.get(API, headers=h).get_json()["hits"]["hits"]
    assert {(a["program"], a["email"]) for a in listed} >= {("重点研发计划", pm.email)}
    # bad input: bilingual 400 naming the field
    for body, field in (({"program": "", "user": pm.email}, "program"),
                        ({"program": "x" * 101, "user": pm.email}, "program"),
                        ({"program": "P", "user": "nobody@test.example.org"}, "user"),
                        ({"program": "P", "user": applicant.email}, "user"),
                        ({"program": "P", "user": True}, "user"),
                        ({"program": "P", "user": "²"}, "user"),
                        ({"program": ["P"], "user": pm.email}, "program")):
        res = client.post(API, headers=h, json=body)
        assert res.status_code == 400, body
        (error,) = res.get_json()["errors"]
        assert error["field"] == field and " / " in error["messages"][0], error
    # only the bureau assigns; the manager cannot give himself a programme
    for user in (pm, applicant):
        res = client.post(API, headers=headers(user), json={"program": "P", "user": pm.email})
        assert res.status_code == 403
        assert client.get(API, headers=headers(user)).status_code == 403
    res = client.delete(API, headers=h, json={"program": "软科学研究计划", "user": pm.email})
    assert res.status_code == 200 and res.get_json()["programs"] == ["重点研发计划"]
    assert scopes_of(identity_of(pm), PROGRAM) == {"重点研发计划"}


def test_programme_page_for_the_bureau(app, db, UserFixture, bureau_user, applicant):
    pm = _pm(UserFixture, app, db, "prog-page@test.example.org")
    c = browser(app, bureau_user)
    html = get(c, "/entities/programs").get_data(as_text=True)
    assert "计划管理员" in html or "科技计划" in html
    res = post(c, "/entities/programs", {"program": "重点研发计划", "user": pm.email})
    assert res.status_code == 302
    html = get(c, "/entities/programs").get_data(as_text=True)
    assert f'data-program="重点研发计划" data-user="{pm.email}"' in html
    res = post(c, "/entities/programs", {"program": "重点研发计划", "user": applicant.email})
    assert res.status_code == 400 and 'data-error="user"' in res.get_data(as_text=True)
    res = post(c, "/entities/programs", {"program": "重点研发计划", "user": pm.email,
                                         "action": "remove"})
    assert res.status_code == 302
    assert scopes_of(identity_of(pm), PROGRAM) == set()
    assert get(browser(app, applicant), "/entities/programs").status_code == 403


def test_programme_import_command(running_app, db, UserFixture, tmp_path):
    pm = _pm(UserFixture, running_app, db, "prog-cli@test.example.org")
    path = tmp_path / "programs.csv"
    path.write_text(f"计划类别,邮箱\n重点研发计划,{pm.email}\n重点研发计划,nobody@test.example.org\n",
                    encoding="utf-8")
    runner = running_app.test_cli_runner()
    result = runner.invoke(entities_cli, ["programs", "--dry-run", str(path)])
    assert result.exit_code == 1 and "row 3" in result.output and "user" in result.output
    assert scopes_of(identity_of(pm), PROGRAM) == set()  # a dry run stores nothing
    result = runner.invoke(entities_cli, ["programs", str(path)])
    assert "assigned: 1; errors: 1" in result.output
    assert scopes_of(identity_of(pm), PROGRAM) == {"重点研发计划"}
