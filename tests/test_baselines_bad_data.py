"""Every kind of bad input gives a clear message naming the field or column, with counts and examples."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from roi.baselines import BaselineError, OrdersMapping, baselines_from_files, check_mapping, file_columns

from .baseline_data import HEADER, orders_csv, write_csv

MAPPING = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier")


def _problems(fn, *args, **kwargs) -> list[str]:
    with pytest.raises(BaselineError) as exc:
        fn(*args, **kwargs)
    return exc.value.problems


def test_a_missing_column_names_the_flag_and_lists_the_columns(tmp_path):
    bad = OrdersMapping("customer", "order_id", "order_date", "order_value")
    (line,) = _problems(baselines_from_files, orders_csv(tmp_path), bad)
    assert line.startswith("--customer-id: no column 'customer' in orders.csv (columns: order_id, customer_id,")


def test_one_column_for_two_fields_is_refused():
    lines = check_mapping(OrdersMapping("a", "a", "b", "c"), ["a", "b", "c"], file="f.csv")
    assert lines == ["--customer-id and --order-id: both use the column a"]


def test_a_mis_mapped_value_column_is_reported_with_a_hint(tmp_path):
    mis = OrdersMapping("customer_id", "order_id", "order_date", "tier")
    lines = _problems(baselines_from_files, orders_csv(tmp_path), mis)
    assert lines[0] == "orders: no usable row among the 15 rows of orders.csv"
    value = next(line for line in lines if "not a number" in line)
    # 15 rows: O10 (no customer) and O11 (bad date) fail an earlier check; the other 13 hold "Gold"/"Silver"
    assert value.startswith("orders: --order-value (tier): 13 rows whose value is not a number")
    assert "more than half the rows: is 'tier' the right column?" in value


def test_unparsable_dates_and_values_are_counted_with_examples(tmp_path):
    rows = [["O1", "A", "2025-01-01", "10", "x"], ["O2", "A", "01/02/2025", "10", "x"],
            ["O3", "A", "2025-02-30", "10", "x"], ["O4", "A", "2025-03-01", "1,5", "x"],
            ["O5", "A", "2025-03-01", "0", "x"], ["O6", "A", "2025-03-01", "nan", "x"]]
    path = write_csv(tmp_path / "o.csv", HEADER[:5], rows)
    r = baselines_from_files(path, MAPPING)
    by = {e.reason: e for e in r.exclusions}
    assert by["unparsable_date"].rows == 2 and by["unparsable_date"].examples == ("order O2: '01/02/2025'",
                                                                                  "order O3: '2025-02-30'")
    assert by["unparsable_value"].rows == 2  # "1,5" and "nan": a value must be a finite number
    assert by["non_positive_value"].rows == 1 and "zero or negative" in by["non_positive_value"].message
    assert r.rows_used == 1


def test_duplicate_order_ids_count_once(tmp_path):
    rows = [["O1", "A", "2025-01-01", "10", "x"], ["O1", "A", "2025-01-01", "10", "x"],
            ["O1", "B", "2025-01-02", "99", "x"]]
    r = baselines_from_files(write_csv(tmp_path / "o.csv", HEADER[:5], rows), MAPPING)
    (dup,) = r.exclusions
    assert (dup.reason, dup.rows) == ("duplicate_order_id", 2)
    (s,) = r.segments
    assert (s.customers, s.orders, s.revenue) == (1, 1, 10.0)  # the first by date is kept: A, 10


def test_ids_sharing_a_dedupe_key_are_not_duplicates(tmp_path, monkeypatch):
    """Repeated order ids are found by a 64-bit key of the id (``sql.dedupe_key``), then checked
    against the ids themselves: with every id given the same key — the worst collision — only the
    truly repeated id is a duplicate, and the counts equal the real key's."""
    from roi.baselines import sql

    rows = [["O1", "A", "2025-01-01", "10", "x"], ["O1", "A", "2025-01-03", "12", "x"],
            ["O2", "B", "2025-01-02", "20", "x"], ["O3", "C", "2025-01-04", "30", "x"]]
    path = write_csv(tmp_path / "o.csv", HEADER[:5], rows)
    real = baselines_from_files(path, MAPPING)
    monkeypatch.setattr(sql, "dedupe_key", lambda dialect, text: "1")
    collided = baselines_from_files(path, MAPPING)
    (dup,) = real.exclusions
    assert (dup.reason, dup.rows) == ("duplicate_order_id", 1) and all("order O1" in e for e in dup.examples)
    (s,) = real.segments
    assert (s.customers, s.orders, s.revenue) == (3, 3, 60.0)  # O1's first row (10), O2, O3
    assert collided.exclusions == real.exclusions and collided.segments == real.segments  # examples too


