"""Breakeven uplift and cost: plugged back into roi.evaluate, NPV ≈ 0."""

from __future__ import annotations

import pytest

import roi
from roi.uncertainty import PROGRAMME, breakeven
from roi.synthetic import generate_scenario

from .factories import initiative, scenario

SAMPLES = list(roi.sample_paths())


def _edited(sc: roi.Scenario, edit) -> roi.Scenario:
    data = sc.model_dump(mode="json")
    edit(data)
    return roi.parse_scenario(data)


def _set_uplift(j: int, u: float):
    def edit(d):
        d["initiatives"][j]["uplift"] = {"low": min(u, d["initiatives"][j]["uplift"]["low"]), "base": u,
                                         "high": max(u, d["initiatives"][j]["uplift"]["high"])}
    return edit


@pytest.mark.parametrize("sc", [roi.load_sample(n) for n in SAMPLES] + [generate_scenario(10, 4, 5, seed=3)],
                         ids=SAMPLES + ["generated"])
def test_breakeven_uplift_plugged_back_gives_zero_npv(sc):
    rows = breakeven(sc)
    assert [r.name for r in rows] == [i.name for i in sc.initiatives] + [PROGRAMME]
    for j, r in enumerate(rows[:-1]):
        if r.breakeven_uplift is None:
            continue
        case = roi.evaluate(_edited(sc, _set_uplift(j, r.breakeven_uplift)))
        npv = case.initiatives[j].npv
        assert npv == pytest.approx(0, abs=1e-5 * max(r.pv_costs, 1)), r.name
        assert r.uplift_margin == pytest.approx((r.base_uplift - r.breakeven_uplift) / r.base_uplift)
        assert (r.npv >= 0) == (r.breakeven_uplift <= r.base_uplift + 1e-12)
    prog = rows[-1]
    if prog.breakeven_uplift is not None:
        m = prog.breakeven_uplift

        def scale(d):
            for i in d["initiatives"]:
                i["uplift"] = {k: v * m for k, v in i["uplift"].items()}

        assert roi.evaluate(_edited(sc, scale)).npv == pytest.approx(0, abs=1e-5 * max(prog.pv_costs, 1))


@pytest.mark.parametrize("name", SAMPLES)
def test_breakeven_cost_plugged_back_gives_zero_npv(name):
    sc = roi.load_sample(name)
    for j, r in enumerate(breakeven(sc)[:-1]):
        m = r.breakeven_cost_multiplier
        assert m is not None

        def costs(d, j=j, m=m):  # this initiative's costs × m (content cost is linear in assets)
            i = d["initiatives"][j]
            for f in ("one_time_cost", "annual_running_cost", "variable_campaign_cost", "content_assets"):
                i[f] *= m

        assert roi.evaluate(_edited(sc, costs)).initiatives[j].npv == pytest.approx(0, abs=1e-5 * r.pv_costs)


def test_linear_case_has_closed_form():
    """One initiative, no overlap: u* = base × PV(costs) / (NPV + PV(costs)) (worked by hand)."""
    sc = scenario([initiative(uplift={"low": 0.1, "base": 0.2, "high": 0.3})], horizon_years=3)
    r = breakeven(sc)[0]
    case = roi.evaluate(sc)
    pvc = r.pv_costs
    assert r.method == "linear"
    assert r.breakeven_uplift == pytest.approx(0.2 * pvc / (case.initiatives[0].npv + pvc), rel=1e-9)
    assert r.breakeven_cost_multiplier == pytest.approx(r.pv_benefits / pvc)


def test_unreachable_and_free_initiatives():
    costly = initiative(name="Costly", one_time_cost=1e12)
    free = initiative(name="Free", segments=["Everyone"], lever="order_value", one_time_cost=0,
                      annual_running_cost=0, variable_campaign_cost=0)
    rows = {r.name: r for r in breakeven(scenario([costly, free]))}
    assert rows["Costly"].breakeven_uplift is None and rows["Costly"].method == "none"
    assert rows["Free"].breakeven_uplift == 0.0
    assert rows["Free"].breakeven_cost_multiplier is None  # no cost: undefined, not infinite


