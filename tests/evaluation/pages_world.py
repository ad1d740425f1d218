"""The world of the evaluation pages' and report's tests (issue 19): facts as the computation
leaves them, accounts with scopes, and reading a PDF's text.

The facts are stored with their summaries exactly as :func:`techdata.evaluation.compute.recompute`
stores them (``compute.aggregate``), so every page number here can be worked out by hand; the
indicators' computation from the platform's tables is tested with ``world.py``. Fixtures are
in ``conftest.py``.
"""

import io
import re
from datetime import date

import pikepdf
from invenio_db import db as _db

from techdata.evaluation import compute
from techdata.evaluation.models import EvaluationFact, EvaluationRun, EvaluationSummary
from techdata.kernel.scopes import DATA_ADMIN, DEPARTMENT, ENTITY, scope_need

PAGES_YEAR = 2025
"""The year of the pages' world (a whole past year)."""

SCI, ECO = "D-SCI", "D-ECO"
"""Two departments."""

UNI, LAB, CO = "E-UNI", "E-LAB", "E-CO"
"""Three entities: two in the science department, one in the economy department."""

CA = "conditional-access"

LATE_SCI = "00000000-0000-4000-8000-000000000002"
LATE_ECO = "00000000-0000-4000-8000-000000000003"
"""Ids of the two late conditional-access requests (one per department)."""


def _request(rid, entity, department, on, on_time, days, due=None, late=0):
    """The on-time fact of one answered conditional-access request."""
    return compute.Fact(
        f"requests.answers.{CA}", rid, "request", on, f"有条件开放申请 {rid[-1]}",
        entity=entity, department=department, centre="city-centre", program="P-KEY",
        num=1 if on_time else 0, den=1, days=days,
        detail={"type": CA, "status": "accepted", "due_date": due, "days_late": late})


def _plan(ident, entity, department, on, deposited):
    """The deposit fact of one planned dataset."""
    return compute.Fact("deposit.deposited", ident, "plan-item", on, f"计划数据集 {ident}",
                        entity=entity, department=department, centre="city-centre",
                        program="P-KEY", num=1 if deposited else 0, den=1,
                        detail={"project": ident.split("/")[0], "plan_key": ident[-1]})


PAGES_FACTS = [
    _request("00000000-0000-4000-8000-000000000001", UNI, SCI, date(2025, 3, 10), True, 5),
    _request(LATE_SCI, LAB, SCI, date(2025, 5, 20), False, 25, due="2025-05-13", late=5),
    _request(LATE_ECO, CO, ECO, date(2025, 8, 1), False, 30, due="2025-07-18", late=10),
    _request("00000000-0000-4000-8000-000000000004", CO, ECO, date(2025, 11, 3), True, 3),
    _request("00000000-0000-4000-8000-000000000005", UNI, SCI, date(2025, 12, 1), True, 7),
    _plan("2025CDKJ0001/a", UNI, SCI, date(2025, 6, 30), True),
    _plan("2025CDKJ0001/b", LAB, SCI, date(2025, 6, 30), False),
    _plan("2025CDKJ0002/a", CO, ECO, date(2025, 9, 30), True),
]
"""The world by hand: conditional access answered on time 3 of 5 in the city (60.0%), 2 of 3
in the science department (66.7%), 1 of 2 in the economy department (50.0%: 1 of 1 in H2's
Q4, 0 of 1 in Q3); planned datasets deposited 2 of 3 (66.7%), science 1 of 2 (50.0%),
economy 1 of 1 (100.0%)."""


def store_facts(facts, year, years_back=4):
    """Store ``facts`` and their summaries as :func:`compute.recompute` does; mark ``year``
    and the ``years_back`` years before it computed (so no page recomputes them)."""
    summaries = compute.aggregate(facts, year)
    for model in (EvaluationFact, EvaluationSummary):
        _db.session.execute(model.__table__.delete().where(
            model.year.between(year - years_back, year)))
    _db.session.execute(EvaluationFact.__table__.insert(),
                        [{**vars(f), "year": year} for f in facts])
    _db.session.execute(EvaluationSummary.__table__.insert(), [
        {"year": year, "period": period, "scope_kind": kind, "scope_id": sid, "key": key,
         "value": value, "numerator": num, "denominator": den}
        for (period, kind, sid, key), (value, num, den) in summaries.items()])
    for y in range(year - years_back, year + 1):
        run = _db.session.get(EvaluationRun, y) or EvaluationRun(year=y)
        run.facts = len(facts) if y == year else 0
        _db.session.add(run)
    _db.session.commit()


SCOPE_NAMES = [(SCI, "市科学技术局", "Science and Technology Bureau"),
               (ECO, "市经济和信息化局", "Economy and Information Bureau")]
"""Names of the two departments (as the entities feature stores them)."""


SCOPE_ACCOUNTS = {
    "dept-admin@test.example.org": [scope_need(DEPARTMENT, SCI)],
    "entity-admin@test.example.org": [scope_need(ENTITY, UNI, DATA_ADMIN)],
}
"""Scope needs the pages' tests give their accounts (as the entities feature does on log-in)."""


# -- reading a PDF report ------------------------------------------------------------------


def _cmap(font):
    """A font's ToUnicode map ``{code: text}``."""
    out = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return out
    text = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                out[code] = chr(int(dst, 16) + i)
    return out


def pdf_text(data):
    """The text a PDF reader extracts from ``data`` (two-byte codes, as WeasyPrint writes)."""
    pdf = pikepdf.open(io.BytesIO(data))
    texts = []
    for page in pdf.pages:
        fonts = {str(k): _cmap(v) for k, v in (page.resources.get("/Font") or {}).items()}
        current = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":
                current = fonts.get(str(operands[0]), {})
            elif str(operator) in ("Tj", "TJ"):
                parts = operands[0] if str(operator) == "TJ" else [operands[0]]
                for part in parts:
                    if isinstance(part, pikepdf.String):
                        raw = bytes(part)
                        texts.append("".join(current.get(int.from_bytes(raw[i:i + 2], "big"), "")
                                             for i in range(0, len(raw), 2)))
    return "".join(texts)


def pdf_fonts(data):
    """The names of the fonts a PDF's pages use (``/BaseFont``)."""
    pdf = pikepdf.open(io.BytesIO(data))
    return {str(font.get("/BaseFont")) for page in pdf.pages
            for font in (page.resources.get("/Font") or {}).values()}
