"""Traffic from history: baseline, daily traffic and its weekly pattern from a daily CSV.

A planner that takes traffic as a typed number is only as good as the guess. A daily export
(``date, visitors, conversions[, revenue]``) gives the baseline conversion rate, the mean
eligible traffic per day and the weekly pattern, and the test's duration is rounded up to
whole weeks, so every weekday is in the sample equally often.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import uploads

MAX_HISTORY_BYTES = 2 * 1024 * 1024  # ten years of days is about 400 kB
MAX_HISTORY_DAYS = 3_660
MIN_HISTORY_DAYS = 7  # one of each weekday, or there is no weekly pattern to see
MAX_WEEKS = 520  # a test longer than ten years is not a plan: say so instead of counting days
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DATE_COLUMNS = ("date", "day")
VISITOR_COLUMNS = ("visitors", "sessions", "visits", "users", "traffic")
CONVERSION_COLUMNS = ("conversions", "orders", "transactions")


@dataclass(frozen=True)
class TrafficHistory:
    """What a daily traffic export says about the test's population."""

    first_day: dt.date
    last_day: dt.date
    days: int  # days with a row
    missing_days: int  # calendar days between first and last without a row
    visitors: float  # total eligible visitors (or sessions) over the days
    conversions: float | None  # total conversions, if the file has them
    revenue: float | None  # total revenue, if the file has it (currency)
    daily_visitors: float  # mean visitors per day with a row
    weekday_index: tuple[float, ...]  # Mon … Sun: mean visitors that weekday ÷ mean of the weekday means

    @property
    def baseline_conversion(self) -> float | None:
        """Conversions per visitor over the history, fraction; ``None`` without conversions."""
        if self.conversions is None:
            return None
        return self.conversions / self.visitors

    @property
    def revenue_per_visitor(self) -> float | None:
        return None if self.revenue is None else self.revenue / self.visitors

    @property
    def weekly_visitors(self) -> float:
        """Expected visitors in one whole week: 7 × the mean of the weekday means."""
        return 7.0 * self.daily_visitors


@dataclass(frozen=True)
class WeeklyDuration:
    """How long a test runs when days follow the weekly pattern and it stops on whole weeks."""

    days_to_sample: int  # first day on which the cumulative traffic reaches the sample
    weeks: int  # whole weeks run, ≥ 1
    start_weekday: str  # weekday the test starts

    @property
    def days(self) -> int:
        return 7 * self.weeks


