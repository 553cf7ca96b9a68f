"""A small hand-built orders export (and visits) whose baselines are worked out by hand below.

Period ending 2025-12-31: this period 2025-01-01 – 2025-12-31, the previous one 2024-01-01 –
2024-12-31. Rows 1–10 are valid; rows 11–15 each have one problem.

Worked by hand (segment column):
- this period's buyers: A (O1 100 + O2 50, latest Gold), B (O3 30, Silver), C (O4 Silver on
  11-30, O9 Gold on 12-31: latest is Gold, flags of O9: not identified)
- Gold: customers A, C = 2; orders 4; revenue 100 + 50 + 20 + 30 = 200; identified A = 1;
  consented among identified A = 1. Previous buyers in Gold: A (O5), G (O15) = 2, of whom A came
  back: retention 1/2. Lifetime revenue = (200 / 2) / (1 − 0.5) = 200.
- Silver: customers B = 1; orders 1; revenue 30; identified 1, consented 0. Previous Silver: D
  (O6) and B (O7, on 2024-12-31, the last day of the previous period): B came back → 1/2.
- rows: 15 read, 5 excluded (one per reason), 5 in the period (O1 O2 O3 O4 O9), 4 in the
  previous period (O5 O6 O7 O15), 1 outside (O8 in 2023).

Visits (customer, date, count), this period only: A 40, B 10, C 60, Z 5 (no order); A's 2024 row is
outside; a row without customer and one with a bad date are excluded. Gold: 4 orders ÷ (40 + 60)
visits = 4%, 50 visits per customer; Silver: 1 ÷ 10 = 10%; visits in the period 115, by buyers 110.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["order_id", "customer_id", "order_date", "order_value", "tier", "known", "optin"]
ORDERS = [
    ["O1", "A", "2025-03-01", "100", "Gold", "yes", "yes"],
    ["O2", "A", "2025-06-01", "50", "Gold", "yes", "yes"],
    ["O3", "B", "2025-02-10", "30", "Silver", "yes", "no"],
    ["O4", "C", "2025-11-30", "20", "Silver", "no", "no"],
    ["O5", "A", "2024-05-01", "80", "Gold", "yes", "yes"],
    ["O6", "D", "2024-07-01", "40", "Silver", "yes", "yes"],
    ["O7", "B", "2024-12-31", "10", "Silver", "yes", "no"],
    ["O8", "E", "2023-06-01", "99", "Gold", "yes", "yes"],
    ["O9", "C", "2025-12-31", "30", "Gold", "no", "no"],
    ["O15", "G", "2024-03-03", "60", "Gold", "yes", "yes"],
    ["O10", "", "2025-05-01", "10", "Gold", "yes", "yes"],  # missing customer id
    ["O11", "F", "2025-13-01", "10", "Gold", "yes", "yes"],  # unparsable date
    ["O12", "F", "2025-05-01", "abc", "Gold", "yes", "yes"],  # unparsable value
    ["O13", "F", "2025-05-01", "-5", "Gold", "yes", "yes"],  # negative value
    ["O1", "A", "2025-03-01", "100", "Gold", "yes", "yes"],  # O1 exported twice
]
VISITS_HEADER = ["customer_id", "visit_date", "visits"]
VISITS = [
    ["A", "2025-01-15", "40"],
    ["A", "2024-06-01", "7"],
    ["B", "2025-03-01", "10"],
    ["C", "2025-12-01", "60"],
    ["Z", "2025-05-05", "5"],
    ["", "2025-05-05", "3"],
    ["B", "2025-02-30", "1"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def orders_csv(tmp_path: Path, rows: list[list[str]] | None = None, name: str = "orders.csv") -> Path:
    return write_csv(tmp_path / name, HEADER, ORDERS if rows is None else rows)


def visits_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "visits.csv", VISITS_HEADER, VISITS)
