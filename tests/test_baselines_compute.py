"""Baselines on the hand-built dataset of ``tests/baseline_data.py`` equal the values worked out there."""

from __future__ import annotations

from datetime import date

import pytest

from roi.baselines import OrdersMapping, Period, VisitsMapping, baselines_from_files, lifetime_value, merge

from .baseline_data import orders_csv, visits_csv

MAPPING = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier",
                        identified="known", consent="optin")
PLAIN = OrdersMapping("customer_id", "order_id", "order_date", "order_value")


def _by_name(result):
    return {s.name: s for s in result.segments}


def test_segment_column_matches_the_hand_computed_values(tmp_path):
    r = baselines_from_files(orders_csv(tmp_path), MAPPING)
    assert r.period == Period(date(2025, 1, 1), date(2025, 12, 31), date(2024, 1, 1), date(2024, 12, 31))
    assert (r.rows_read, r.rows_used, r.rows_previous, r.rows_outside, r.rows_excluded) == (15, 5, 4, 1, 5)
    gold, silver = _by_name(r)["Gold"], _by_name(r)["Silver"]
    assert (gold.customers, gold.orders, gold.revenue) == (2, 4, pytest.approx(200.0))
    assert gold.orders_per_customer == 2.0 and gold.average_order_value == pytest.approx(50.0)
    assert (gold.cohort, gold.retained, gold.retention_rate) == (2, 1, 0.5)
    assert gold.identifiable_share == 0.5 and gold.consent_share == 1.0  # A identified and consented; C neither
    assert gold.customer_lifetime_value == pytest.approx(200.0)  # 100 per customer ÷ (1 − 0.5)
    assert (silver.customers, silver.orders, silver.revenue) == (1, 1, pytest.approx(30.0))
    assert (silver.cohort, silver.retained) == (2, 1)  # D left, B (bought on 2024-12-31) came back
    assert silver.identifiable_share == 1.0 and silver.consent_share == 0.0
    assert silver.customer_lifetime_value == pytest.approx(60.0)  # 30 ÷ (1 − 0.5)
    total = r.total()
    assert (total.customers, total.orders, total.revenue) == (3, 5, pytest.approx(230.0))
    assert total.average_order_value == pytest.approx(46.0) and total.retention_rate == 0.5
    assert r.segmentation == "column tier" and r.flags == ("identified", "consent")


def test_each_excluded_row_is_counted_once_with_its_reason(tmp_path):
    r = baselines_from_files(orders_csv(tmp_path), MAPPING)
    reasons = {e.reason: e.rows for e in r.exclusions}
    assert reasons == {"missing_customer_id": 1, "unparsable_date": 1, "unparsable_value": 1,
                       "non_positive_value": 1, "duplicate_order_id": 1}
    text = {e.reason: e.message for e in r.exclusions}
    assert "'2025-13-01'" in text["unparsable_date"] and "order O11" in text["unparsable_date"]
    assert "'abc'" in text["unparsable_value"] and "'-5'" in text["non_positive_value"]
    assert "order O1" in text["duplicate_order_id"] and "order O10" in text["missing_customer_id"]


def test_rfm_segments_follow_the_scores_worked_by_hand(tmp_path):
    # This period: n = 3; A (last 06-01, 2 orders, 150) R2 F2 M3 → Loyal; B (02-10, 1, 30) R1 F1 M1 →
    # Occasional; C (12-31, 2, 50) R3 F2 M2 → F+M = 4 < 5 so not Champions → Loyal.
    # Previous period (n = 4, one order each): G R1 M2 → Occasional, A R1 M3 → At risk (came back),
    # D R2 M1 → Occasional, B R3 M1 → Recent (came back). Score = 1 + ⌊3 · lower / n⌋.
    r = baselines_from_files(orders_csv(tmp_path), PLAIN)
    seg = _by_name(r)
    assert [s.name for s in r.segments] == ["Loyal", "Recent", "At risk", "Occasional"]
    assert (seg["Loyal"].customers, seg["Loyal"].orders, seg["Loyal"].revenue) == (2, 4, pytest.approx(200.0))
    assert seg["Loyal"].cohort == 0 and seg["Loyal"].retention_rate is None
    assert (seg["Occasional"].customers, seg["Occasional"].cohort, seg["Occasional"].retained) == (1, 2, 0)
    assert (seg["At risk"].customers, seg["At risk"].cohort, seg["At risk"].retained) == (0, 1, 1)
    assert (seg["Recent"].customers, seg["Recent"].cohort, seg["Recent"].retained) == (0, 1, 1)
    assert r.segmentation == "rfm" and seg["Loyal"].identified is None