def test_initiatives_solved_together_match_brent_one_at_a_time():
    """Overlapping initiatives (NPV not linear in the uplift) are solved together on arrays
    (Chandrupatla's method, scipy.optimize.elementwise); each root equals scipy's brentq on that
    initiative alone, through roi.evaluate, to 1e-9."""
    from scipy.optimize import brentq

    sc = roi.load_sample("european_retailer")
    rows = breakeven(sc)
    solved = [(j, r) for j, r in enumerate(rows[:-1]) if r.method == "chandrupatla"]
    assert solved  # the retailer has overlapping initiatives
    for j, r in solved:
        root = brentq(lambda u: roi.evaluate(_edited(sc, _set_uplift(j, u))).initiatives[j].npv, 0.0, 10.0,
                      xtol=1e-13, rtol=1e-13)
        assert r.breakeven_uplift == pytest.approx(root, rel=1e-9, abs=1e-12), r.name


@pytest.mark.parametrize("name", ["consumer_goods_brand", "retail_bank"])
def test_programme_root_matches_brent_through_evaluate(name):
    """The programme's multiplier is searched with the initiatives' roots (consumer goods: several
    unknowns, Chandrupatla) or alone (the bank: every initiative linear, Brent); either way it equals
    scipy's brentq on the headline NPV of the scenario with every uplift scaled, through
    roi.evaluate, to 1e-9."""
    from scipy.optimize import brentq

    sc = roi.load_sample(name)
    prog = breakeven(sc)[-1]
    assert prog.method == {"consumer_goods_brand": "chandrupatla", "retail_bank": "brentq"}[name]

    def npv(m: float) -> float:
        def scale(d):  # the base uplift scaled (the range, which NPV does not read, collapsed onto it:
            for i in d["initiatives"]:  # scaled as well it would leave the schema's bound near the top)
                i["uplift"] = dict.fromkeys(("low", "base", "high"), i["uplift"]["base"] * m)
        return roi.evaluate(_edited(sc, scale)).npv

    top = max(i.uplift.base for i in sc.initiatives)
    root = brentq(npv, 0.0, 10.0 / top, xtol=1e-13, rtol=1e-13)
    assert prog.breakeven_uplift == pytest.approx(root, rel=1e-9, abs=1e-12)


def test_breakeven_table_words_each_margin_as_the_risk_page_shows_it():
    """Hand-made rows: headroom is "may fall/rise m" for a margin m ≥ 0, "needs +|m| / must fall
    |m| to break even" below breakeven, a dash without one; the programme's uplift is a multiplier
    of the base; an unreachable breakeven says so."""
    from roi.uncertainty import PROGRAMME, Breakeven, breakeven_table

    above = Breakeven("Recommendations", 120_000.0, 0.04, 0.01, 0.75, 500_000.0, 380_000.0, 500 / 380, 500 / 380 - 1,
                      "linear")
    below = Breakeven("Triggered email", -50_000.0, 0.02, 0.05, -1.5, 100_000.0, 150_000.0, 2 / 3, 2 / 3 - 1, "linear")
    programme = Breakeven(PROGRAMME, 70_000.0, 1.0, None, None, 600_000.0, 0.0, None, None, "none")
    a, b, p = breakeven_table([above, below, programme], "EUR")
    assert a == {"": "Recommendations", "NPV (EUR)": "€120,000", "Base uplift": "4.0%", "Breakeven uplift": "1.0%",
                 "Uplift headroom": "may fall 75%", "Cost headroom": "may rise 32%"}
    assert (b["Uplift headroom"], b["Cost headroom"]) == ("needs +150% to break even", "must fall 33% to break even")
    assert (p["Base uplift"], p["Breakeven uplift"], p["Uplift headroom"], p["Cost headroom"]) == \
        ("100% of base", "not reachable", "—", "—")
