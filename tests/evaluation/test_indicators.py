"""Each indicator's value in the small world, against hand-computed expectations (issue 19).

The world is described in ``world.py``; working days below are Monday-Friday
of March and November 2026 (no public holiday in those weeks).
"""

import pytest
from invenio_access.permissions import system_identity

from techdata.evaluation import compute
from techdata.evaluation.indicators import INDICATORS
from techdata.evaluation.proxies import current_evaluation_service as service
from techdata.kernel.time import today
from tests.evaluation.world import ON, YEAR


def values(scope_kind="city", scope_id=None, period=None):
    """``{key: (value, numerator, denominator)}`` of a scope, as the bureau reads it."""
    rows = service.indicators(system_identity, YEAR, period, scope_kind, scope_id)
    return {r["key"]: (r["value"], r["numerator"], r["denominator"]) for r in rows}


def test_deposit_indicators(world):
    """Planned, deposited, accepted, before acceptance, overrides, after acceptance."""
    v = values()
    # Planned datasets of projects due in 2026: PRJ-1 (a, b) + PRJ-2 (a) + PRJ-3 (a, b) = 5.
    assert v["deposit.planned"][0] == 5
    # Deposited: 1a, 2a, 3a, 3b = 4 of 5.
    assert v["deposit.deposited"] == (4 / 5, 4, 5)
    # Accepted by the centre: 1a (R1), 3a (R3), 3b (R3b); 2a was declined (R2) = 3 of 5.
    assert v["deposit.accepted"] == (3 / 5, 3, 5)
    # Accepted projects: PRJ-1 on 07-01 (1a published 03-01: before; b never) and
    # PRJ-3 on 06-01 (3a, 3b published 02-01: before) = 3 of 4.
    assert v["deposit.before_acceptance"] == (3 / 4, 3, 4)
    # Two acceptance decisions in 2026, PRJ-1's overrode the gate: 1 (of 2).
    assert v["deposit.overrides"] == (1, 1, 2)
    # rec-1c was first published 08-01, after PRJ-1's acceptance on 07-01: 1.
    assert v["deposit.post_acceptance"][0] == 1
    # Department dept-a: PRJ-1 (a, b) and PRJ-2 (a): deposited 1a, 2a = 2 of 3.
    assert values("department", "dept-a")["deposit.deposited"] == (2 / 3, 2, 3)
    # Department dept-b: PRJ-3: 2 of 2.
    assert values("department", "dept-b")["deposit.deposited"] == (1.0, 2, 2)
    # Entity ent-1 and programme P1.
    assert values("entity", "ent-1")["deposit.deposited"] == (1 / 2, 1, 2)
    assert values("program", "P1")["deposit.planned"][0] == 3


def test_review_indicators(world):
    """On time, median and p90 working days, returns, declines, fails."""
    v = values()
    # Deposit reviews received 03-02 (Mon), due 03-09:
    #   R1 decided 03-06: 4 working days, on time;   R2 declined 03-12: 8, late;
    #   R3, R3b decided 03-09: 5 each, on time;      R4 (received 11-02, due 11-09) still
    #   open on 12-01: late, no days.  On time: 3 of 5.
    assert v["reviews.deposit_on_time"] == (3 / 5, 3, 5)
    # Days [4, 5, 5, 8]: median (5 + 5) / 2 = 5; p90 at 0.9 * 3 = 2.7: 5 + (8 - 5) * 0.7 = 7.1.
    assert v["reviews.deposit_median_days"][0] == 5
    assert v["reviews.deposit_p90_days"][0] == pytest.approx(7.1)
    assert v["reviews.deposit_p90_days"][2] == 4  # the denominator: reviews with days
    # Returned at least once: R2 (of the 5 received in 2026).
    assert v["reviews.deposit_returns"] == (1, 1, 5)
    # Declined: R2, of the 4 decided.
    assert v["reviews.deposit_declines"] == (1, 1, 4)
    # Confidentiality: received 03-09, due 03-16; C1 passed 03-10 (1 day, on time),
    # C2 failed 03-20 (9 working days, late).  On time 1 of 2; median (1 + 9) / 2 = 5;
    # p90: 1 + (9 - 1) * 0.9 = 8.2; failed 1 of 2.
    assert v["reviews.confidentiality_on_time"] == (1 / 2, 1, 2)
    assert v["reviews.confidentiality_median_days"][0] == 5
    assert v["reviews.confidentiality_p90_days"][0] == pytest.approx(8.2)
    assert v["reviews.confidentiality_fails"] == (1, 1, 2)
    # dept-b (rec-3a, rec-3b): R3, R3b on time, R4 late = 2 of 3.
    assert values("department", "dept-b")["reviews.deposit_on_time"] == (2 / 3, 2, 3)
    # The data centre holds every deposit review.
    assert values("centre", "centre-x")["reviews.deposit_on_time"] == (3 / 5, 3, 5)


