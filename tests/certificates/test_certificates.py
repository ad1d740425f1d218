"""Deposit certificates (汇交凭证): issue, read, verify, tamper detection (CD-TD Art. 15, LZ Art. 38)."""

import base64
import copy
import json
import os
import re
import stat
import subprocess
import sys
import zlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from techdata.certificates import signing
from techdata.certificates.api import get_certificate, issue_certificate, verify_document
from techdata.certificates.cli import certificate_cli
from techdata.certificates.models import DepositCertificate

from .conftest import DATASETS, PROJECT

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "verify-certificate"


def _get(client, cert_id):
    """The JSON of ``GET /api/certificates/<id>``."""
    res = client.get(f"/api/certificates/{cert_id}")
    assert res.status_code == 200, res.data
    return res.json


def _verify_api(client, doc):
    """``POST /api/certificates/verify`` → (status, json)."""
    res = client.post("/api/certificates/verify", data=json.dumps(doc, ensure_ascii=False),
                      content_type="application/json")
    return res.status_code, res.json


def _pdf_streams(pdf):
    """Decoded streams of a PDF (what a PDF reader decompresses)."""
    out = []
    for m in re.finditer(rb"stream\r?\n", pdf):
        raw = pdf[m.end():]
        raw = raw[:raw.find(b"endstream")]
        try:
            out.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def test_key_created_once_with_mode_0600(app, tmp_path, monkeypatch):
    """The key is created on first use, private (0600), and then reused."""
    path = tmp_path / "sub" / "key.pem"
    monkeypatch.setitem(app.config, "TECHDATA_CERTIFICATE_KEY_PATH", str(path))
    with app.app_context():
        first = signing.key_id()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert signing.key_id() == first and len(first) == 16
        sig, kid = signing.sign({"a": "汇交"})
        assert kid == first
        assert signing.verify({"a": "汇交"}, sig)
        assert not signing.verify({"a": "汇交 "}, sig)
        for garbage in (None, "", "!!!", "AAAA", 42, sig[:-4] + "AAA="):
            assert signing.verify({"a": "汇交"}, garbage) is False
        assert signing.verify({"a": {1, 2}}, sig) is False  # not JSON
        assert signing.verify({"a": "汇交"}, sig, public_key_pem="not a key") is False
        assert "BEGIN PUBLIC KEY" in signing.public_key_pem()


def test_issue_get_and_verify(app, db, client, certificate):
    """Issued → GET JSON → verifies, with the body stating what the issue asks."""
    assert re.fullmatch(r"TDC-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", certificate.id)
    assert certificate.project_number == "2024YFS0001"
    doc = _get(client, certificate.id)
    body = doc["body"]
    assert body["certificate_id"] == certificate.id == doc["id"]
    assert body["project"]["number"] == "2024YFS0001"
    assert body["project"]["title_zh"] == "成都平原土壤与水环境监测"
    assert [d["recid"] for d in body["datasets"]] == ["abcde-12345", "fghij-67890"]
    soil = body["datasets"][0]
    assert soil["doi"] == "10.1234/cdtd.abcde-12345" and soil["cstr"].startswith("CSTR:")
    assert [f["key"] for f in soil["files"]] == ["README.txt", "soil.csv"]
    assert body["datasets"][1]["doi"] is None
    assert body["issued_at"].endswith("Z")
    assert "第十五条" in body["statement"]["zh"] and "Art. 15" in body["statement"]["en"]
    assert body["issuer"] == "成都科技数据汇交平台 Chengdu Tech-Data Repository"
    assert doc["key_id"] == body["key_id"] == signing.key_id()
    assert doc["links"]["pdf"].endswith(f"/certificates/{certificate.id}?format=pdf")

    assert verify_document(doc) == (True, verify_document(doc)[1])
    ok, reasons = verify_document(doc)
    assert ok and any("Signature" in r or "signature" in r for r in reasons)
    status, result = _verify_api(client, doc)
    assert status == 200 and result["valid"] is True, result
    status, result = _verify_api(client, {"id": certificate.id.lower()})
    assert status == 200 and result["valid"] is True, result
    # the projects gate reads the latest certificate of a project
    assert get_certificate(certificate.id).id == certificate.id
    assert DepositCertificate.query.filter_by(project_number="2024YFS0001").count() == 1


