"""The header leads the audit roles to the audit pages (issue 16)."""


def test_header_links_the_audit_pages(audit_app, bureau, auditor, researcher):
    """The bureau and auditors reach /audit/ from the header; a researcher does not."""
    for user, sees in ((bureau, True), (auditor, True), (researcher, False)):
        client = audit_app.test_client()
        user.login(client)
        html = client.get("/").get_data(as_text=True)
        header = html[html.index('id="invenio-menu"'):html.index("</header>")]
        assert ('href="/audit/"' in header) is sees, user.email