def test_request_indicators(world):
    """Per type received and on time; all types; days; grants, refusals, appeals, corrections."""
    v = values()
    # Received in 2026: conditional access A1, A2, A8 (withdrawn) = 3; one of each other type.
    assert v["requests.received.conditional-access"][0] == 3
    for type_id in ("conditional-sharing", "opening-application", "appeal", "correction",
                    "data-service"):
        assert v[f"requests.received.{type_id}"][0] == 1, type_id
    # Conditional access: A1 answered 03-13, due 03-23: on time; A2 answered 03-25: late;
    # A8 was withdrawn (no answer owed).  1 of 2.
    assert v["requests.on_time.conditional-access"] == (1 / 2, 1, 2)
    assert v["requests.on_time.conditional-sharing"] == (1.0, 1, 1)
    assert v["requests.on_time.appeal"] == (1.0, 1, 1)
    assert v["requests.on_time.correction"] == (1.0, 1, 1)
    assert v["requests.on_time.data-service"] == (1.0, 1, 1)
    # A7 (due 11-16) still open on 12-01: late.
    assert v["requests.on_time.opening-application"] == (0.0, 0, 1)
    # All types: A1, A3, A4, A5, A6 on time; A2, A7 late = 5 of 7.
    assert v["requests.on_time"] == (5 / 7, 5, 7)
    # Working days: A1 03-02→03-13 = 9; A2 →03-25 = 17; A3 →03-12 = 8 minus the pause
    # 03-04→03-09 (3) = 5; A4 03-26→03-31 = 3; A5 11-02→11-06 = 4; A6 11-02→11-05 = 3.
    # Sorted [3, 3, 4, 5, 9, 17]: median (4 + 5) / 2 = 4.5; p90 at 4.5: 9 + (17 - 9) * 0.5 = 13.
    assert v["requests.median_days"][0] == 4.5
    assert v["requests.p90_days"][0] == 13
    # Decided grants/refusals: A1 granted, A2 refused, A3 granted.
    assert v["requests.granted"] == (2, 2, 3)
    assert v["requests.grant_ratio"] == (2 / 3, 2, 3)
    assert v["requests.refused"] == (1, 1, 3)
    # A4 overturned the refusal; A5 fixed the data.
    assert v["requests.overturned"] == (1, 1, 1)
    assert v["requests.corrections_fixed"] == (1, 1, 1)
    # A7 names ent-2 (an opening application for data not in the repository).
    assert values("entity", "ent-2")["requests.on_time.opening-application"] == (0.0, 0, 1)