def _tampered(doc):
    """Each way a certificate can be altered, with its name."""
    cases = []
    d = copy.deepcopy(doc)
    d["body"]["datasets"][0]["files"][1]["checksum"] = "md5:" + "0" * 32
    cases.append(("checksum", d))
    d = copy.deepcopy(doc)
    d["body"]["project"]["number"] = "2024YFS0002"
    cases.append(("project number", d))
    d = copy.deepcopy(doc)
    d["body"]["datasets"][1]["doi"] = "10.1234/forged"
    cases.append(("added DOI", d))
    d = copy.deepcopy(doc)
    d["body"]["datasets"].pop()
    cases.append(("dropped dataset", d))
    d = copy.deepcopy(doc)
    sig = bytearray(base64.b64decode(d["signature"]))
    sig[0] ^= 1
    d["signature"] = base64.b64encode(bytes(sig)).decode()
    cases.append(("flipped signature bit", d))
    return cases


def test_tampering_fails_everywhere(app, db, client, certificate, tmp_path, cli_runner):
    """A changed checksum, project number, DOI, dataset or signature fails: API, page, CLI, script."""
    doc = _get(client, certificate.id)
    other = issue_certificate({**PROJECT, "number": "2024YFS0009"}, DATASETS)
    other_doc = _get(client, other.id)
    swapped = copy.deepcopy(doc)
    swapped["signature"] = other_doc["signature"]
    pem = tmp_path / "public-key.pem"
    pem.write_text(client.get("/api/certificates/public-key").get_data(as_text=True))

    for name, bad in _tampered(doc) + [("swapped signature", swapped)]:
        ok, reasons = verify_document(bad)
        assert not ok and reasons, name
        assert any("signature" in r for r in reasons), (name, reasons)
        status, result = _verify_api(client, bad)
        assert status == 200 and result["valid"] is False and result["reasons"], name
        page = client.post("/certificates/verify", data={"document": json.dumps(bad)})
        assert page.status_code == 200
        assert 'data-valid="false"' in page.get_data(as_text=True), name
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
        run = subprocess.run([sys.executable, str(SCRIPT), str(path), str(pem)],
                             capture_output=True, text=True)
        assert run.returncode == 1 and "INVALID" in run.stdout, (name, run.stdout, run.stderr)
        res = cli_runner(certificate_cli, None, "verify", str(path))
        assert res.exit_code == 1 and "INVALID" in res.output, (name, res.output)


