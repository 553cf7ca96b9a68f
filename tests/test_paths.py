"""Field paths: one grammar for the dashboard's draft edits and the workbook's field keys."""

from __future__ import annotations

import pytest

import roi
from roi.paths import set_value_at, split_path, value_at


def test_split_path_names_indices_and_digits_in_names():
    assert split_path("initiatives[2].uplift.base") == ["initiatives", 2, "uplift", "base"]
    assert split_path("segments") == ["segments"]
    assert split_path("a1.b_2[10]") == ["a1", "b_2", 10]  # the workbook reader once split "a1" into "a"


def test_value_at_reads_a_model_and_its_dump_alike():
    sc = roi.load_sample("european_retailer")
    path = "initiatives[0].uplift.base"
    assert value_at(sc, path) == value_at(sc.model_dump(mode="json"), path) == sc.initiatives[0].uplift.base


def test_set_value_at_writes_in_place_and_refuses_missing_parents():
    data = {"initiatives": [{"uplift": {"base": 0.05}}]}
    set_value_at(data, "initiatives[0].uplift.base", 0.07)
    assert data == {"initiatives": [{"uplift": {"base": 0.07}}]}
    with pytest.raises(IndexError):
        set_value_at(data, "initiatives[3].uplift.base", 0.1)
