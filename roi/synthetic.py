"""Generated scenarios of any size, for benchmarks and property tests (not business advice).

The numbers are plausible (segments of 10k–500k customers, uplifts of a few percent, costs in the
tens to hundreds of thousands) and fully determined by ``seed``.
"""

from __future__ import annotations

import numpy as np

from .io import parse_scenario
from .schema import SCHEMA_VERSION, Lever, Scenario

_GROWTH_LEVERS = [Lever.conversion_rate, Lever.order_value, Lever.purchase_frequency, Lever.retention]


def generate_scenario(
    initiatives: int = 50, segments: int = 20, horizon_years: int = 5, seed: int = 0
) -> Scenario:
    """A valid scenario with ``initiatives`` × ``segments`` and the given horizon (years).

    Each initiative pulls one lever (one in ten is a cost-saving initiative) on 2–6 random
    segments, so several initiatives overlap on the same lever and segment, as in real cases.
    """
    rng = np.random.default_rng(seed)
    seg_names = [f"Segment {k + 1}" for k in range(segments)]
    segs = [
        {
            "name": name,
            "customers": float(rng.integers(100_000, 1_500_000)),
            "visits_per_customer": float(rng.uniform(2, 20)),
            "baseline_conversion_rate": float(rng.uniform(0.01, 0.06)),
            "average_order_value": float(rng.uniform(30, 150)),
            "gross_margin": float(rng.uniform(0.25, 0.5)),
            "retention_rate": float(rng.uniform(0.5, 0.85)),
            "identifiable_share": float(rng.uniform(0.4, 0.9)),
            "consent_share": float(rng.uniform(0.5, 0.9)),
        }
        for name in seg_names
    ]
    inis = []
    for j in range(initiatives):
        saving = j % 10 == 9
        lever = Lever.cost_saving if saving else _GROWTH_LEVERS[int(rng.integers(len(_GROWTH_LEVERS)))]
        base = float(rng.uniform(0.01, 0.08))
        low = base * float(rng.uniform(0.0, 0.7))
        high = base * float(rng.uniform(1.3, 2.5))
        k = int(rng.integers(min(2, segments), min(6, segments) + 1))
        inis.append(
            {
                "name": f"Initiative {j + 1}",
                "outcome": "efficiency" if saving else ("retention" if lever == Lever.retention else "growth"),
                "lever": lever.value,
                "segments": [] if saving else [seg_names[i] for i in rng.choice(segments, size=min(k, segments), replace=False)],
                "channel_reach": float(rng.uniform(0.3, 1.0)),
                "uplift": {"low": low, "base": base, "high": high},
                "depth": ["generic", "segment", "one_to_one"][int(rng.integers(3))],
                "content_assets": float(rng.integers(0, 20)),
                "one_time_cost": float(rng.integers(20_000, 300_000)),
                "annual_running_cost": float(rng.integers(5_000, 100_000)),
                "variable_campaign_cost": float(rng.integers(0, 80_000)),
                "cost_base": float(rng.integers(200_000, 2_000_000)) if saving else 0.0,
                "months_to_launch": float(rng.integers(0, 13)),
                "requires_identity": bool(j % 7 != 3),  # some initiatives work by context
                "effect_decay": 0.2 if j % 11 == 5 else 0.0,
                "evidence": {"kind": ["assumed", "benchmark", "measured"][j % 3]},
            }
        )
    return parse_scenario(
        {
            "schema_version": SCHEMA_VERSION,
            "settings": {
                "name": f"Generated {initiatives}×{segments}×{horizon_years}y (seed {seed})",
                "currency": "EUR",
                "horizon_years": horizon_years,
                "discount_rate": 0.10,
                "cost_risk": 0.05,
            },
            "segments": segs,
            "process": {"team_annual_cost": 400_000.0, "platform_annual_cost": 150_000.0, "platform_one_time_cost": 250_000.0},
            "initiatives": inis,
        }
    )
