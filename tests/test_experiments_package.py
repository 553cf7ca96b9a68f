"""The experiments package's public names, and the CLI staying light.

* Every name in ``roi.experiments.__all__`` is the object its submodule defines, even after
  every submodule has been imported (a submodule sharing an exported name would hide it).
* Building the CLI's parser and validating a scenario import neither scipy, statsmodels,
  pandas nor Altair: those cost about a second, and ``validate`` needs none of them.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

from roi import experiments

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("scipy", "statsmodels", "pandas", "altair", "sqlalchemy", "duckdb")


def test_every_exported_name_is_the_object_not_a_module():
    for info in pkgutil.iter_modules(experiments.__path__):
        importlib.import_module(f"roi.experiments.{info.name}")
    for name in experiments.__all__:
        assert not isinstance(getattr(experiments, name), types.ModuleType), f"roi.experiments.{name} is a module"
    assert callable(experiments.plan_test) and callable(experiments.plan_tests)


def test_validate_imports_nothing_heavy():
    code = ("import sys, json; from roi import cli; "
            "rc = cli.main(['validate', 'data/european_retailer.json']); "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
