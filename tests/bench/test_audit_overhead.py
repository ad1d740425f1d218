"""The audit-overhead stage of the bench (issue 16): the same decision with and without its entry."""

from invenio_audit_logs.records.models import AuditLog

from techdata.audit.models import Violation
from techdata.bench.audit_overhead import ENTITY, measure, print_table


def test_overhead_measures_both_modes_side_by_side(running_app, db):
    """Each mode decides ``rounds`` times; only the 'on' decisions leave an entry."""
    before = AuditLog.query.filter_by(action="techdata.violation.register").count()
    result = measure(rounds=4)
    assert result["on"]["n"] == 4 and result["off"]["n"] == 4
    assert result["on"]["p50_ms"] > 0 and result["off"]["p50_ms"] > 0
    assert isinstance(result["overhead_pct"], float)
    assert Violation.query.filter_by(entity=ENTITY).count() == 9  # warm-up + 4 + 4
    after = AuditLog.query.filter_by(action="techdata.violation.register").count()
    assert after - before == 5  # the warm-up and the four decisions with the trail on
    assert running_app.config["AUDIT_LOGS_ENABLED"] is True  # put back
    lines = []
    print_table(result, out=lines.append)
    assert "overhead" in lines[-1]
