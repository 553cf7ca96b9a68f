"""Published reference figures: uplift ranges by lever (``data/benchmarks.csv``) and programme ratios.

Uplifts are relative (0.05 = +5%). Rows whose source is ``assumption`` are tool defaults, not
published figures, and are labelled so wherever they appear.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .io import DATA_DIR

BENCHMARKS_CSV = DATA_DIR / "benchmarks.csv"

# Consultancy figure quoted in MarTech's "The ROI of personalized experiences": a truly scalable
# programme returns about $6 of incremental revenue per $1 of variable campaign cost.
REVENUE_PER_CAMPAIGN_DOLLAR = 6.0
REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE = (
    "Consultancy figure quoted in MarTech, 'The ROI of personalized experiences': about $6 of "
    "incremental revenue per $1 of variable campaign cost for a truly scalable programme"
)

COLUMNS = ["lever", "uplift_low", "uplift_base", "uplift_high", "source", "year", "confidence", "note"]


def load_benchmarks(path: Path = BENCHMARKS_CSV) -> pd.DataFrame:
    """The benchmark library, checked: ordered ranges, known confidence levels."""
    df = pd.read_csv(path, dtype={"source": str, "note": str})
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {', '.join(missing)}")
    bad = df[~((df.uplift_low <= df.uplift_base) & (df.uplift_base <= df.uplift_high))]
    if len(bad):
        raise ValueError(f"{path.name}: row {bad.index[0] + 2}: uplift must satisfy low <= base <= high")
    if not df.confidence.isin(["low", "medium", "high"]).all():
        raise ValueError(f"{path.name}: confidence must be low, medium or high")
    return df
