"""The deck's and the brief's shared content: the assumptions the case rests on, checked by hand."""

from __future__ import annotations

import roi
from roi.export.content import gather


def test_key_assumptions_of_the_european_retailer_by_hand():
    """Totals from data/european_retailer.json, added by hand:
    one-time 450 + 250 + 300 + 150 + 350 + 200 = €1,700K; running 180 + 90 + 60 + 120 + 100 + 50 = €600K;
    campaign 300 + 600 + 900 + 0 + 800 + 0 = €2,600K per year; personalizable customers
    5.2M × 76% + 6.5M × 51% + 21M × 7.5% = 3,952,000 + 3,315,000 + 1,575,000 = 8,842,000 of 32.7M;
    base uplifts 2.5% (testing and CRO) … 20% (campaign automation); evidence 1 benchmark, 5 assumed;
    one segment (loyalty members) names a source."""
    c = gather(roi.load_sample("european_retailer"))
    rows = {label: (value, source) for label, value, source in c.key_assumptions()}
    assert rows["Costs of all 6 initiatives"] == ("€1.7M one-time; €600K running and €2.6M campaign per year",
                                                 "assumption")
    assert rows["Audience: 3 segments"] == ("8,842,000 personalizable of 32,700,000 customers",
                                            "1 of 3 sourced; the rest assumption")
    assert rows["Uplifts of all 6 initiatives"] == ("2.5% … 20.0% (base)", "1 benchmark, 5 assumed")
    assert rows["Discount rate"][0] == "10%" and "Forrester" in rows["Discount rate"][1]
    # the plan's first three moves, each with its uplift range and evidence
    firsts = [label for label in rows if label.startswith("Do first — ")]
    assert [f.removeprefix("Do first — ").split(": uplift")[0] for f in firsts] == c.first_moves(3)
    assert rows["Do first — Product recommendations: uplift (Order value)"][0] == "7.0% (3.0% … 12.0%)"


def test_appendix_rows_cover_every_initiative_and_segment():
    c = gather(roi.load_sample("retail_bank"))
    ini, seg = c.initiative_assumptions(), c.segment_assumptions()
    assert [r[0] for r in ini] == [i.name for i in c.scenario.initiatives] and all(len(r) == 8 for r in ini)
    assert [r[0] for r in seg] == [g.name for g in c.scenario.segments] and all(len(r) == 4 for r in seg)


def test_detail_rows_leave_out_the_uplifts_already_shown_as_first_moves():
    """The brief lists the first moves' uplifts once (in the key rows), their costs still in the detail."""
    c = gather(roi.load_sample("retail_bank"))
    first = c.first_moves(3)
    labels = [label for label, _, _ in c.key_assumptions() + c.detail_assumptions(shown=first)]
    for name in (i.name for i in c.scenario.initiatives):
        assert sum(f"{name}: uplift (" in lab for lab in labels) == 1, name
        assert f"{name}: costs" in labels
    assert len(c.detail_assumptions()) == len(c.detail_assumptions(shown=first)) + len(first)
