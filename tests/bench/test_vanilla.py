"""``scripts/bench vanilla``'s driver (``techdata.bench.vanilla``): its pieces, small n.

Building and serving the vanilla InvenioRDM (``scripts/lib/vanilla.sh``: a venv,
an instance, vocabularies, ~10 min once) is run by ``scripts/bench vanilla``
only; here the vanilla server is a fake that answers as InvenioRDM's REST API
does, and our side is the test app.
"""

import random

import pytest

from techdata.bench.measure import BenchError, Journey
from techdata.bench.seed import synthetic_row
from techdata.bench.vanilla import (SEED, OursSide, Side, VanillaSide, print_side_by_side, ratios,
                                    report, seed_vanilla, side_by_side, vanilla_draft)
from tests.bench.conftest import refresh_indices


class FakeRdm:
    """InvenioRDM's REST answers for the calls the driver makes; logs each call."""

    def __init__(self, name, log, records=0, status=200):
        """``records`` published already; reads answer ``status``."""
        self.name, self.log, self.records, self.status = name, log, records, status
        self.drafts = {}

    def call(self, method, path, headers=None, json=None, data=None, params=None):
        """The bench's ``Http.call`` contract."""
        self.log.append((self.name, method, path))
        if method == "POST" and path == "/api/records":
            rid = f"r{len(self.drafts)}"
            self.drafts[rid] = {"draft": json, "steps": []}
            return 201, {"id": rid}, b""
        if method in ("POST", "PUT") and "/draft" in path:
            rid = path.split("/")[3]
            self.drafts[rid]["steps"].append(path.split("/draft")[1])
            if path.endswith("/actions/publish"):
                self.records += 1
                return 202, {"id": rid}, b""
            return (201 if path.endswith("/draft/files") else 200), {}, b""
        if self.status != 200:
            return self.status, None, b"Too Many Requests"
        size = int((params or {}).get("size", 10))
        hits = [{"id": f"seed{k}"} for k in range(min(size, self.records))]
        return 200, {"hits": {"hits": hits, "total": self.records},
                     "aggregations": {"resource_type": {}, "subjects": {}}}, b"{}"


class FakeSide(Side):
    """A side whose deposit takes no time (its HTTP is a ``FakeRdm``)."""

    def __init__(self, name, http):
        """Named ``name``."""
        super().__init__(http)
        self.name = name

    def deposit(self, i):
        """Log the deposit of ``i``."""
        self.http.log.append((self.name, "DEPOSIT", i))
        return {"draft_file": 1.0, "publish": 2.0}


def test_vanilla_gets_the_seeded_datasets_shape():
    """Vanilla's dataset i has bench-seed's titles, abstracts, subjects, creator and file."""
    draft, key, content = vanilla_draft(7)
    row = synthetic_row(7, random.Random(SEED + 7))
    md = draft["metadata"]
    assert md["title"] == row["title_zh"]
    assert md["additional_titles"][0]["title"] == row["title_en"]
    assert row["abstract_zh"] in md["description"] and row["abstract_en"] in md["description"]
    assert [s["subject"] for s in md["subjects"]] == row["subjects"]
    assert md["creators"][0]["person_or_org"]["family_name"] == row["creators"][0].split(",")[0]
    assert key == row["files"][0] and content.startswith(b"id,value\n7,")
    assert "custom_fields" not in draft


def test_vanilla_deposit_and_resumable_seed():
    """Draft, file (init, upload, commit), publish, in that order; the seed starts after
    what is published already and stops at the count."""
    log = []
    rdm = FakeRdm("vanilla", log, records=3)
    side = VanillaSide(rdm, {"Authorization": "Bearer x"})
    assert seed_vanilla(side, 5) == 2 and rdm.records == 5
    assert [d["steps"] for d in rdm.drafts.values()] == [
        ["/files", "/files/data_3.csv/content", "/files/data_3.csv/commit", "/actions/publish"],
        ["/files", "/files/data_4.csv/content", "/files/data_4.csv/commit", "/actions/publish"]]
    assert seed_vanilla(side, 5) == 0
    times = side.deposit(9)
    assert set(times) == {"draft_file", "publish", "deposit_without_reviews"}


