"""Hypothesis invariants of the baselines, stated in words, on small generated order sets."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roi.baselines import OrdersMapping, baselines_from_files

from .baseline_data import HEADER, write_csv

MAPPING = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier")
END = date(2025, 12, 31)
FIRST = date(2024, 1, 1)  # start of the retention look-back

order = st.tuples(
    st.sampled_from("ABCDEFGH"),
    st.integers(0, (END - FIRST).days),
    st.integers(1, 50_000).map(lambda cents: f"{cents / 100:.2f}"),
    st.sampled_from(["Gold", "Silver"]),
)
orders = st.lists(order, min_size=1, max_size=25).filter(
    lambda rows: any(FIRST + timedelta(days=d) >= date(2025, 1, 1) for _, d, _, _ in rows))


def _rows(generated, start: int = 0) -> list[list[str]]:
    return [[f"O{start + k}", c, (FIRST + timedelta(days=d)).isoformat(), v, t, "", ""]
            for k, (c, d, v, t) in enumerate(generated)]


def _same(a, b) -> None:
    """Equal segments, revenue to rounding: a sum's order changes its last bits (0.01 + 0.01 + 0.04)."""
    assert [dataclasses.replace(s, revenue=0.0) for s in a] == [dataclasses.replace(s, revenue=0.0) for s in b]
    for x, y in zip(a, b):
        assert abs(x.revenue - y.revenue) <= 1e-9 * max(1.0, abs(x.revenue))


def _run(tmp_path, rows, name):
    return baselines_from_files(write_csv(tmp_path / name, HEADER, rows), MAPPING, period_end=END)


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(orders, st.lists(order, max_size=10))
def test_rows_outside_both_periods_never_change_the_baselines(tmp_path, generated, extra):
    """Adding orders dated after the period or before the look-back changes nothing but the counts."""
    base = _rows(generated)
    outside = [[f"X{k}", c, (END + timedelta(days=1 + d)).isoformat() if k % 2 else
                (FIRST - timedelta(days=1 + d)).isoformat(), v, t, "", ""] for k, (c, d, v, t) in enumerate(extra)]
    a = _run(tmp_path, base, "a.csv")
    b = _run(tmp_path, base + outside, "b.csv")
    _same(a.segments, b.segments)
    assert b.rows_outside == a.rows_outside + len(outside)


@SETTINGS
@given(orders, st.randoms(use_true_random=False))
def test_row_order_never_changes_the_baselines(tmp_path, generated, rnd):
    """The export's row order is not information: shuffled rows give the same baselines."""
    base = _rows(generated)
    shuffled = list(base)
    rnd.shuffle(shuffled)
    a, b = _run(tmp_path, base, "a.csv"), _run(tmp_path, shuffled, "b.csv")
    assert [(s.name, s.customers, s.orders, s.cohort, s.retained) for s in a.segments] == \
        [(s.name, s.customers, s.orders, s.cohort, s.retained) for s in b.segments]
    for x, y in zip(a.segments, b.segments):
        assert abs(x.revenue - y.revenue) < 1e-6


@SETTINGS
@given(orders)
def test_an_export_repeated_twice_counts_each_order_once(tmp_path, generated):
    """Exporting every row twice adds only duplicate rows: the baselines stay the same."""
    base = _rows(generated)
    a, b = _run(tmp_path, base, "a.csv"), _run(tmp_path, base + base, "b.csv")
    _same(a.segments, b.segments)
    assert b.rows_excluded == a.rows_excluded + len(base)


@SETTINGS
@given(orders)
def test_segments_add_up_to_the_total(tmp_path, generated):
    """Every buyer is in exactly one segment: segment customers and revenue add up to the whole file's."""
    r = _run(tmp_path, _rows(generated), "a.csv")
    in_period = [(c, float(v)) for c, d, v, _ in generated if FIRST + timedelta(days=d) >= date(2025, 1, 1)]
    assert sum(s.customers for s in r.segments) == len({c for c, _ in in_period})
    assert abs(sum(s.revenue for s in r.segments) - sum(v for _, v in in_period)) < 1e-6
