"""Feedback loop (roi.experiments.feedback): a measured result replaces the assumed uplift."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import roi
from roi.experiments import analyze_ab, apply_result
from roi.schema import EvidenceKind

from .factories import initiative, scenario, scenario_dict

DAY = dt.date(2025, 3, 14)


def _case():
    return scenario([
        initiative(name="Recs", uplift={"low": 0.2, "base": 0.5, "high": 0.8}),
        initiative(name="Basket", lever="order_value"),
    ])


def test_measured_uplift_replaces_the_assumption():
    s = _case()
    r = analyze_ab(10_000, 500, 10_000, 600)
    new = apply_result(s, "Recs", r, test_name="Recs A/B, March", date=DAY)
    ini = next(i for i in new.initiatives if i.name == "Recs")
    assert (ini.uplift.low, ini.uplift.base, ini.uplift.high) == pytest.approx(
        (r.ci_rel_lift[0], 0.20, r.ci_rel_lift[1]))
    assert ini.evidence.kind == EvidenceKind.measured
    assert ini.evidence.source == "Recs A/B, March" and ini.evidence.year == 2025
    m = ini.evidence.measured
    assert (m.visitors_a, m.conversions_a, m.visitors_b, m.conversions_b) == (10_000, 500, 10_000, 600)
    assert m.p_value == pytest.approx(r.p_value) and m.significant and m.date == "2025-03-14"


def test_change_is_recorded_and_the_original_is_untouched():
    s = _case()
    before = s.model_dump()
    new = apply_result(s, "Recs", analyze_ab(10_000, 500, 10_000, 600), test_name="T1", date=DAY, note="Q1 review")
    assert s.model_dump() == before and s.changes == []
    (rec,) = new.changes
    assert rec.initiative == "Recs" and rec.date == "2025-03-14" and rec.note == "Q1 review"
    assert (rec.before.low, rec.before.base, rec.before.high) == (0.2, 0.5, 0.8)
    assert rec.after.base == pytest.approx(0.2)
    assert rec.evidence_before == EvidenceKind.assumed and rec.evidence_after == EvidenceKind.measured
    assert "reject the null" in rec.reason and rec.result.conversions_b == 600
    # a second test appends, oldest first
    newer = apply_result(new, "Recs", analyze_ab(20_000, 1_000, 20_000, 1_100), test_name="T2", date=DAY)
    assert [c.result.test_name for c in newer.changes] == ["T1", "T2"]
    assert newer.changes[1].before.base == pytest.approx(0.2)


def test_business_case_moves_with_the_measured_uplift():
    s = _case()
    new = apply_result(s, "Recs", analyze_ab(10_000, 500, 10_000, 600), test_name="T", date=DAY)
    old_case, new_case = roi.evaluate(s), roi.evaluate(new)
    # +50% assumed → +20% measured: the Recs initiative's revenue falls in proportion (one segment, no overlap)
    assert new_case.initiative("Recs").incremental_revenue == pytest.approx(
        old_case.initiative("Recs").incremental_revenue * 0.2 / 0.5)
    assert new_case.npv < old_case.npv
    assert new_case.initiative("Recs").evidence == "measured"


def test_shrunk_result_is_applied_when_computed():
    r = analyze_ab(10_000, 500, 10_000, 560, shrinkage_prior_sd=0.05)
    new = apply_result(_case(), "Recs", r, test_name="T", date=DAY)
    ini = new.initiatives[0]
    assert ini.uplift.base == pytest.approx(r.shrunk_rel_lift)
    assert ini.evidence.measured.shrinkage_factor == pytest.approx(r.shrinkage_factor)
    assert "shrunk" in new.changes[0].reason and "not proven" in new.changes[0].reason


def test_round_trips_through_json():
    new = apply_result(_case(), "Recs", analyze_ab(10_000, 500, 10_000, 600), test_name="T", date=DAY)
    again = roi.loads_scenario(roi.dumps_scenario(new))
    assert again == new


def test_scenarios_without_changes_still_validate():
    data = scenario_dict()
    assert "changes" not in data
    assert roi.parse_scenario(json.loads(json.dumps(data))).changes == []


@pytest.mark.parametrize(
    "name, result, test_name, message",
    [
        ("Nope", analyze_ab(100, 5, 100, 6), "T", "^initiative: unknown"),
        ("Basket", analyze_ab(100, 5, 100, 6), "T", "^initiative: 'Basket' pulls order_value"),
        ("Recs", analyze_ab(100, 0, 100, 6), "T", "^result: the control has no conversions"),
        ("Recs", analyze_ab(100, 5, 100, 6), "  ", "^test_name:"),
    ],
)
def test_refusals(name, result, test_name, message):
    with pytest.raises(ValueError, match=message):
        apply_result(_case(), name, result, test_name=test_name)


def test_extreme_lift_is_clipped_to_the_schema_range():
    # 1 conversion in A, 1,000 in B: lift +99,900% → capped at the schema's +1,000%.
    new = apply_result(_case(), "Recs", analyze_ab(1_000, 1, 1_000, 1_000), test_name="T", date=DAY)
    assert new.initiatives[0].uplift.high == 10.0 and new.initiatives[0].uplift.base == 10.0
