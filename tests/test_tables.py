"""Flat table rows and back (roi.tables): an edit in the Initiatives or Audience table keeps every
field the table does not show — above all the measured test result the feedback loop attached."""

from __future__ import annotations

import datetime as dt

import pytest

import roi
from roi.experiments import analyze_ab, apply_result
from roi.io import parse_scenario
from roi.schema import EvidenceKind
from roi.tables import initiative_rows, rows_to_initiatives, rows_to_segments, segment_rows

from .factories import initiative, scenario

DAY = dt.date(2025, 3, 14)


def _measured_case():
    """Two initiatives; the first carries a measured result (A 500/10,000 vs B 600/10,000)."""
    s = scenario([
        initiative(name="Recs", uplift={"low": 0.2, "base": 0.5, "high": 0.8}, description="Product recs",
                   sources={"one_time_cost": "vendor quote"}),
        initiative(name="Basket", lever="order_value",
                   evidence={"kind": "benchmark", "source": "McKinsey 2021", "year": 2021, "note": "retail"}),
    ])
    return apply_result(s, "Recs", analyze_ab(10_000, 500, 10_000, 600), test_name="Recs A/B", date=DAY)


def _edit(rows, i, **cells):
    out = [dict(r) for r in rows]
    out[i].update(cells)
    return out


def _scenario_with(s, initiatives):
    data = s.model_dump(mode="json")
    data["initiatives"] = initiatives
    return parse_scenario(data)


@pytest.mark.parametrize("sample", sorted(roi.sample_paths()))
def test_round_trip_is_lossless_for_every_sample(sample):
    s = roi.load_sample(sample)
    data = s.model_dump(mode="json")
    data["initiatives"] = rows_to_initiatives(initiative_rows(data["initiatives"]))
    data["segments"] = rows_to_segments(segment_rows(data["segments"]))
    assert parse_scenario(data) == s


def test_round_trip_keeps_the_measured_result():
    s = _measured_case()
    rows = initiative_rows(s.model_dump(mode="json")["initiatives"])
    assert _scenario_with(s, rows_to_initiatives(rows)) == s


def test_editing_a_cell_keeps_the_measured_result_and_other_evidence():
    s = _measured_case()
    rows = initiative_rows(s.model_dump(mode="json")["initiatives"])
    # edit an unrelated cell of the measured row and of the other row
    edited = _scenario_with(s, rows_to_initiatives(_edit(_edit(rows, 0, one_time_cost=25_000.0),
                                                         1, uplift_high=0.9)))
    recs, basket = edited.initiatives
    assert recs.one_time_cost == 25_000
    assert recs.evidence == s.initiatives[0].evidence  # kind, source, year, note and measured
    assert recs.evidence.kind == EvidenceKind.measured
    assert recs.evidence.measured is not None
    assert (recs.evidence.measured.visitors_b, recs.evidence.measured.conversions_b) == (10_000, 600)
    assert recs.description == "Product recs" and recs.sources == {"one_time_cost": "vendor quote"}
    assert basket.uplift.high == 0.9
    assert (basket.evidence.source, basket.evidence.year, basket.evidence.note) == ("McKinsey 2021", 2021, "retail")
    assert edited.changes == s.changes


def test_deleting_a_row_keeps_the_other_rows_hidden_fields():
    s = _measured_case()
    rows = initiative_rows(s.model_dump(mode="json")["initiatives"])
    edited = _scenario_with(s, rows_to_initiatives([rows[1], rows[0]]))  # reordered
    assert edited.initiatives[1].evidence.measured == s.initiatives[0].evidence.measured


def test_a_new_row_has_no_hidden_fields():
    rows = initiative_rows(_measured_case().model_dump(mode="json")["initiatives"])
    new = {c: None for c in rows[0]}
    new.update(name="New", outcome="growth", lever="conversion_rate", segments=["Everyone"],
               uplift_low=0.0, uplift_base=0.1, uplift_high=0.2)
    (ini,) = rows_to_initiatives([new])
    assert "measured" not in ini["evidence"] and "description" not in ini