def test_one_segment_pools_everyone(tmp_path):
    r = baselines_from_files(orders_csv(tmp_path), PLAIN, segmentation="one")
    (s,) = r.segments
    assert (s.name, s.customers, s.orders, s.cohort, s.retained) == ("All customers", 3, 5, 4, 2)


def test_visits_give_conversion_from_the_buyers_visits(tmp_path):
    r = baselines_from_files(orders_csv(tmp_path), MAPPING, visits=visits_csv(tmp_path),
                             visits_mapping=VisitsMapping("customer_id", "visit_date", "visits"))
    gold, silver = _by_name(r)["Gold"], _by_name(r)["Silver"]
    assert gold.visits == 100 and gold.conversion_rate == pytest.approx(0.04) and gold.visits_per_customer == 50
    assert silver.visits == 10 and silver.conversion_rate == pytest.approx(0.1)
    assert (r.visits.rows_read, r.visits.rows_excluded, r.visits.visits_in_period, r.visits.visits_by_buyers) == \
        (7, 2, 115, 110)
    assert {e.reason for e in r.exclusions if e.input == "visits"} == {"missing_customer_id", "unparsable_date"}
    # customers × visits per customer × conversion = orders, segment by segment
    for s in r.segments:
        assert s.customers * s.visits_per_customer * s.conversion_rate == pytest.approx(s.orders)


def test_period_end_moves_both_windows(tmp_path):
    # Period 2024-07-01 – 2025-06-30: A (O1, O2), B (O3, O7), D (O6) → 3 buyers, 5 orders;
    # previous 2023-07-01 – 2024-06-30: A (O5), G (O15) → cohort 2, A came back.
    r = baselines_from_files(orders_csv(tmp_path), MAPPING, period_end=date(2025, 6, 30))
    total = r.total()
    assert (total.customers, total.orders, total.cohort, total.retained) == (3, 5, 2, 1)
    assert r.rows_outside == 3  # O4, O9 after the end; O8 before the look-back


def test_parquet_and_xlsx_give_the_same_baselines_as_csv(tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .baseline_data import HEADER, ORDERS

    csv_result = baselines_from_files(orders_csv(tmp_path), MAPPING)
    table = pa.table({h: [row[k] or None for row in ORDERS] for k, h in enumerate(HEADER)})
    pq.write_table(table, tmp_path / "orders.parquet")
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for row in ORDERS:
        wb.active.append([float(v) if h == "order_value" and v.lstrip("-").isdigit() else (v or None)
                          for h, v in zip(HEADER, row)])
    wb.save(tmp_path / "orders.xlsx")
    for name in ("orders.parquet", "orders.xlsx"):
        other = baselines_from_files(tmp_path / name, MAPPING)
        assert other.segments == csv_result.segments, name
        assert [(e.reason, e.rows) for e in other.exclusions] == [(e.reason, e.rows) for e in csv_result.exclusions]


def test_merge_pools_sums_exactly():
    a = merge("x", [])
    assert a.customers == 0 and a.orders_per_customer is None
    from roi.baselines import SegmentBaseline

    g = SegmentBaseline("Gold", 2, 4, 200.0, cohort=2, retained=1)
    s = SegmentBaseline("Silver", 1, 1, 30.0, cohort=2, retained=1)
    both = merge("Both", [g, s])
    assert (both.customers, both.orders, both.revenue, both.retention_rate) == (3, 5, 230.0, 0.5)


def test_lifetime_value_reference():
    # geometric series by hand: 100 · (1 + 0.6 + 0.36 + …) = 100 / 0.4 = 250
    assert lifetime_value(100, 0.6) == pytest.approx(250.0)
    assert lifetime_value(100, 1.0) is None and lifetime_value(100, None) is None
