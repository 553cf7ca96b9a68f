"""The experiments' choices and limits, light to import (the CLI's parser reads them)."""

from __future__ import annotations

METHODS = ("evan-miller", "pooled", "arcsine")  # sample-size formulas for a conversion test
CORRECTIONS = ("sidak", "bonferroni")  # multiple-variant corrections of α
SPENDING = ("obrien-fleming", "pocock")  # Lan–DeMets α-spending functions
MAX_VARIANTS = 20  # arms including the control, as on the Experiments page; Šidák then tests at α/19 each
MAX_HORIZON_WEEKS = 520.0  # the longest test or holdout planned: ten years, the longest case horizon
MAX_PERIOD_DAYS = 3_660.0  # a holdout's measured period: ten years and leap days, as on the page
MAX_ORDER_VALUE_CV = 100.0  # sd ÷ mean of order value; real baskets are near 1
MAX_LOOKS = 20  # rpact's limit too; beyond it interim looks add nothing but arithmetic
MAX_DESIGN_EFFECT = 1_000.0  # beyond this the "test" measures a handful of customers, not visits
DEFAULT_REVENUE_CV = 2.0  # sd ÷ mean of a year's revenue per customer: many buy nothing, a few a lot
DEFAULT_HORIZON_DAYS = 364  # a holdout's planning horizon: 52 weeks
