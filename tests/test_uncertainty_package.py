"""The uncertainty package's public names and its default run.

* Every name in ``roi.uncertainty.__all__`` is the function or class its submodule defines, even
  after every submodule has been imported (a submodule sharing an exported name would hide it).
* The Overview's quick range is the first ``QUICK_DRAWS`` draws of the Risk page's full run:
  each driver draws from its own stream, so fewer draws are a prefix of more (equal to rounding).
"""

from __future__ import annotations

import importlib
import pkgutil
import types

import numpy as np
import pytest

import roi
from roi import uncertainty as unc
from roi.uncertainty.defaults import DEFAULT_SEED, QUICK_DRAWS


def test_every_exported_name_is_the_object_not_a_module():
    for info in pkgutil.iter_modules(unc.__path__):
        importlib.import_module(f"roi.uncertainty.{info.name}")
    for name in unc.__all__:
        value = getattr(unc, name)
        assert not isinstance(value, types.ModuleType), f"roi.uncertainty.{name} is a module"
    assert callable(unc.breakeven) and callable(unc.drivers) and callable(unc.simulate)


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_the_quick_range_is_the_start_of_the_full_run(distribution):
    scenario = roi.load_scenario(roi.sample_paths()["european_retailer"])
    quick = unc.simulate(scenario, draws=QUICK_DRAWS, seed=DEFAULT_SEED, distribution=distribution)
    full = unc.simulate(scenario, draws=3 * QUICK_DRAWS, seed=DEFAULT_SEED, distribution=distribution)
    # rtol 1e-12: summation order differs with the chunk size, nothing else may
    np.testing.assert_allclose(quick.npv, full.npv[:QUICK_DRAWS], rtol=1e-12, atol=1e-6)