def test_alternation_ratios_and_table():
    """Each request goes to both sides, the first side alternating by round; 429s are
    counted as errors, not timed; the table shows each measure with its ratio and goal."""
    log = []
    ours = FakeSide("ours", FakeRdm("ours", log, records=3))
    vanilla = FakeSide("vanilla", FakeRdm("vanilla", log, records=3))
    times, errors, aggs, ids = side_by_side(ours, vanilla, deposits=2, rounds=2, read_records=2)
    deposits = [e for e in log if e[1] == "DEPOSIT"]
    assert [(e[0]) for e in deposits] == ["ours", "vanilla", "vanilla", "ours"]
    searches = [e[0] for e in log if e[2] == "/api/records"][2:]  # after the picks
    assert searches[:2] == ["ours", "vanilla"] and searches[-2:] == ["vanilla", "ours"]
    assert len(times["ours"]["search_zh"]) == len(times["vanilla"]["search_zh"]) == 12
    assert len(times["ours"]["record_get"]) == 4 and len(times["ours"]["landing_page"]) == 4
    assert ids == {"ours": ["seed0", "seed1"], "vanilla": ["seed0", "seed1"]}
    assert aggs["ours"] == ["resource_type", "subjects"] and errors == {"ours": {}, "vanilla": {}}

    times = {"ours": {"record_get": [20.0, 30.0], "submit": [5.0], "publish": [30.0]},
             "vanilla": {"record_get": [10.0, 20.0], "publish": [30.0]}}
    rows = ratios(times)
    assert (rows["record_get"]["ratio_p50"], rows["record_get"]["ratio_p95"]) == (2.0, 1.5)
    assert rows["record_get"]["meets"] is False and rows["publish"]["meets"] is True
    assert rows["submit"]["ratio_p50"] is None and rows["submit"]["vanilla"] is None
    lines = []
    print_side_by_side(report(times, {"ours": {"landing_page": {"count": 2, "first": "HTTP 429"}},
                                      "vanilla": {}},
                              {"ours": ["category"], "vanilla": []}, {"ours": 3, "vanilla": 3},
                              {}), out=lines.append)
    text = "\n".join(lines)
    assert "2.00 / 1.50" in text and "OVER" in text and "ok" in text
    assert "ERRORS ours landing_page: 2" in text and "facets per search, ours: 1" in text


def test_a_side_without_records_stops_the_run():
    """Nothing seeded on one side: the run stops with a message, not a ratio of nothing."""
    log = []
    with pytest.raises(BenchError, match="vanilla: no seeded record"):
        side_by_side(FakeSide("ours", FakeRdm("ours", log, records=2)),
                     FakeSide("vanilla", FakeRdm("vanilla", log, records=0)), 1, 1)


def test_reads_refused_are_errors():
    """A side answering 429 to the reads has them as errors, the other side's are timed."""
    log = []
    ours = FakeSide("ours", FakeRdm("ours", log, records=2))
    vanilla = FakeSide("vanilla", FakeRdm("vanilla", log, records=2))
    pick = vanilla.http.call

    def refuse_after_the_pick(method, path, headers=None, json=None, data=None, params=None):
        if (params or {}).get("q") == "Synthetic benchmark":
            return pick(method, path, headers, json, data, params)
        return 429, None, b"Too Many Requests"

    vanilla.http.call = refuse_after_the_pick
    times, errors, _, _ = side_by_side(ours, vanilla, 0, 1, read_records=1)
    assert errors["ours"] == {} and errors["vanilla"]["search_zh"]["count"] == 6
    assert errors["vanilla"]["landing_page"]["first"].startswith("HTTP 429")
    assert times["vanilla"] == {} and len(times["ours"]["search_en"]) == 4


def test_our_deposit_publishes_through_the_reviews(running_app, db, bench_http, bench_actors,
                                                   city_centre):
    """Our side: draft + file, submit, curator decision, the reviewer's pass (timed as
    the publish); the record is then published."""
    side = OursSide(Journey(bench_http, bench_actors, str(city_centre.id),
                            refresh=refresh_indices))
    times = side.deposit(4242)
    assert set(times) == {"draft_file", "submit", "curator_decision", "confidentiality_find",
                          "publish", "deposit_without_reviews"}
    refresh_indices()
    status, body, _ = bench_http.call("GET", "/api/records", {"Accept": "application/json"},
                                      params={"q": "4242"})
    assert status == 200 and body["hits"]["total"] >= 1
