"""AppTest of the Audience data page: import → map → review → apply, and refusals that keep the scenario."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from .apptest_helpers import errors, metric, open_app
from .baseline_data import orders_csv

PAGE = "pages/audience_data.py"


def _open() -> AppTest:
    at = open_app(PAGE, "european_retailer")
    assert at.title[0].value == "Audience data"
    return at


def test_sample_import_review_and_apply(monkeypatch):
    at = _open()
    before = at.session_state["scenario"]
    at.button(key="bl_use_sample").click().run()
    assert not at.exception and not errors(at)
    picked = {s.label: s.value for s in at.selectbox}
    assert picked["Segment"] == "customer_type" and picked["Order value"] == "order_value"
    at.button(key="bl_compute").click().run()
    assert not at.exception
    assert metric(at, "Order rows read") == "100,000" and metric(at, "Rows excluded") == "834"
    assert any("duplicate" not in w.value and "without a customer id" in w.value for w in at.warning)
    baselines = at.dataframe[0].value
    assert set(baselines["Segment"]) == {"Loyalty members", "Registered non-members", "Anonymous visitors",
                                         "All customers"}
    review = at.dataframe[3].value  # [0], [1] the baselines, [2] the assignment editor, then one per segment
    assert list(review.columns) == ["Field", "Before", "After", "How"]
    assert review.loc[0, "Field"] == "Customers" and review.loc[0, "After"].endswith(" ●")
    assert at.session_state["scenario"] == before  # nothing applied yet
    at.button(key="bl_apply").click().run()
    assert not at.exception
    after = at.session_state["scenario"]
    loyal = after.segment("Loyalty members")
    assert loyal.customers == 5373  # the sample's distinct 2025 buyers of that type (CLI gives the same)
    assert loyal.sources["customers"].startswith("sample_orders.csv.gz: 56,012 orders used, 834 excluded; "
                                                 "2025-01-01 – 2025-12-31")
    assert after.data_sources[0].name == "sample_orders.csv.gz"
    assert any("Applied from" in s.value for s in at.success)
    at.switch_page("pages/audience.py").run()
    assert not at.exception
    data = at.dataframe[-1].value
    assert list(data["File or table"]) == ["sample_orders.csv.gz"] and list(data["Rows excluded"]) == ["834"]


def test_upload_with_a_wrong_mapping_keeps_the_scenario(tmp_path):
    at = _open()
    before = at.session_state["scenario"]
    content = orders_csv(tmp_path).read_bytes()
    at.file_uploader(key="bl_orders").set_value(("orders.csv", content, "text/csv")).run()
    assert not at.exception
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Order value")).set_value("tier").run()
    at.button(key="bl_compute").click().run()
    assert not at.exception
    (err,) = errors(at)
    # "tier" is also guessed as the segment column: the page names both fields
    assert "No baselines" in err and "Order value and Segment: both use the column tier" in err
    assert at.session_state["scenario"] == before


def test_a_file_that_is_not_a_table_is_refused_with_its_name():
    at = _open()
    at.file_uploader(key="bl_orders").set_value(("orders.csv", b"%PDF-1.7 [x](http://evil)", "text/csv")).run()
    assert not at.exception
    (err,) = errors(at)
    assert "orders.csv cannot be used" in err and "looks like a PDF file" in err


def test_hand_upload_gives_the_hand_values(tmp_path):
    at = _open()
    at.file_uploader(key="bl_orders").set_value(("orders.csv", orders_csv(tmp_path).read_bytes(), "text/csv")).run()
    seg_key = next(s.key for s in at.selectbox if s.label == "Segment")
    at.selectbox(key=seg_key).set_value("tier").run()
    at.button(key="bl_compute").click().run()
    table = at.dataframe[0].value.set_index("Segment")
    # tests/baseline_data.py: Gold 2 buyers, 2 orders each, 50 per order, retention 1 of 2
    assert table.loc["Gold", "Customers"] == "2" and table.loc["Gold", "Orders/cust."] == "2.00"
    assert table.loc["Gold", "Order value (EUR)"] == "50.00" and table.loc["Gold", "Retention / yr"] == "50.0%"
