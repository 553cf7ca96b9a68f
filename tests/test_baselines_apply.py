"""Applying baselines to a scenario: values, the before/after review, provenance and assignments."""

from __future__ import annotations

from datetime import date

import pytest

import roi
from roi.baselines import OrdersMapping, VisitsMapping, baselines_from_files
from roi.baselines.apply import NEW, SKIP, apply_baselines, default_assignment, provenance

from .baseline_data import orders_csv, visits_csv
from .factories import scenario_dict

MAPPING = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier",
                        identified="known", consent="optin")
DAY = date(2026, 1, 15)


@pytest.fixture
def scenario():
    data = scenario_dict()
    base = data["segments"][0]
    data["segments"] = [{**base, "name": "Gold", "baseline_conversion_rate": 0.05, "visits_per_customer": 10,
                         "gross_margin": 0.4}, {**base, "name": "Silver", "baseline_conversion_rate": 0.02}]
    for ini in data["initiatives"]:
        ini["segments"] = ["Gold"] if ini.get("segments") else []
    return roi.parse_scenario(data)


def test_values_and_provenance_without_visits(tmp_path, scenario):
    result = baselines_from_files(orders_csv(tmp_path), MAPPING)
    applied = apply_baselines(scenario, result, derived_on=DAY)
    gold = applied.scenario.segment("Gold")
    # hand values: 2 buyers, order value 50, retention 1/2, identifiable 1/2, consent 1/1 (tests/baseline_data)
    assert (gold.customers, gold.average_order_value, gold.retention_rate) == (2, 50, 0.5)
    assert (gold.identifiable_share, gold.consent_share, gold.gross_margin) == (0.5, 1.0, 0.4)
    # no visits: conversion kept (5%), visits = 2 orders per customer ÷ 5% = 40
    assert gold.baseline_conversion_rate == 0.05 and gold.visits_per_customer == pytest.approx(40)
    assert gold.baseline_revenue == pytest.approx(200.0)  # = the revenue in the data
    line = "orders.csv: 5 orders used, 5 excluded; 2025-01-01 – 2025-12-31; derived 2026-01-15"
    assert provenance(result, DAY) == line
    assert gold.sources["customers"].startswith(line) and "gross_margin" not in gold.sources
    assert "adjusted" in gold.sources["visits_per_customer"]
    (record,) = applied.scenario.data_sources
    assert (record.name, record.rows_read, record.rows_used, record.rows_excluded) == ("orders.csv", 15, 5, 5)
    assert record.excluded["orders: duplicate_order_id"] == 1 and record.segments == ["Gold", "Silver"]
    assert (record.period_start, record.period_end, record.derived_on) == ("2025-01-01", "2025-12-31", "2026-01-15")
    assert record.mapping["segment"] == "tier"
    assert scenario.segment("Gold").customers != 2  # the input scenario is untouched


def test_before_after_rows_say_what_changed_and_why(tmp_path, scenario):
    applied = apply_baselines(scenario, baselines_from_files(orders_csv(tmp_path), MAPPING), derived_on=DAY)
    rows = {(r.segment, r.field): r for r in applied.rows}
    c = rows[("Gold", "customers")]
    assert (c.before, c.after, c.changed) == (scenario.segment("Gold").customers, 2, True)
    g = rows[("Gold", "gross_margin")]
    assert (g.before, g.after, g.changed, g.how) == (0.4, 0.4, False, "kept: orders hold no costs")
    assert rows[("Gold", "baseline_conversion_rate")].how == "kept: not in the data"


def test_visits_fill_conversion_and_visits(tmp_path, scenario):
    result = baselines_from_files(orders_csv(tmp_path), MAPPING, visits=visits_csv(tmp_path),
                                  visits_mapping=VisitsMapping("customer_id", "visit_date", "visits"))
    gold = apply_baselines(scenario, result, derived_on=DAY).scenario.segment("Gold")
    assert gold.baseline_conversion_rate == pytest.approx(0.04) and gold.visits_per_customer == 50


def test_merge_new_and_skip(tmp_path, scenario):
    result = baselines_from_files(orders_csv(tmp_path), MAPPING)
    both = apply_baselines(scenario, result, {"Gold": "Silver", "Silver": "Silver"}, derived_on=DAY)
    silver = both.scenario.segment("Silver")
    assert (silver.customers, silver.average_order_value) == (3, pytest.approx(46.0))  # 230 ÷ 5 pooled
    assert "[Gold + Silver]" in silver.sources["customers"]
    assert both.scenario.segment("Gold") == scenario.segment("Gold")

    renamed = baselines_from_files(orders_csv(tmp_path), OrdersMapping("customer_id", "order_id", "order_date",
                                                                       "order_value"))
    assert default_assignment(renamed, scenario) == {s.name: NEW for s in renamed.segments}
    added = apply_baselines(scenario, renamed, {"Loyal": NEW, "Occasional": SKIP}, derived_on=DAY)
    assert [s.name for s in added.scenario.segments] == ["Gold", "Silver", "Loyal"]
    assert added.scenario.segment("Loyal").sources["gross_margin"].startswith("no data: the scenario's customer-weighted")
    assert any("no initiative targets it" in n for n in added.notes)
    none = apply_baselines(scenario, renamed, {"At risk": NEW}, derived_on=DAY)  # no buyer this period
    assert none.scenario.segments == scenario.segments and any("not applied" in n for n in none.notes)
