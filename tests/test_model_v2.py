"""Schema version 2's rules, each worked by hand on one segment so a reader can redo the arithmetic.

The segment (tests/factories.py): 10,000 customers × 10 visits × 2% conversion × 50 order value
= 100,000 of revenue a year, 10 per customer; gross margin 50%; retention 80%; everyone
identifiable and consented unless a test says otherwise. The process is at maturity 5 with no
ramp (realisation 100%, full effect from launch) unless a test says otherwise. Discount 10%.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import roi
import roi.share
from roi import engine
from roi.schema import SCHEMA_VERSION

from .factories import INSTANT_PROCESS, SEGMENT, initiative
from .strategies import v1_scenario_dicts


def v2(initiatives: list[dict[str, Any]], segments: list[dict[str, Any]] | None = None,
       process: dict[str, Any] | None = None, **settings: Any) -> roi.Scenario:
    """A version-2 scenario with no risk adjustment unless asked, 10% discount, 3 years."""
    base_settings = {"name": "Hand-checked v2", "currency": "EUR", "horizon_years": 3, "discount_rate": 0.10,
                     "benefit_risk_assumed": 0.0, "benefit_risk_benchmark": 0.0, "benefit_risk_measured": 0.0}
    return roi.parse_scenario({
        "schema_version": SCHEMA_VERSION,
        "settings": {**base_settings, **settings},
        "segments": copy.deepcopy(segments or [SEGMENT]),
        "process": dict(process if process is not None else INSTANT_PROCESS),
        "initiatives": copy.deepcopy(initiatives),
    })


FREE = {"one_time_cost": 0, "annual_running_cost": 0, "variable_campaign_cost": 0}


def retention(**kw: Any) -> dict[str, Any]:
    return initiative(name="Keep", outcome="retention", lever="retention", uplift={"low": 0.1, "base": 0.1,
                                                                                   "high": 0.1}, **{**FREE, **kw})


# --------------------------------------------------------------------------- retention timing

def test_mid_year_retention_by_hand():
    # Each year a further n × r × g = 10,000 × 0.8 × 0.1 = 800 customers stay; the stock at the end
    # of years 1–3 is E = 800, 0.8 × 800 + 800 = 1,440, 0.8 × 1,440 + 800 = 1,952.
    # Start of year: revenue = E_t × 10 = 8,000, 14,400, 19,520.
    # Mid-year: (E_{t−1} + E_t)/2 × 10 = 4,000, 11,200, 16,960.
    start = roi.evaluate(v2([retention()], retention_timing="start_of_year")).initiatives[0]
    mid = roi.evaluate(v2([retention()], retention_timing="mid_year")).initiatives[0]
    np.testing.assert_allclose(start.revenue, [0, 8_000, 14_400, 19_520])
    np.testing.assert_allclose(mid.revenue, [0, 4_000, 11_200, 16_960])
    np.testing.assert_allclose(mid.benefit, [0, 2_000, 5_600, 8_480])  # × 50% margin


def test_value_beyond_the_horizon_by_hand():
    # 1,952 extra customers remain at the end of year 3, each worth 10 × 50% = 5 of gross profit a year.
    # Start of year: year 3 + k holds 1,952 × 0.8^k, so at the end of year 3 they are worth
    # 1,952 × 5 × Σ (0.8/1.1)^k = 1,952 × 5 × (0.8/1.1)/(1 − 0.8/1.1) = 1,952 × 5 × 8/3 = 26,026.67;
    # at year 0: ÷ 1.1³ = 19,554.22.
    # Mid-year: year 3 + k earns 1,952 × 0.8^(k−1) × (1 + 0.8)/2 → 1,952 × 5 × 1.8/2.2 × 1/(1 − 0.8/1.1)
    # = 1,952 × 5 × 3 = 29,280; at year 0: 21,998.50.
    start = roi.evaluate(v2([retention()], retention_timing="start_of_year"))
    mid = roi.evaluate(v2([retention()], retention_timing="mid_year"))
    q100 = (0.8 / 1.1) ** 100  # the 100 years followed leave this much out (1e-14)
    assert start.beyond_horizon_value == pytest.approx(1_952 * 5 * 8 / 3 * (1 - q100) / 1.1**3, rel=1e-12)
    assert start.beyond_horizon_value == pytest.approx(19_554.22, abs=0.01)
    assert mid.beyond_horizon_value == pytest.approx(21_998.50, abs=0.01)
    # risk-adjusted like the initiative's other benefits; in NPV only when counted
    risky = roi.evaluate(v2([retention()], retention_timing="mid_year", benefit_risk_assumed=0.2))
    assert risky.beyond_horizon_value == pytest.approx(0.8 * 21_998.50, abs=0.01)
    counted = roi.evaluate(v2([retention()], retention_timing="mid_year", include_beyond_horizon=True))
    assert counted.npv == pytest.approx(mid.npv + 21_998.50, abs=0.01)
    assert counted.pv_benefits == pytest.approx(mid.pv_benefits + 21_998.50, abs=0.01)
    assert counted.payback_months == mid.payback_months  # cash inside the horizon only
    assert counted.summary()["beyond_horizon_value"] == pytest.approx(21_998.50, abs=0.01)


# --------------------------------------------------------------------------- contextual reach

def test_contextual_initiative_reaches_everyone():
    # Half identifiable, half of them consented: 25% personalizable. A +10% conversion initiative
    # on profile reaches 25% of the 100,000 → 2,500 a year; by context, everyone → 10,000 a year.
    seg = {**SEGMENT, "identifiable_share": 0.5, "consent_share": 0.5}
    by_profile = roi.evaluate(v2([initiative(uplift={"low": 0.1, "base": 0.1, "high": 0.1}, **FREE)], [seg]))
    by_context = roi.evaluate(v2([initiative(uplift={"low": 0.1, "base": 0.1, "high": 0.1},
                                             requires_identity=False, **FREE)], [seg]))
    np.testing.assert_allclose(by_profile.initiatives[0].revenue, [0, 2_500, 2_500, 2_500])
    np.testing.assert_allclose(by_context.initiatives[0].revenue, [0, 10_000, 10_000, 10_000])
    assert by_profile.initiatives[0].reachable_customers == 2_500
    assert by_context.initiatives[0].reachable_customers == 10_000


# --------------------------------------------------------------------------- risk by evidence

def test_each_benefit_carries_the_risk_of_its_evidence():
    # Three +10% conversion initiatives on three copies of the segment (no overlap, no interaction):
    # each earns 10,000 of revenue, 5,000 of gross profit a year. Assumed 25% → 3,750; benchmark
    # 15% → 4,250; measured 5% → 4,750; an override of 40% → 3,000.
    segs = [{**SEGMENT, "name": f"S{k}"} for k in range(4)]
    inis = [initiative(name=f"I{k}", segments=[f"S{k}"], uplift={"low": 0.1, "base": 0.1, "high": 0.1},
                       evidence={"kind": kind}, **FREE)
            for k, kind in enumerate(["assumed", "benchmark", "measured", "assumed"])]
    inis[3]["benefit_risk"] = 0.4
    case = roi.evaluate(v2(inis, segs, benefit_risk_assumed=0.25, benefit_risk_benchmark=0.15,
                           benefit_risk_measured=0.05))
    assert [i.benefit[1] for i in case.initiatives] == pytest.approx([3_750, 4_250, 4_750, 3_000])
    assert [i.benefit_risk for i in case.initiatives] == [0.25, 0.15, 0.05, 0.4]
    # the effective haircut over the programme: 1 − 15,750 / 20,000
    assert case.effective_benefit_risk == pytest.approx(1 - 15_750 / 20_000)


def test_a_measured_uplift_is_not_cut_again_by_maturity():
    # Maturity 1 everywhere: realisation = the 50% floor; no ramp. An assumed +10% conversion uplift
    # realises 5% → 5,000 a year; a measured one keeps its 10% → 10,000 (it was measured in this
    # organisation as it runs), unless the settings say to scale measured uplifts too.
    process = {"alignment": 1, "test_and_learn": 1, "feedback_loop": 1, "governance": 1,
               "ramp_months_slowest": 0, "ramp_months_fastest": 0}
    up = {"low": 0.1, "base": 0.1, "high": 0.1}
    assumed = roi.evaluate(v2([initiative(uplift=up, **FREE)], process=process))
    measured = roi.evaluate(v2([initiative(uplift=up, evidence={"kind": "measured"}, **FREE)], process=process))
    scaled = roi.evaluate(v2([initiative(uplift=up, evidence={"kind": "measured"}, **FREE)], process=process,
                             realise_measured_uplift=True))
    assert assumed.initiatives[0].revenue[1] == pytest.approx(5_000)
    assert measured.initiatives[0].revenue[1] == pytest.approx(10_000)
    assert scaled.initiatives[0].revenue[1] == pytest.approx(5_000)


# --------------------------------------------------------------------------- decay, effort, cross term

def test_effect_decay_by_hand():
    # +10% conversion, no ramp, launched at once, 50% decay a year: the effect is 0.5^(m/12); its
    # average over year 1 is (1 − 0.5) / ln 2 = 0.72135, over year 2 half that. Revenue:
    # 100,000 × 10% × 0.72135 = 7,213.48, then 3,606.74, then 1,803.37.
    case = roi.evaluate(v2([initiative(uplift={"low": 0.1, "base": 0.1, "high": 0.1}, effect_decay=0.5, **FREE)]))
    year1 = 10_000 * 0.5 / math.log(2)
    np.testing.assert_allclose(case.initiatives[0].revenue, [0, year1, year1 / 2, year1 / 4])
    assert year1 == pytest.approx(7_213.48, abs=0.01)


def test_effort_becomes_a_one_time_cost_when_priced():
    # 10 FTE-months at 8,000 each = 80,000 at year 0, raised 10% by the cost risk = 88,000.
    ini = initiative(effort_fte_months=10, **FREE)
    free = roi.evaluate(v2([ini], cost_risk=0.1))
    priced = roi.evaluate(v2([ini], process={**INSTANT_PROCESS, "fte_month_cost": 8_000}, cost_risk=0.1))
    assert free.initiatives[0].cost[0] == 0
    assert priced.initiatives[0].cost[0] == pytest.approx(88_000)
    assert priced.npv == pytest.approx(free.npv - 88_000)


def test_levers_on_one_segment_combine_multiplicatively():
    # Conversion +10% and order value +20% on the same customers: revenue = visits × conversion ×
    # order value rises by 1.1 × 1.2 − 1 = 32% → 32,000 a year, not 10% + 20% = 30,000. Each lever
    # gets its Shapley share: conversion 10% × (1 + 20%/2) = 11% → 11,000, order value
    # 20% × (1 + 10%/2) = 21% → 21,000; the cross term is 1,000 each.
    inis = [initiative(name="Convert", uplift={"low": 0.1, "base": 0.1, "high": 0.1}, **FREE),
            initiative(name="Basket", lever="order_value", uplift={"low": 0.2, "base": 0.2, "high": 0.2}, **FREE)]
    mult = roi.evaluate(v2(inis))
    add = roi.evaluate(v2(inis, lever_combination="additive"))
    assert [i.revenue[1] for i in mult.initiatives] == pytest.approx([11_000, 21_000])
    assert [i.revenue[1] for i in add.initiatives] == pytest.approx([10_000, 20_000])
    assert [i.lever_interaction for i in mult.initiatives] == pytest.approx([3_000, 3_000])  # 1,000 × 3 years
    assert mult.lever_interaction == pytest.approx(6_000)
    # three levers: (1.1)(1.2)(1.05) − 1 = 38.6% in all
    three = inis + [initiative(name="Often", lever="purchase_frequency", uplift={"low": 0.05, "base": 0.05,
                                                                                "high": 0.05}, **FREE)]
    assert roi.evaluate(v2(three)).incremental_revenue == pytest.approx(3 * 38_600)


def test_revenue_per_campaign_unit_counts_only_initiatives_that_carry_campaign_cost():
    # A journey with 5,000 a year of campaign cost earns 10,000 a year; a site-wide test with none
    # earns 20,000 (own segments, no interaction). Ratio = 30,000 / 15,000 = 2.0 (not 90,000 / 15,000);
    # 60,000 of revenue comes from initiatives without campaign cost.
    segs = [{**SEGMENT, "name": "A"}, {**SEGMENT, "name": "B"}]
    inis = [initiative(name="Journey", segments=["A"], uplift={"low": 0.1, "base": 0.1, "high": 0.1},
                       one_time_cost=0, annual_running_cost=0, variable_campaign_cost=5_000),
            initiative(name="Site test", segments=["B"], uplift={"low": 0.2, "base": 0.2, "high": 0.2}, **FREE)]
    case = roi.evaluate(v2(inis, segs))
    assert case.revenue_per_campaign_dollar == pytest.approx(2.0)
    assert case.revenue_without_campaign_cost == pytest.approx(60_000)
    assert case.initiatives[1].revenue_per_campaign_dollar is None
    assert case.summary()["revenue_without_campaign_cost"] == pytest.approx(60_000)


def test_programme_calibration_scales_revenue_not_savings():
    # A holdout measured 80% of the claimed revenue: revenue × 0.8; a cost saving stays as it is.
    cal = {"factor": 0.8, "test_name": "Global holdout", "exposed_customers": 9_000, "holdout_customers": 1_000,
           "incremental_revenue_per_customer": 0.8, "ci": [0.2, 1.4], "confidence": 0.95, "p_value": 0.01,
           "claimed_revenue_per_customer": 1.0}
    inis = [initiative(uplift={"low": 0.1, "base": 0.1, "high": 0.1}, **FREE),
            initiative(name="Save", outcome="efficiency", lever="cost_saving", segments=[], cost_base=100_000,
                       uplift={"low": 0.1, "base": 0.1, "high": 0.1}, **FREE)]
    plain = roi.evaluate(v2(inis))
    data = v2(inis).model_dump(mode="json")
    data["calibration"] = cal
    calibrated = roi.evaluate(roi.parse_scenario(data))
    assert calibrated.initiatives[0].revenue[1] == pytest.approx(0.8 * plain.initiatives[0].revenue[1])
    assert calibrated.initiatives[1].benefit[1] == pytest.approx(plain.initiatives[1].benefit[1])
    assert calibrated.calibration_factor == 0.8


# --------------------------------------------------------------------------- migration

V1_DIR = roi.io.DATA_DIR.parent / "tests" / "data" / "v1"
# Computed by the version-1 engine (commit 453504a, `python -m roi summary FILE --json`) on the
# sample files as they were: a migrated file must give these again.
V1_REFERENCE = {
    "consumer_goods_brand": (1608509.003964337, 0.5849226576424502, 21.629273403931393,
                             [1914583.373267, 1175950.330264, -107673.340022, 964830.230106, -422859.275601]),
    "european_retailer": (585330.747041401, 0.17040353517828377, 29.517224167801942,
                          [3791619.31265, 929467.147189, -885035.054329, 1916950.706757, -618509.864871,
                           270590.565762]),
    "retail_bank": (-180077.08050869522, 0.0856062909134756, 50.30666985923018,
                    [4486645.441792, -456866.211822, -397927.627947, 1217657.348463, 31848.514584]),
}


@pytest.mark.parametrize("name", sorted(V1_REFERENCE))
def test_version_1_samples_mean_what_they_meant(name):
    scenario, migration = roi.io.load_scenario_migrated(V1_DIR / f"{name}.json")
    assert migration.changed and migration.from_version == 1 and scenario.schema_version == SCHEMA_VERSION
    case = roi.evaluate(scenario)
    npv, irr, payback, initiative_npvs = V1_REFERENCE[name]
    assert case.npv == pytest.approx(npv, rel=1e-12)
    assert case.irr == pytest.approx(irr, rel=1e-9)
    assert case.payback_months == pytest.approx(payback, rel=1e-12)
    assert [i.npv for i in case.initiatives] == pytest.approx(initiative_npvs, abs=1e-5)


def test_version_1_share_link_still_opens_with_its_meaning():
    token = (V1_DIR / "european_retailer.link.txt").read_text().strip()
    scenario = roi.share.decode_scenario(token)  # made by the version-1 app: no schema_version inside
    assert roi.evaluate(scenario).npv == pytest.approx(V1_REFERENCE["european_retailer"][0], rel=1e-12)


def test_version_1_workbook_still_imports_with_its_meaning():
    from roi.export.xlsx_import import scenario_from_workbook

    scenario = scenario_from_workbook(V1_DIR / "consumer_goods_brand.xlsx")
    assert scenario.settings.benefit_risk_assumed == scenario.settings.benefit_risk_measured == 0.15
    assert roi.evaluate(scenario).npv == pytest.approx(V1_REFERENCE["consumer_goods_brand"][0], rel=1e-12)


def test_migrate_command_writes_the_version_2_file(tmp_path):
    from roi.cli import main

    out = tmp_path / "bank.json"
    assert main(["migrate", str(V1_DIR / "retail_bank.json"), "-o", str(out)]) == 0
    migrated = roi.load_scenario(out)
    assert migrated.schema_version == SCHEMA_VERSION
    assert migrated.settings.retention_timing.value == "start_of_year"
    assert roi.evaluate(migrated).npv == pytest.approx(V1_REFERENCE["retail_bank"][0], rel=1e-12)
    # a migrated file is read as version 2 and means the same
    assert roi.io.load_scenario_migrated(out)[1].changed is False


def test_validate_says_a_file_was_migrated(capsys):
    from roi.cli import main

    assert main(["validate", str(V1_DIR / "retail_bank.json")]) == 0
    assert "migrated from schema version 1 to 2" in capsys.readouterr().out
    assert main(["validate", str(roi.sample_paths()["retail_bank"])]) == 0
    assert "migrated" not in capsys.readouterr().out


def test_unknown_schema_versions_are_refused_clearly():
    data = roi.load_sample("retail_bank").model_dump(mode="json")
    data["schema_version"] = 3
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert exc.value.problems == ["schema_version: 3 is newer than this tool, which reads versions 1 to 2; "
                                  "update the tool"]
    data["schema_version"] = True
    with pytest.raises(roi.ScenarioError):
        roi.parse_scenario(data)


def test_numbers_are_strict_at_the_boundary():
    # JSON true is not a 100% rate, and "0.1" is not a number: both are refused naming the field.
    data = roi.load_sample("retail_bank").model_dump(mode="json")
    data["settings"]["discount_rate"] = True
    data["segments"][0]["customers"] = "1000"
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert [p.split(":")[0] for p in exc.value.problems] == ["settings.discount_rate", "segments[0].customers"]


def test_share_links_carry_the_schema_version():
    s = roi.load_sample("european_retailer")
    assert roi.share.decode_scenario(roi.share.encode_scenario(s)) == s


def test_engine_inputs_follow_the_scenario():
    sc = v2([initiative(evidence={"kind": "benchmark"}, effect_decay=0.3, requires_identity=False, **FREE)],
            benefit_risk_benchmark=0.15)
    structure, x = engine.build(sc)
    assert x.benefit_risk.tolist() == [[0.15]] and x.decay.tolist() == [[0.3]]
    assert structure.pair_identity.tolist() == [False] and structure.multiplicative


def test_risk_by_evidence_defaults_are_the_documented_ones():
    """data/risk_by_evidence.csv states the defaults as assumptions; the schema uses the same figures."""
    import pandas as pd

    from roi.schema import DEFAULT_BENEFIT_RISK, Settings

    table = pd.read_csv(roi.io.DATA_DIR / "risk_by_evidence.csv")
    assert dict(zip(table.evidence, table.benefit_risk)) == {k.value: v for k, v in DEFAULT_BENEFIT_RISK.items()}
    assert (table.source == "assumption").all()
    fresh = Settings(name="x")
    assert (fresh.benefit_risk_assumed, fresh.benefit_risk_benchmark, fresh.benefit_risk_measured) == (0.25, 0.15, 0.05)


@settings(max_examples=60, deadline=None)
@given(v1_scenario_dicts())
def test_a_version_1_file_and_its_version_2_form_give_the_same_case(data):
    """A version-1 file, and the version-2 file written by hand with the new inputs at their
    version-1 meaning (flat benefit risk, start-of-year retention, additive levers, measured uplifts
    scaled by maturity, everyone needs identity, no decay, no effort cost), give the same case."""
    flat = data["settings"]["benefit_risk"]
    by_hand = copy.deepcopy(data)
    s = by_hand["settings"]
    del s["benefit_risk"]
    s.update({"benefit_risk_assumed": flat, "benefit_risk_benchmark": flat, "benefit_risk_measured": flat,
              "retention_timing": "start_of_year", "lever_combination": "additive", "realise_measured_uplift": True,
              "uplift_correlation": 0.0})
    by_hand["schema_version"] = 2
    for ini in by_hand["initiatives"]:
        ini.update({"requires_identity": True, "effect_decay": 0.0, "benefit_risk": None})
    by_hand["process"]["fte_month_cost"] = 0.0
    migrated, explicit = roi.parse_scenario(copy.deepcopy(data)), roi.parse_scenario(by_hand)
    assert migrated == explicit
    a, b = roi.evaluate(migrated), roi.evaluate(explicit)
    assert a.npv == b.npv and [i.npv for i in a.initiatives] == [i.npv for i in b.initiatives]
