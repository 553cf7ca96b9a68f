"""The Overview's what-ifs, checked against identities of the model."""

from __future__ import annotations

import pytest

import roi
from roi.whatif import maturity_sweep, what_ifs


@pytest.mark.parametrize("key", sorted(roi.sample_paths()))
def test_what_ifs_follow_model_identities(key):
    sc = roi.load_sample(key)
    case = roi.evaluate(sc)
    by_label = {w.label: w for w in what_ifs(sc)}
    # Every cost scales linearly, so 20% more cost removes 20% of the (risk-adjusted) PV of costs.
    assert by_label["All costs 20% higher"].npv == pytest.approx(case.npv - 0.2 * case.pv_costs, rel=1e-9)
    assert by_label["No risk adjustment"].npv == pytest.approx(case.unadjusted_npv, rel=1e-9)
    assert by_label["Uplifts half of what is assumed"].change < 0
    assert by_label["Every initiative launches 6 months later"].change < 0
    changes = [abs(w.change) for w in what_ifs(sc)]
    assert changes == sorted(changes, reverse=True)


def test_maturity_sweep_realisation_rises_to_one():
    sweep = maturity_sweep(roi.load_sample("european_retailer"))
    assert [row["realisation"] for row in sweep] == pytest.approx([0.5, 0.625, 0.75, 0.875, 1.0])
    npvs = [row["npv"] for row in sweep]
    assert npvs == sorted(npvs)