def test_directory_use_stale_and_unrecorded(world):
    """Directory upkeep, use figures, stale datasets; violations are not recorded yet."""
    v = values()
    # Changes in 2026: x1 (03-02, due 03-23, released 03-10: on time), x2 (released 04-01:
    # late); x3 changed 11-20 is not due yet (12-11) and unreleased; x4 withdrawn, never
    # released.  1 of 2.
    assert v["directories.updated_on_time"] == (1 / 2, 1, 2)
    # Live entries x1, x2, x3: checked in 2026 x1 (05-01), x3 (02-01) = 2 of 3; open x1, x3.
    assert v["directories.checked"] == (2 / 3, 2, 3)
    assert v["directories.openness"] == (2 / 3, 2, 3)
    # Open plan 2026: x1 opened; x2 not open; the third item names no entry = 1 of 3.
    assert v["directories.open_plan_delivered"] == (1 / 3, 1, 3)
    # Statistics: views rec-1a x3 + rec-3a x1 = 4; downloads rec-1a x2 = 2.
    assert v["use.views"][0] == 4
    assert v["use.downloads"][0] == 2
    assert values("entity", "ent-1")["use.views"][0] == 3
    if today().year == YEAR:  # the audit entry is written now
        assert v["use.conditional_downloads"][0] == 1
    # A6 delivered, paid by a voucher.
    assert v["use.services_delivered"] == (1, 1, 1)
    assert v["use.vouchers"] == (1, 1, 1)
    # Stale (as of 12-01): rec-1a monthly, last version 03-01: stale; rec-3a yearly
    # (02-01 → 2027-02-02): not; rec-2a irregular, rec-1c and rec-3b without a cycle: not
    # counted.  1 of 2.
    assert v["stale.datasets"] == (1, 1, 2)
    rows = {r["key"]: r for r in service.indicators(system_identity, YEAR)}
    if compute.violation_register() is None:
        # No register installed: listed with no value and a note, never invented.
        assert rows["violations.registered"]["value"] is None
        assert rows["violations.registered"]["note"]
        return
    # Findings of 2026: V1, V2, V3 = 3.  Rectified on time: V1 (03-20, due 03-23) yes,
    # V2 (due 04-22, open on 12-01) no; V3 is not due yet (12-16) = 1 of 2.
    assert v["violations.registered"][0] == 3
    assert v["violations.rectified_on_time"] == (1 / 2, 1, 2)
    # dept-b through V2's project PRJ-3.
    assert values("department", "dept-b")["violations.registered"][0] == 1


def test_every_indicator_is_listed_once_with_its_definition(world):
    """Name (zh and en), formula, unit, article for every key."""
    rows = service.indicators(system_identity, YEAR)
    assert [r["key"] for r in rows] == [i.key for i in INDICATORS]
    for row in rows:
        assert row["names"]["zh"] != row["names"]["en"], row["key"]
        assert row["formula"] and row["unit"] in ("count", "ratio", "days")
        assert "CD-TD Art. 26" in row["article"]


def test_periods(world):
    """Q1 holds the March reviews; Q4 the November ones."""
    q1 = values(period="Q1")
    # Q1: R1, R3, R3b on time, R2 late (R4 is dated by its due date 11-09: Q4).
    assert q1["reviews.deposit_on_time"] == (3 / 4, 3, 4)
    q4 = values(period="Q4")
    assert q4["reviews.deposit_on_time"] == (0.0, 0, 1)
    # Snapshot indicators are the same in every period.
    assert q1["directories.openness"] == q4["directories.openness"] == (2 / 3, 2, 3)


def test_drill_down_lists_the_late_items(world):
    """The items behind a number: the late requests of an on-time ratio."""
    late = service.items(system_identity, "requests.on_time", YEAR, subset="rest")
    assert sorted(i["item"] for i in late) == sorted(
        [world["requests"]["A2"], world["requests"]["A7"]])
    a2 = [i for i in late if i["item"] == world["requests"]["A2"]][0]
    # A2 answered 03-25, due 03-23: two working days late (03-24, 03-25).
    assert a2["detail"]["days_late"] == 2 and a2["entity"] == "ent-3"
    planned = service.items(system_identity, "deposit.deposited", YEAR, None, "department",
                            "dept-a", subset="rest")
    assert [i["item"] for i in planned] == ["PRJ-1/b"]
    # Ranking of departments by deposit rate: dept-b (1.0) before dept-a (2/3).
    ranking = service.ranking(system_identity, "deposit.deposited", YEAR, "department")
    assert [(r["scope_id"], r["rank"]) for r in ranking] == [("dept-b", 1), ("dept-a", 2)]
    # A trend line: 2025 has nothing planned.
    series = service.series(system_identity, "deposit.planned", [2025, 2026])
    assert [s["value"] for s in series] == [0, 5]


def test_stale_datasets_are_listed_for_their_owner(world):
    """The owner sees their stale dataset (LZ Art. 30)."""
    from tests.evaluation.world import identity_with  # noqa: PLC0415 (test helper)
    owner = identity_with(user_id=world["owner"].id)
    if today().year != YEAR:
        pytest.skip("stale datasets are listed for the current year")
    assert [r["item"] for r in service.stale_datasets(owner)] == ["rec-1a"]
    assert service.stale_datasets(identity_with(user_id=12345)) == []
    assert [r["item"] for r in service.stale_datasets(system_identity)] == ["rec-1a"]
    assert ON.year == YEAR