def test_flags_in_any_spelling_read_as_the_plain_words(tmp_path):
    """A flag read as written (``true``/``1``/``false``/``0``) or lower-cased and trimmed first
    (``TRUE``, `` yes``, ``No ``) gives the same answer; anything else is reported."""
    header = HEADER[:5] + ["identified"]
    rows = [["O1", "A", "2025-01-01", "10", "x", "true"], ["O2", "B", "2025-01-01", "10", "x", " TRUE"],
            ["O3", "C", "2025-01-01", "10", "x", "1"], ["O4", "D", "2025-01-01", "10", "x", "Yes "],
            ["O5", "E", "2025-01-01", "10", "x", "0"], ["O6", "F", "2025-01-01", "10", "x", "No"],
            ["O7", "G", "2025-01-01", "10", "x", "false"], ["O8", "H", "2025-01-01", "10", "x", "maybe"]]
    mapping = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier",
                            identified="identified")
    r = baselines_from_files(write_csv(tmp_path / "o.csv", header, rows), mapping)
    (s,) = r.segments
    assert (s.customers, s.identified) == (8, 4)  # A–D; "maybe" is not counted as identified
    assert any("(identified): 1 rows hold a value that is not yes/no" in n for n in r.notes)  # reported


def test_empty_file_header_only_and_wrong_types(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert _problems(baselines_from_files, empty, MAPPING) == ["orders: empty.csv is empty"]
    header = write_csv(tmp_path / "header.csv", HEADER, [])
    assert _problems(baselines_from_files, header, MAPPING) == ["orders: header.csv has no rows (only a header, "
                                                                "or nothing)"]
    pdf = tmp_path / "orders.csv"
    pdf.write_bytes(b"%PDF-1.7 not a table")
    assert "named as CSV but looks like a PDF file" in _problems(baselines_from_files, pdf, MAPPING)[0]
    js = tmp_path / "orders.json"
    js.write_text("{}")
    assert _problems(baselines_from_files, js, MAPPING) == [
        "orders: orders.json is not a supported file type (CSV, CSV.GZ, Parquet or XLSX)"]
    fake_parquet = tmp_path / "orders.parquet"
    fake_parquet.write_text("a,b\n1,2\n")
    assert "named as PARQUET but looks like text" in _problems(baselines_from_files, fake_parquet, MAPPING)[0]
    missing = tmp_path / "nowhere.csv"
    assert _problems(baselines_from_files, missing, MAPPING)[0].startswith("orders: cannot read nowhere.csv")


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = orders_csv(tmp_path)
    (line,) = _problems(baselines_from_files, path, MAPPING, max_bytes=100)
    assert line.startswith("orders: orders.csv is 0.0 MB, larger than the 0 MB allowed here")


def test_gzip_csv_reads_like_csv(tmp_path):
    plain = orders_csv(tmp_path)
    gz = tmp_path / "orders.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert baselines_from_files(gz, MAPPING).segments == baselines_from_files(plain, MAPPING).segments
    assert file_columns(gz) == HEADER


def test_no_order_in_the_period(tmp_path):
    (line,) = _problems(baselines_from_files, orders_csv(tmp_path), MAPPING, period_end=date(2020, 1, 1))
    assert line == ("--period-end: no valid order in the period 2019-01-02 – 2020-01-01; the orders run from "
                    "2023-06-01 to 2025-12-31")


def test_too_many_segments(tmp_path):
    rows = [[f"O{k}", f"C{k}", "2025-01-01", "10", f"S{k}"] for k in range(101)]
    (line,) = _problems(baselines_from_files, write_csv(tmp_path / "o.csv", HEADER[:5], rows), MAPPING)
    assert line.startswith("--segment: the column 'tier' has more than 100 distinct values")


def test_unknown_flag_values_are_reported_and_count_as_no(tmp_path):
    rows = [["O1", "A", "2025-01-01", "10", "x", "maybe", "yes"], ["O2", "B", "2025-01-01", "10", "x", "yes", "1"]]
    m = OrdersMapping("customer_id", "order_id", "order_date", "order_value", identified="known", consent="optin")
    r = baselines_from_files(write_csv(tmp_path / "o.csv", HEADER, rows), m)
    assert any("known): 1 rows hold a value that is not yes/no" in n for n in r.notes)
    (s,) = r.segments
    assert s.identified == 1 and s.consented == 1  # A unknown → not identified; B identified and consented


def test_broken_xlsx_is_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "orders.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken zip")
    (line,) = _problems(baselines_from_files, bad, MAPPING)
    assert line.startswith("orders: orders.xlsx could not be read as an Excel workbook")
