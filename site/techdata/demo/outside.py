"""Demo requests from outside: a conditional-access application and a correction report.

Filed by company@example.org through the request services, as the company
would on the /access pages: the application accepts the dataset's current
data-use agreement (QY Art. 24; LZ Art. 25-26) and both are left submitted,
so the city centre's curators find them in their inbox with the
working-day due date running (CD-PD Art. 27; QY Art. 18). A request already
filed by the company on the same dataset (whatever its status) is not filed
again.
"""

from datetime import timedelta

from flask import current_app, has_request_context
from invenio_accounts.models import User
from invenio_requests.records.models import RequestMetadata

from ..access import agreements
from ..access.conditional_access import ConditionalAccess, apply_for_access
from ..access.correction import Correction, report_error
from ..kernel.time import today
from .entities import COMPANY_ENTITY
from .loader import depositor_identity, published_recid

COMPANY = "company@example.org"
"""The registered company user who files the demo requests."""

APPLICATION = {
    "applicant_name": "陈经理",
    "organisation": "成都某科技有限公司",
    "uscc": COMPANY_ENTITY["credit_code"],  # its verified membership (issue 18)
    "contact": "chen@example.org, 028-00000000",
    "purpose": "研发面向重点用能企业的节能诊断模型 / developing an energy-saving diagnosis model "
               "for key energy users",
    "intended_use": "仅用于模型训练与验证，成果以汇总指标发布并注明数据来源 / model training and "
                    "validation only; results published as aggregates citing the source",
    "security_means": "数据存放于公司内网隔离服务器，专人专账号访问，不对外提供 / kept on an isolated "
                      "server in the company network, named accounts only, never passed on",
}
"""The company's application (the term is set to the next six months when filed)."""

CORRECTION = {
    "what": "2021 年 CD-02 点铅含量 31.0 mg/kg 与同期公报数值（13.0 mg/kg）不符，疑为录入错误。 / "
            "Lead at CD-02 in 2021 (31.0 mg/kg) differs from the bulletin (13.0 mg/kg); "
            "probably a typing error.",
    "where": "soil_metals_sample.csv 第 3 行 pb_mg_kg 列 / soil_metals_sample.csv, row 3, "
             "column pb_mg_kg",
    "evidence": "《2021 年成都市生态环境状况公报》土壤监测附表 / soil annex of the 2021 Chengdu "
                "environment bulletin",
}
"""The company's correction report on the soil dataset."""


def _filed(type_id, recid, user_id):
    """Whether ``user_id`` already filed a ``type_id`` request on record ``recid``."""
    return RequestMetadata.query.filter(
        RequestMetadata.json["type"].as_string() == type_id,
        RequestMetadata.json["topic"]["record"].as_string() == str(recid),
        RequestMetadata.json["created_by"]["user"].as_string() == str(user_id),
    ).count() > 0


def _in_request(func, *args):
    """Run ``func`` in a request context (notifications build links), as on the site."""
    if has_request_context():
        return func(*args)
    with current_app.test_request_context():
        return func(*args)


def ensure_conditional_access(recid):
    """The company's pending application for record ``recid``; returns its id if filed now."""
    company = depositor_identity(User.query.filter_by(email=COMPANY).one())
    if recid is None or _filed(ConditionalAccess.type_id, recid, company.id):
        return None
    record = agreements.published_record(recid)
    agreement = agreements.current_agreement(record.parent.pid.pid_value)
    start = today()
    end = start + timedelta(days=182)
    body = {**APPLICATION, "term_start": start.isoformat(), "term_end": end.isoformat(),
            "accept_agreement": True, "agreement_version": agreement["version"],
            "agreement_sha256": agreement["sha256"]}
    return str(_in_request(apply_for_access, company, recid, body).id)


def ensure_correction(recid):
    """The company's pending correction report on record ``recid``; returns its id if filed now."""
    company = depositor_identity(User.query.filter_by(email=COMPANY).one())
    if recid is None or _filed(Correction.type_id, recid, company.id):
        return None
    body = {**CORRECTION, "record": recid, "found_on": today().isoformat()}
    return str(_in_request(report_error, company, body).id)


def ensure_requests():
    """File the demo requests that are missing; returns how many were filed."""
    filed = [
        ensure_conditional_access(published_recid("成都市重点用能企业能耗在线监测数据（2024）")),
        ensure_correction(published_recid("成都平原土壤重金属监测数据集（2021—2023）")),
    ]
    return sum(1 for f in filed if f)
