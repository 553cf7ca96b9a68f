"""The unit of randomisation: when customers are randomised but visits are counted.

A test that assigns *customers* to arms but measures conversions per *visit* does not have
independent observations: the visits of one customer resemble each other. The variance of the
conversion rate is then larger than the binomial formula says, by the **design effect** ``D``,
and the test needs ``D`` times the visits (Kish 1965; Deng, Knoblich & Lu 2018 for A/B tests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import uploads
from .options import MAX_DESIGN_EFFECT  # noqa: F401  (defined once, light to import)

UNITS = ("visitor", "customer")


@dataclass(frozen=True)
class RatioDesignEffect:
    """Design effect of a per-visit rate measured on customer-randomised data (delta method)."""

    customers: int
    visits: float
    conversions: float
    rate: float  # conversions per visit, fraction
    visits_per_customer: float  # mean visits per customer, m
    se_delta: float  # standard error of the rate, customers as the unit (delta method)
    se_naive: float  # the same if visits were independent: √(rate (1 − rate) / visits)
    design_effect: float  # se_delta² / se_naive²
    icc: float | None  # implied intra-customer correlation (D − 1)/(m − 1); None when m ≤ 1


def check_design_effect(value: float) -> float:
    """``value`` as a design effect in (0, :data:`MAX_DESIGN_EFFECT`], or ``ValueError``."""
    d = float(value)
    if not (math.isfinite(d) and 0 < d <= MAX_DESIGN_EFFECT):
        raise ValueError(f"design_effect: must be greater than 0 and at most {MAX_DESIGN_EFFECT:g} "
                         f"(1 when visits are independent), got {d:g}")
    return d


def cluster_design_effect(visits_per_customer: float, icc: float, *, cv: float = 0.0) -> float:
    """Design effect of counting visits when customers are randomised.

    Parameters
    ----------
    visits_per_customer : mean visits per customer during the test, ``m ≥ 1``.
    icc : intra-customer correlation of the outcome, 0–1 (0: visits independent).
    cv : coefficient of variation of visits per customer (0: every customer visits ``m`` times).

    Notes
    -----
    ``D = 1 + ((1 + cv²) m − 1) × ICC`` (Kish 1965; Eldridge, Ashby & Kerry 2006 for unequal
    cluster sizes). With equal sizes, ``D = 1 + (m − 1) ICC``.

    >>> cluster_design_effect(3, 0.1)
    1.2
    """
    m, rho, c = float(visits_per_customer), float(icc), float(cv)
    if not (math.isfinite(m) and 1 <= m <= 1e6):
        raise ValueError(f"visits_per_customer: must be between 1 and 1e6, got {m:g}")
    if not (math.isfinite(rho) and 0 <= rho <= 1):
        raise ValueError(f"icc: must be between 0 and 1, got {rho:g}")
    if not (math.isfinite(c) and 0 <= c <= 100):
        raise ValueError(f"cv: must be between 0 and 100, got {c:g}")
    return check_design_effect(1.0 + ((1.0 + c * c) * m - 1.0) * rho)


def ratio_design_effect(visits: np.ndarray, conversions: np.ndarray) -> RatioDesignEffect:
    """Design effect of the rate ``Σ conversions / Σ visits`` from customer-level data.

    Parameters
    ----------
    visits, conversions : per customer during a period (e.g. a past month), whole numbers ≥ 0.

    Notes
    -----
    The rate is a ratio of two customer-level means, ``R = Ȳ / V̄``. Its delta-method variance
    with customers as the independent unit (Deng, Knoblich & Lu 2018) is
    ``var(R) ≈ (s²_Y − 2R s_YV + R² s²_V) / (N V̄²)``; treating visits as independent gives
    ``R(1 − R) / Σ V``. ``D`` is their ratio; ``ICC = (D − 1)/(m − 1)`` inverts
    :func:`cluster_design_effect` for equal visits per customer.
    """
    v = np.asarray(visits, dtype=float)
    y = np.asarray(conversions, dtype=float)
    if v.ndim != 1 or v.shape != y.shape or v.size < 2:
        raise ValueError("visits: give visits and conversions for at least 2 customers")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(y)) and np.all(v >= 0) and np.all(y >= 0)):
        raise ValueError("visits: visits and conversions must be numbers of zero or more")
    if np.any(y > v):
        raise ValueError(f"conversions: {int((y > v).sum()):,} customers have more conversions than visits")
    total_v, total_y = float(v.sum()), float(y.sum())
    if total_v <= 0:
        raise ValueError("visits: no customer visited")
    n = v.size
    rate = total_y / total_v
    mean_v = total_v / n
    cov = np.cov(np.vstack([y, v]), ddof=1)
    var_delta = max((cov[0, 0] - 2 * rate * cov[0, 1] + rate**2 * cov[1, 1]) / (n * mean_v**2), 0.0)
    var_naive = rate * (1 - rate) / total_v
    if var_naive <= 0:
        raise ValueError("conversions: the rate is 0% or 100%, so there is no variance to compare")
    d = var_delta / var_naive
    icc = (d - 1) / (mean_v - 1) if mean_v > 1 else None
    return RatioDesignEffect(customers=n, visits=total_v, conversions=total_y, rate=rate, visits_per_customer=mean_v,
                             se_delta=math.sqrt(var_delta), se_naive=math.sqrt(var_naive), design_effect=d, icc=icc)


def ratio_design_effect_from_table(df: pd.DataFrame) -> RatioDesignEffect:
    """:func:`ratio_design_effect` of customer rows (``visits``, ``conversions`` columns, one row a
    customer, as read by :func:`roi.experiments.uploads.read_csv`); bad rows are counted and shown."""
    visits = uploads.numbers(df, uploads.column(df, ("visits", "sessions")), minimum=0.0, whole=True)
    conversions = uploads.numbers(df, uploads.column(df, ("conversions", "orders")), minimum=0.0, whole=True)
    return ratio_design_effect(visits, conversions)


def unit_description(design_effect: float = 1.0, unit: str = "visitor") -> str:
    """What the plan's sample counts, in one sentence (shown beside the sample size)."""
    d = check_design_effect(design_effect)
    if unit not in UNITS:
        raise ValueError(f"unit: must be one of {', '.join(UNITS)}, got {unit!r}")
    if unit == "customer" and d == 1.0:
        return "Customers are randomised and each customer is one observation (revenue or conversion per customer)."
    if d == 1.0:
        return ("Visitors are randomised and counted as independent units (each visit its own observation); "
                "if customers are randomised and visit repeatedly, set a design effect.")
    return (f"Customers are randomised but visits are counted: the sample counts visits, enlarged by the design "
            f"effect {d:.3g} because a customer's visits are alike.")
