"""Bounded reading of uploaded CSV files, with messages that count and show the bad rows.

Every message starts with the column or ``file`` it is about, and bad rows are reported as a
count with up to three examples by line number (the header is line 1), e.g.
``revenue: 3 rows are not numbers (line 4 'abc', line 9 '', line 12 'n/a')``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a million customers with three columns fit in about 20 MB
MAX_ROWS = 1_000_000
EXAMPLES = 3
CONTROL_LABELS = ("a", "control", "holdout", "generic", "held out", "held-out")
TREATMENT_LABELS = ("b", "treatment", "exposed", "personalized", "personalised", "variant")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_csv(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """A CSV file's rows as text columns (lower-case, trimmed headers), within the size limits.

    Raises ``ValueError`` starting with ``file:`` when the file is too large, not UTF-8 text,
    not a CSV, empty, or has more than ``max_rows`` rows. Values stay text so that each
    column's own check can say which rows are bad.
    """
    if len(data) > max_bytes:
        raise ValueError(f"file: {_mb(len(data))} is over the {_mb(max_bytes)} limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("file: not UTF-8 text (save it as CSV UTF-8)") from None
    try:
        # nrows bounds the work before the row count is known; one extra row detects "too many"
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, nrows=max_rows + 1,
                         skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no columns"
        raise ValueError(f"file: not a readable CSV ({first})") from None
    if len(df) > max_rows:
        raise ValueError(f"file: more than {max_rows:,} rows; aggregate it or take a sample")
    if df.empty:
        raise ValueError("file: no data rows under the header")
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df


def examples(raw: pd.Series, mask: np.ndarray) -> str:
    """``"line 4 'abc', line 9 ''"`` for the first :data:`EXAMPLES` rows where ``mask`` holds."""
    idx = np.flatnonzero(mask)[:EXAMPLES]
    shown = []
    for i in idx:
        value = str(raw.iloc[i])
        value = value if len(value) <= 30 else value[:27] + "…"
        shown.append(f"line {i + 2} {value!r}")
    return ", ".join(shown)


def rows(n: int, singular: str, plural: str) -> str:
    """``"1 row is not a number"`` / ``"3 rows are not numbers"``."""
    return f"1 row {singular}" if n == 1 else f"{n:,} rows {plural}"


def column(df: pd.DataFrame, names: Sequence[str], *, required: bool = True) -> str | None:
    """The first of ``names`` that is a column of ``df`` (``None`` when optional and absent)."""
    for n in names:
        if n in df.columns:
            return n
    if required:
        raise ValueError(f"{names[0]}: column is missing (accepted names: {', '.join(names)}; "
                         f"found: {', '.join(map(str, df.columns)) or 'none'})")
    return None


def numbers(df: pd.DataFrame, name: str, *, minimum: float | None = 0.0, whole: bool = False) -> np.ndarray:
    """Column ``name`` as finite floats; ``ValueError`` counting and showing the bad rows."""
    raw = df[name]
    values = pd.to_numeric(raw.str.replace(",", "", regex=False).str.strip(), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(f"{name}: {rows(int(bad.sum()), 'is not a number', 'are not numbers')} ({examples(raw, bad)})")
    if minimum is not None:
        low = values < minimum
        if low.any():
            raise ValueError(f"{name}: {rows(int(low.sum()), 'is', 'are')} below {minimum:g} ({examples(raw, low)})")
    if whole:
        frac = values != np.round(values)
        if frac.any():
            raise ValueError(f"{name}: {rows(int(frac.sum()), 'is not a whole number', 'are not whole numbers')} "
                             f"({examples(raw, frac)})")
    if np.abs(values).max(initial=0.0) > 1e13:  # the schema's MAX_AMOUNT: far above any business
        big = np.abs(values) > 1e13
        raise ValueError(f"{name}: {rows(int(big.sum()), 'is', 'are')} implausibly large ({examples(raw, big)})")
    return values


@dataclass(frozen=True)
class CustomerData:
    """Customer-level results of a two-group comparison (a test or a holdout)."""

    treated: np.ndarray  # True for the treatment / exposed group
    outcome: np.ndarray  # the metric per customer over the test period (e.g. revenue, currency)
    covariate: np.ndarray | None  # the same metric per customer before the test (CUPED), if given
    control_label: str
    treatment_label: str
    outcome_column: str
    covariate_column: str | None

    @property
    def n_control(self) -> int:
        return int((~self.treated).sum())

    @property
    def n_treatment(self) -> int:
        return int(self.treated.sum())


ARM_COLUMNS = ("arm", "group", "variant")
OUTCOME_COLUMNS = ("revenue", "value", "metric", "outcome")
COVARIATE_COLUMNS = ("pre_revenue", "pre_value", "pre_period", "pre", "covariate")


def _split(labels: Iterable[str]) -> tuple[str, str]:
    found = sorted(set(labels))
    if len(found) != 2:
        shown = ", ".join(repr(v) for v in found[:5]) + (" …" if len(found) > 5 else "")
        raise ValueError(f"arm: need exactly two groups (control and treatment), found {len(found)}: {shown}")
    lower = [v.lower() for v in found]
    control = [v for v, lo in zip(found, lower) if lo in CONTROL_LABELS]
    treatment = [v for v, lo in zip(found, lower) if lo in TREATMENT_LABELS]
    if len(control) == 1:
        return control[0], next(v for v in found if v != control[0])
    if len(treatment) == 1:
        return next(v for v in found if v != treatment[0]), treatment[0]
    raise ValueError(f"arm: cannot tell which group is the control among {found[0]!r} and {found[1]!r}; "
                     f"label it one of {', '.join(CONTROL_LABELS[:3])}")


def customer_data(df: pd.DataFrame, *, min_per_group: int = 2) -> CustomerData:
    """Customer-level rows (``arm, revenue[, pre_revenue]``) as arrays, or ``ValueError``.

    The control is the group labelled ``A``, ``control``, ``holdout`` or ``generic`` (or the
    other one when the treatment is labelled ``B``, ``treatment``, ``exposed`` …). Metric values
    may be negative (returns); each group needs ``min_per_group`` customers.
    """
    arm_col = column(df, ARM_COLUMNS)
    out_col = column(df, OUTCOME_COLUMNS)
    cov_col = column(df, COVARIATE_COLUMNS, required=False)
    labels = df[arm_col].str.strip()
    empty = (labels == "").to_numpy()
    if empty.any():
        raise ValueError(f"{arm_col}: {rows(int(empty.sum()), 'has', 'have')} no group ({examples(df[arm_col], empty)})")
    control, treatment = _split(labels)
    treated = (labels == treatment).to_numpy()
    outcome = numbers(df, out_col, minimum=None)
    covariate = None if cov_col is None else numbers(df, cov_col, minimum=None)
    for role, label, n in (("control", control, int((~treated).sum())), ("treatment", treatment, int(treated.sum()))):
        if n < min_per_group:
            raise ValueError(f"{arm_col}: the {role} group {label!r} has {n} customer{'s' if n != 1 else ''}; "
                             f"need at least {min_per_group}")
    return CustomerData(treated=treated, outcome=outcome, covariate=covariate, control_label=control,
                        treatment_label=treatment, outcome_column=out_col, covariate_column=cov_col)


def finite_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """``value`` as a finite float above 0 (or ≥ 0), else ``ValueError`` naming ``name``."""
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name}: must be {'zero or more' if allow_zero else 'greater than 0'}, got {v:g}")
    return v