def test_other_key_and_unknown_key_id_fail(app, db, client, certificate, tmp_path):
    """A certificate signed with a key that is not the platform's fails, with a reason."""
    doc = _get(client, certificate.id)
    stranger = Ed25519PrivateKey.generate()
    raw = stranger.public_key().public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)
    import hashlib

    forged = copy.deepcopy(doc)
    forged["body"]["key_id"] = hashlib.sha256(raw).hexdigest()[:16]
    forged["key_id"] = forged["body"]["key_id"]
    forged["signature"] = base64.b64encode(
        stranger.sign(signing.canonical(forged["body"]))).decode()
    ok, reasons = verify_document(forged)
    assert not ok and "not a key of this platform" in reasons[0]
    # same key id as the platform, but signed by the stranger
    forged2 = copy.deepcopy(doc)
    forged2["body"]["project"]["number"] = "2099XXX"
    forged2["signature"] = base64.b64encode(
        stranger.sign(signing.canonical(forged2["body"]))).decode()
    ok, reasons = verify_document(forged2)
    assert not ok and "signature does not match" in reasons[0]
    status, result = _verify_api(client, forged2)
    assert status == 200 and result["valid"] is False
    # offline, the stranger's key does not verify the platform's certificate
    path, pem = tmp_path / "cert.json", tmp_path / "stranger.pem"
    path.write_text(json.dumps(doc), encoding="utf-8")
    pem.write_bytes(stranger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    run = subprocess.run([sys.executable, str(SCRIPT), str(path), str(pem)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "INVALID" in run.stdout
    # the key id beside the body must match the signed one
    outer = copy.deepcopy(doc)
    outer["key_id"] = "0" * 16
    assert verify_document(outer)[0] is False


def test_register_row_altered_in_database_is_detected(app, db, client, certificate):
    """The register is not trusted blindly: an altered row fails verification by id."""
    body = copy.deepcopy(certificate.body)
    body["datasets"][0]["files"][0]["checksum"] = "md5:" + "f" * 32
    certificate.body = body
    db.session.commit()
    status, result = _verify_api(client, {"id": certificate.id})
    assert status == 200 and result["valid"] is False


def test_rotated_key_still_verifies_when_trusted(app, db, certificate, monkeypatch, tmp_path):
    """After a key rotation, old certificates verify if the old public key is trusted."""
    old_pem = signing.public_key_pem()
    doc = {"body": certificate.body, "signature": certificate.signature}
    monkeypatch.setitem(app.config, "TECHDATA_CERTIFICATE_KEY_PATH", str(tmp_path / "new.pem"))
    assert verify_document(doc, check_register=False)[0] is False
    monkeypatch.setitem(app.config, "TECHDATA_CERTIFICATE_TRUSTED_PUBLIC_KEYS", [old_pem])
    assert verify_document(doc, check_register=False)[0] is True


def test_offline_script_and_cli_accept_json_and_pdf(app, db, client, certificate, tmp_path,
                                                    cli_runner):
    """The documented offline command verifies the JSON and the PDF alone."""
    doc = _get(client, certificate.id)
    cert_json, cert_pdf, pem = tmp_path / "c.json", tmp_path / "c.pdf", tmp_path / "k.pem"
    cert_json.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    cert_pdf.write_bytes(client.get(f"/api/certificates/{certificate.id}?format=pdf").data)
    res = cli_runner(certificate_cli, None, "public-key")
    assert res.exit_code == 0 and "BEGIN PUBLIC KEY" in res.output
    pem.write_text(res.output[res.output.index("-----BEGIN"):res.output.index("-----END")]
                   + "-----END PUBLIC KEY-----\n")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": ""}  # no Invenio needed
    for path in (cert_json, cert_pdf):
        run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(path), str(pem)],
                             capture_output=True, text=True, env=env)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert "VALID" in run.stdout and certificate.id in run.stdout
        res = cli_runner(certificate_cli, None, "verify", str(path))
        assert res.exit_code == 0 and "VALID" in res.output, res.output
    assert "import invenio" not in SCRIPT.read_text() and "techdata" not in \
        SCRIPT.read_text().split('"""', 2)[2]
    run = subprocess.run([sys.executable, str(SCRIPT), str(pem), str(pem)],
                         capture_output=True, text=True)
    assert run.returncode == 2


def test_cli_refusals_are_bilingual_catalogue_messages(app, db, tmp_path, cli_runner):
    """The CLI's refusals: a file that is neither JSON nor a certificate PDF, an unknown id."""
    from techdata.kernel.i18n import _, bilingual

    not_json, bare_pdf = tmp_path / "x.json", tmp_path / "x.pdf"
    not_json.write_text("{ nope", encoding="utf-8")
    bare_pdf.write_bytes(b"%PDF-1.7\n1 0 obj << >> stream\nhello\nendstream\n%%EOF\n")
    for path, msgid in ((not_json, "The certificate is not valid JSON."),
                        (bare_pdf, "No signed deposit certificate is attached to the PDF.")):
        res = cli_runner(certificate_cli, None, "verify", str(path))
        message = bilingual(_(msgid))
        assert res.exit_code == 1 and message in res.output, res.output
        assert message != msgid and message.endswith(" / " + msgid)  # Chinese first
    res = cli_runner(certificate_cli, None, "show", "TDC-0000-AAAA-BBBB-CCCC")
    assert res.exit_code == 1
    assert bilingual(_("No deposit certificate has the id %(id)s.",
                       id="TDC-0000-AAAA-BBBB-CCCC")) in res.output


def test_pdf(app, db, client, certificate):
    """The PDF: a PDF, in Chinese fonts, with the signed JSON attached."""
    res = client.get(f"/api/certificates/{certificate.id}", headers={"Accept": "application/pdf"})
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert res.data.startswith(b"%PDF")
    assert certificate.id in res.headers["Content-Disposition"]
    assert client.get(f"/api/certificates/{certificate.id}?format=pdf").data.startswith(b"%PDF")
    assert client.get(f"/api/certificates/{certificate.id}").mimetype == "application/json"
    streams = _pdf_streams(res.data)
    assert any(b"NotoSansCJK" in s or b"NotoSerifCJK" in s for s in streams)
    attached = [json.loads(s) for s in streams if s.strip().startswith(b'{\n  "algorithm"')]
    assert len(attached) == 1
    doc = attached[0]
    assert doc["body"]["project"]["number"] == "2024YFS0001"
    assert doc["body"]["project"]["title_zh"] == "成都平原土壤与水环境监测"
    assert verify_document(doc)[0] is True


def test_pdf_html_is_chinese_first(app, db, certificate):
    """The printed labels are Chinese first, then English, and name every fact."""
    from techdata.certificates.pdf import render_html
    from techdata.certificates.views import certificate_document

    with app.test_request_context("/"):
        html = render_html(certificate_document(certificate))
    assert html.index("科技数据汇交凭证") < html.index("Tech-Data Deposit Certificate")
    for text in ("2024YFS0001", "成都平原土壤与水环境监测", "10.1234/cdtd.abcde-12345",
                 "CSTR:12345.11.cdtd.2024-000001", "md5:0cc175b9c0f1b6a831c399e269772661",
                 certificate.id, certificate.key_id, certificate.signature[:20]):
        assert text in html, text


def test_unknown_id_is_a_bilingual_404(app, db, client):
    """An unknown id: 404 with a Chinese and English message."""
    for cert_id in ("TDC-2026-0000-0000-0000", "x" * 300):
        res = client.get(f"/api/certificates/{cert_id}")
        assert res.status_code == 404, cert_id
        assert "汇交凭证" in res.json["message"] and "No deposit certificate" in res.json["message"]
    # a NUL byte is bad input, refused by the input layer before any lookup (issue 20)
    res = client.get("/api/certificates/%00")
    assert res.status_code == 400 and " / " in res.json["message"]
    status, result = _verify_api(client, {"id": "TDC-2026-0000-0000-0000"})
    assert status == 200 and result["valid"] is False


def test_malformed_verify_input_is_400(app, db, client):
    """Garbage never gives a 500: a bilingual 400."""
    bodies = [b"", b"not json", b"[]", b"null", b'{"body": 1, "signature": "x"}',
              b'{"body": {}}', b'{"body": {}, "signature": 7}', b"[" * 100000,
              b'{"signature": "abc"}', "\ud800".encode("utf-8", "surrogatepass")]
    for data in bodies:
        res = client.post("/api/certificates/verify", data=data,
                          content_type="application/json")
        assert res.status_code == 400, (data[:30], res.status_code)
        assert " / " in res.json["message"], res.json
    # well-formed but nonsense values: 200, invalid
    for doc in ({"body": {"key_id": ["x"]}, "signature": "x"},
                {"body": {"key_id": signing_key_id(app)}, "signature": "!!"}):
        status, result = _verify_api(client, doc)
        assert status == 200 and result["valid"] is False
    res = client.post("/api/certificates/verify", data=b"x" * (2 * 1024 * 1024),
                      content_type="application/json")
    assert res.status_code in (400, 413)


def signing_key_id(app):
    """The platform key id."""
    with app.app_context():
        return signing.key_id()


def test_verify_page(app, db, client, certificate):
    """The public page: form, verify by id or pasted JSON, no inline script."""
    page = client.get("/certificates/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="verify-form"' in html and 'method="post"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)  # no inline scripts
    assert certificate.key_id in html

    by_id = client.get(f"/certificates/verify?id={certificate.id}").get_data(as_text=True)
    assert 'data-valid="true"' in by_id and "2024YFS0001" in by_id

    doc = _get(client, certificate.id)
    pasted = client.post("/certificates/verify", data={"document": json.dumps(doc)})
    html = pasted.get_data(as_text=True)
    assert pasted.status_code == 200 and 'data-valid="true"' in html
    assert "成都平原土壤与水环境监测" in html and "soil.csv" in html

    junk = client.post("/certificates/verify", data={"document": "{nope"})
    assert junk.status_code == 200 and 'data-valid="false"' in junk.get_data(as_text=True)
    unknown = client.post("/certificates/verify", data={"id": "TDC-2026-0000-0000-0000"})
    assert 'data-valid="false"' in unknown.get_data(as_text=True)


def test_issue_rejects_unusable_input(app, db):
    """Issuing needs a project number and dataset record ids."""
    import pytest

    from techdata.certificates.api import CertificateError

    with pytest.raises(CertificateError):
        issue_certificate({"title_zh": "无编号"}, [])
    with pytest.raises(CertificateError):
        issue_certificate(PROJECT, [{"title": "no recid"}])