def history_from_frame(df: pd.DataFrame) -> TrafficHistory:
    """Read a daily table (text columns as from :func:`roi.experiments.uploads.read_csv`).

    Columns: ``date`` (ISO ``YYYY-MM-DD``), ``visitors`` (or ``sessions``, ``visits``, ``users``),
    optional ``conversions`` (or ``orders``) and ``revenue``. One row per day, at least
    :data:`MIN_HISTORY_DAYS` days. Bad rows are counted with examples by line.

    Notes
    -----
    The weekly pattern is the mean traffic of each weekday divided by the mean of those seven
    means (so it averages 1); ``daily_visitors`` is the mean of the seven weekday means, which
    does not over-weight weekdays that happen to occur more often in a partial week.
    """
    date_col = uploads.column(df, DATE_COLUMNS)
    vis_col = uploads.column(df, VISITOR_COLUMNS)
    conv_col = uploads.column(df, CONVERSION_COLUMNS, required=False)
    rev_col = uploads.column(df, ("revenue",), required=False)
    if len(df) > MAX_HISTORY_DAYS:
        raise ValueError(f"file: {len(df):,} days is more than the {MAX_HISTORY_DAYS:,} days read; keep the recent years")
    raw_dates = df[date_col]
    dates = pd.to_datetime(raw_dates.str.strip(), format="%Y-%m-%d", errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        raise ValueError(f"{date_col}: {uploads.rows(int(bad.sum()), 'is not a date', 'are not dates')} as "
                         f"YYYY-MM-DD ({uploads.examples(raw_dates, bad)})")
    dup = dates.duplicated(keep="first").to_numpy()
    if dup.any():
        raise ValueError(f"{date_col}: {uploads.rows(int(dup.sum()), 'repeats', 'repeat')} a day already listed "
                         f"({uploads.examples(raw_dates, dup)}); give one row per day")
    visitors = uploads.numbers(df, vis_col, minimum=0.0)
    conversions = None if conv_col is None else uploads.numbers(df, conv_col, minimum=0.0)
    revenue = None if rev_col is None else uploads.numbers(df, rev_col, minimum=None)
    if conversions is not None:
        over = conversions > visitors
        if over.any():
            raise ValueError(f"{conv_col}: {uploads.rows(int(over.sum()), 'has', 'have')} more {conv_col} than {vis_col} "
                             f"({uploads.examples(df[conv_col], over)})")
    if len(df) < MIN_HISTORY_DAYS:
        raise ValueError(f"{date_col}: {len(df)} days; need at least {MIN_HISTORY_DAYS} (a whole week) to see the weekly pattern")
    if visitors.sum() <= 0:
        raise ValueError(f"{vis_col}: no visitors on any day")
    weekday = dates.dt.day_of_week.to_numpy()
    means = np.array([visitors[weekday == d].mean() if np.any(weekday == d) else np.nan for d in range(7)])
    missing = [WEEKDAYS[d] for d in range(7) if np.isnan(means[d])]
    if missing:
        raise ValueError(f"{date_col}: no row for {', '.join(missing)}; give at least one of each weekday")
    daily = float(means.mean())
    first, last = dates.min().date(), dates.max().date()
    span = (last - first).days + 1
    return TrafficHistory(
        first_day=first, last_day=last, days=len(df), missing_days=span - len(df),
        visitors=float(visitors.sum()), conversions=None if conversions is None else float(conversions.sum()),
        revenue=None if revenue is None else float(revenue.sum()), daily_visitors=daily,
        weekday_index=tuple(float(m / daily) for m in means),
    )


def read_history(data: bytes) -> TrafficHistory:
    """:func:`history_from_frame` of an uploaded CSV file's bytes (size-limited)."""
    return history_from_frame(uploads.read_csv(data, max_bytes=MAX_HISTORY_BYTES, max_rows=MAX_HISTORY_DAYS))


def weekly_duration(
    total_n: float, history: TrafficHistory, *, allocation: float = 1.0, start_weekday: int = 0,
) -> WeeklyDuration:
    """Days until ``total_n`` visitors (all arms) have entered, and the whole weeks to run.

    Notes
    -----
    Day ``d`` from the start brings ``daily_visitors × index[weekday] × allocation`` visitors;
    ``days_to_sample`` is the first day on which the running total reaches ``total_n``, and
    ``weeks = ⌈days_to_sample / 7⌉`` (at least one): a test stopped mid-week over-represents
    the weekdays it saw twice. Whole weeks are counted directly, so a very long test costs no
    more work than a short one.
    """
    n = float(total_n)
    if not (math.isfinite(n) and n > 0):
        raise ValueError(f"total_n: must be greater than 0, got {n:g}")
    a = float(allocation)
    if not (math.isfinite(a) and 0 < a <= 1):
        raise ValueError(f"allocation: must be in (0, 1], got {a:g}")
    if int(start_weekday) != start_weekday or not 0 <= start_weekday <= 6:
        raise ValueError(f"start_weekday: must be 0 (Monday) to 6 (Sunday), got {start_weekday}")
    index = np.roll(np.asarray(history.weekday_index), -int(start_weekday))
    per_day = history.daily_visitors * a * index
    per_week = float(per_day.sum())
    full = math.floor(n / per_week)
    if full >= MAX_WEEKS:
        raise ValueError(f"daily_traffic: at this traffic the test needs more than {MAX_WEEKS} weeks "
                         f"({n:,.0f} visitors at {per_week:,.0f} a week)")
    left = n - full * per_week
    running = np.cumsum(per_day)
    extra = 0 if left <= 1e-9 * n else int(np.searchsorted(running, left * (1 - 1e-12)) + 1)
    days = full * 7 + extra
    return WeeklyDuration(days_to_sample=max(days, 1), weeks=max(math.ceil(days / 7), 1),
                          start_weekday=WEEKDAYS[int(start_weekday)])
