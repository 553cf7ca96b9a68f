"""Traffic from history (roi.experiments.history) and bounded CSV reading (roi.experiments.uploads)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from roi.experiments import uploads
from roi.experiments.history import (
    MAX_HISTORY_BYTES,
    WEEKDAYS,
    history_from_frame,
    read_history,
    weekly_duration,
)

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
# Monday 2024-01-01 onward; weekdays 1,000 visitors and 20 orders, weekends 500 and 15.
PATTERN = [(1000, 20)] * 5 + [(500, 15)] * 2


def _csv(days: int = 28, start: dt.date = dt.date(2024, 1, 1), header: str = "date,visitors,conversions") -> bytes:
    rows = [header]
    for d in range(days):
        v, c = PATTERN[(start + dt.timedelta(d)).weekday()]
        rows.append(f"{(start + dt.timedelta(d)).isoformat()},{v},{c}")
    return ("\n".join(rows) + "\n").encode()


def test_history_by_hand():
    # Weekday means 1,000 (Mon–Fri) and 500 (Sat, Sun): mean of the seven = 6,000/7 = 857.14 a day;
    # index 1,000/857.14 = 1.1667 and 500/857.14 = 0.5833. Four weeks: 24,000 visitors,
    # 4 × (5 × 20 + 2 × 15) = 520 orders, baseline 520/24,000 = 2.1667%.
    h = read_history(_csv())
    assert h.days == 28 and h.missing_days == 0 and h.first_day == dt.date(2024, 1, 1)
    assert h.daily_visitors == pytest.approx(6000 / 7)
    assert h.weekday_index == pytest.approx((7 / 6,) * 5 + (7 / 12,) * 2)
    assert h.visitors == 24_000 and h.conversions == 520
    assert h.baseline_conversion == pytest.approx(520 / 24_000)
    assert h.weekly_visitors == pytest.approx(6000)
    assert h.revenue is None and h.revenue_per_visitor is None


def test_partial_weeks_do_not_over_weight_a_weekday():
    # 10 days from Monday: Mon–Wed appear twice. The mean of weekday means still gives 6,000 a week.
    h = read_history(_csv(days=10))
    assert h.weekly_visitors == pytest.approx(6000)


def test_weekly_duration_by_hand():
    # 10,000 visitors at 6,000 a week: one full week (6,000) and 4,000 more — Mon 1,000, Tue 2,000,
    # Wed 3,000, Thu 4,000 → day 7 + 4 = 11, rounded up to 2 whole weeks (14 days).
    h = read_history(_csv())
    d = weekly_duration(10_000, h)
    assert (d.days_to_sample, d.weeks, d.days, d.start_weekday) == (11, 2, 14, "Mon")
    # Starting on Saturday the first two days bring 500 each: 6,000 + 500 + 500 + 1,000 × 3 = 10,000 → day 12.
    assert weekly_duration(10_000, h, start_weekday=5).days_to_sample == 12
    # exactly one week of traffic: 7 days, 1 week
    assert (weekly_duration(6_000, h).days_to_sample, weekly_duration(6_000, h).weeks) == (7, 1)
    # half the traffic in the test doubles the time
    assert weekly_duration(6_000, h, allocation=0.5).weeks == 2


def test_a_very_long_test_is_refused_not_counted_day_by_day():
    h = read_history(_csv())
    with pytest.raises(ValueError, match="^daily_traffic: .* more than 520 weeks"):
        weekly_duration(1e15, h)


def test_sample_file_in_data_reads():
    h = read_history((ROOT / "data" / "daily_traffic.csv").read_bytes())
    assert h.days >= 28 and h.baseline_conversion is not None and h.revenue is not None
    assert len(h.weekday_index) == 7 and np.mean(h.weekday_index) == pytest.approx(1.0)


@pytest.mark.parametrize("text, message", [
    ("date,visitors\n2024-13-01,5\n" + "".join(f"2024-01-0{d},5\n" for d in range(1, 8)),
     r"^date: 1 row is not a date as YYYY-MM-DD \(line 2 '2024-13-01'\)"),
    ("date,visitors\n" + "".join(f"2024-01-0{d},5\n" for d in range(1, 8)) + "2024-01-03,6\n",
     r"^date: 1 row repeats a day already listed \(line 9 '2024-01-03'\)"),
    ("date,visitors,conversions\n" + "".join(f"2024-01-0{d},5,{9 if d in (2, 4) else 1}\n" for d in range(1, 8)),
     r"^conversions: 2 rows have more conversions than visitors \(line 3 '9', line 5 '9'\)"),
    ("date,visitors\n" + "".join(f"2024-01-0{d},{'x' if d == 5 else 5}\n" for d in range(1, 8)),
     r"^visitors: 1 row is not a number \(line 6 'x'\)"),
    ("date,visitors\n" + "".join(f"2024-01-0{d},-5\n" for d in range(1, 8)), r"^visitors: 7 rows are below 0"),
    ("date,visitors\n2024-01-01,5\n2024-01-02,5\n", r"^date: 2 days; need at least 7"),
    ("date,visitors\n" + "".join(f"2024-01-{d:02d},5\n" for d in (1, 2, 3, 4, 5, 8, 9, 10)),
     r"^date: no row for Sat, Sun"),
    ("day,sessions,orders\n" + "".join(f"2024-01-0{d},0,0\n" for d in range(1, 8)), r"^sessions: no visitors"),
    ("when,visitors\n2024-01-01,5\n", r"^date: column is missing \(accepted names: date, day; found: when, visitors\)"),
])
def test_bad_history_files_are_explained(text, message):
    with pytest.raises(ValueError, match=message):
        read_history(text.encode())


def test_upload_limits():
    with pytest.raises(ValueError, match=r"^file: .* over the 2.0 MB limit"):
        read_history(b"x" * (MAX_HISTORY_BYTES + 1))
    with pytest.raises(ValueError, match="^file: not UTF-8"):
        read_history(b"date,visitors\n\xff\xfe,1\n")
    with pytest.raises(ValueError, match="^file: no data rows"):
        read_history(b"date,visitors\n")
    with pytest.raises(ValueError, match="^file: more than 3 rows"):
        uploads.read_csv(b"a\n1\n2\n3\n4\n", max_rows=3)
    with pytest.raises(ValueError, match="^file: not a readable CSV"):
        uploads.read_csv(b'a,b\n"1,2\n')


def test_customer_data_picks_the_control_and_explains_bad_rows():
    df = uploads.read_csv(b"arm,revenue,pre_revenue\nexposed,10,8\nholdout,5,4\nexposed,12,9\nholdout,6,7\n")
    data = uploads.customer_data(df)
    assert (data.control_label, data.treatment_label) == ("holdout", "exposed")
    assert data.treated.tolist() == [True, False, True, False] and data.covariate.tolist() == [8, 4, 9, 7]
    with pytest.raises(ValueError, match=r"^revenue: 2 rows are not numbers \(line 3 'x', line 5 ''\)"):
        uploads.customer_data(uploads.read_csv(b"arm,revenue\nA,1\nB,x\nA,2\nB,\n"))
    with pytest.raises(ValueError, match=r"^arm: need exactly two groups .* found 3"):
        uploads.customer_data(uploads.read_csv(b"arm,revenue\nA,1\nB,2\nC,3\n"))
    with pytest.raises(ValueError, match="^arm: cannot tell which group is the control"):
        uploads.customer_data(uploads.read_csv(b"arm,revenue\nred,1\nblue,2\nred,1\nblue,2\n"))
    with pytest.raises(ValueError, match="^arm: the treatment group 'B' has 1 customer; need at least 2"):
        uploads.customer_data(uploads.read_csv(b"arm,revenue\nA,1\nB,2\nA,3\n"))
    with pytest.raises(ValueError, match=r"^revenue: 1 row is implausibly large"):
        uploads.customer_data(uploads.read_csv(b"arm,revenue\nA,1\nB,2\nA,3\nB,1e300\n"))


def test_weekdays_are_monday_first():
    assert WEEKDAYS[0] == "Mon" and len(WEEKDAYS) == 7
    assert history_from_frame(uploads.read_csv(_csv())).weekday_index[0] > 1
