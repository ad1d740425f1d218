"""The PI issues the deposit certificate from the project page and downloads its PDF
(CD-TD Art. 15: the acceptance gate demands it)."""

import re

from flask import g

from tests.helpers import deposit
from tests.projects.test_projects import project

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_pi_issues_and_downloads_the_certificate(running_app, app, client, manager_token,
                                                 researcher, workflow):
    """Button on the page → POST with CSRF → certificate listed → PDF; gate passes."""
    res = client.post("/api/projects", json=project(number="2024CERT01", plan=("soil",)),
                      headers=manager_token)
    assert res.status_code == 201, res.get_json()
    c = app.test_client()  # no preserved context: each request its own
    researcher.login(c)
    html = c.get("/projects/2024CERT01").get_data(as_text=True)
    assert 'id="issue-certificate"' in html and "disabled" in html.split(
        'id="issue-certificate"')[1].split(">")[0]  # nothing deposited yet
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        res = c.post("/projects/2024CERT01/certificate", data={})
        assert res.status_code == 400  # no token
        g.pop("csrf_token", None)
        token = TOKEN.search(c.get("/projects/2024CERT01").get_data(as_text=True)).group(1)
        res = c.post("/projects/2024CERT01/certificate", data={"csrf_token": token})
        assert res.status_code == 400 and "尚未汇交" in res.get_data(as_text=True)

        workflow.publish(deposit(project="2024CERT01", project_dataset="soil"))
        html = c.get("/projects/2024CERT01").get_data(as_text=True)
        assert 'id="no-certificate"' in html
        res = c.post("/projects/2024CERT01/certificate", data={"csrf_token": token})
        assert res.status_code == 302 and res.location.endswith("/projects/2024CERT01#certificates")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    html = c.get("/projects/2024CERT01").get_data(as_text=True)
    link = re.search(r'class="certificate-pdf"[^>]*href="([^"]+)"', html)
    assert link, html
    pdf = c.get(link.group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    gate = client.get("/api/projects/2024CERT01/gate", headers=manager_token).get_json()
    assert {x["id"]: x for x in gate["conditions"]}["certificate"]["passed"]
