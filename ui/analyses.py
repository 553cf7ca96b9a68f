"""The analyses the pages show, computed once per scenario and shared by every page (UI-side cache).

Each wrapper takes the scenario as JSON (the cache key) and calls the one ``roi`` function that
computes it, so the Overview and Prioritization show the same plan, and the Overview and the Risk
page the same draws, without computing them twice. Cached values are results, never mutated.
"""

from __future__ import annotations

import streamlit as st

import roi
from roi import uncertainty as unc
from roi.plan import Plan, recommend
from roi.uncertainty.defaults import QUICK_DRAWS
from roi.whatif import WhatIf, what_ifs

Ranges = tuple[tuple[str, float], ...]  # unc.Ranges by field name (hashable, order-proof)


@st.cache_data(show_spinner=False, max_entries=32)
def plan(scenario_json: str) -> Plan:
    """:func:`roi.plan.recommend` of the scenario."""
    return recommend(roi.loads_scenario(scenario_json))


@st.cache_data(show_spinner=False, max_entries=32)
def whatifs(scenario_json: str) -> list[WhatIf]:
    """:func:`roi.whatif.what_ifs` of the scenario."""
    return what_ifs(roi.loads_scenario(scenario_json))


def ranges_key(ranges: unc.Ranges | None = None) -> Ranges:
    """A :class:`roi.uncertainty.Ranges` as a cache key (by field name)."""
    return tuple(vars(ranges or unc.Ranges()).items())


@st.cache_data(show_spinner=False, max_entries=16)
def simulation(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
               distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
               correlation: float | None = None, _progress=None) -> unc.Simulation:
    """:func:`roi.uncertainty.simulate` — ``ranges`` by name (default: the tool's), ``correlation``
    the scenario's unless given. ``_progress`` (not part of the key) reports the fraction done."""
    return unc.simulate(roi.loads_scenario(scenario_json), draws=draws, seed=seed,
                        distribution=distribution,  # type: ignore[arg-type]
                        ranges=unc.Ranges(**dict(ranges)) if ranges else None, correlation=correlation,
                        progress=_progress)


def quick_range(scenario_json: str) -> unc.Simulation:
    """The Overview's range: the first :data:`~roi.uncertainty.defaults.QUICK_DRAWS` draws of the
    Risk page's default run — the same seed, distribution and ranges, so each draw is the same
    draw (equal to rounding; each driver has its own random stream), only fewer of them."""
    return simulation(scenario_json, QUICK_DRAWS)
