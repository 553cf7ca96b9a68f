"""The workbook's *Change log* sheet: every saved version of the scenario, who, when, why, and each
field that changed against the previous version (applied test results marked)."""

from __future__ import annotations

from collections.abc import Sequence

from ..store.diff import format_value, is_applied_test
from ..store.records import VersionInfo, iso  # noqa: F401  (VersionInfo: re-exported)
from .xlsx.book import Book, Sheet

SHEET = "Change log"
HEADERS = ["Version", "Saved (UTC)", "Author", "Reason", "Field", "Old value", "New value"]
WIDTHS = {1: 9, 2: 21, 3: 18, 4: 40, 5: 36, 6: 28, 7: 40}
CELL_CHARS = 1_000  # a long value (a whole added initiative) is cut: the JSON file has it all
NOTE = ("Every saved version of this scenario, oldest first: who saved it, when, why, and each field that "
        "changed from the version it was based on (paths as in the Assumptions sheet's column I). "
        "Values only: editing this sheet changes nothing.")


def _value(ws: Sheet, row: int, col: int, value: object) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.value(row, col, value)
    else:
        ws.text(row, col, format_value(value, CELL_CHARS))


def write_change_log(book: Book, history: Sequence[VersionInfo]) -> Sheet:
    """Add the *Change log* sheet: one row per changed field, a version without field changes (the
    first, a plain copy) on one row of its own. Numbers stay numbers; user text is written as text
    (never a formula)."""
    ws = book.sheet(SHEET, values_tab=True)
    ws.text(1, 1, SHEET, "title")
    ws.note(2, NOTE, 7, 150)
    ws.header(4, HEADERS)
    row = 5
    for v in history:
        for change in v.changes or [None]:
            ws.value(row, 1, v.version)
            ws.text(row, 2, (iso(v.created_at) or "").replace("T", " ").rstrip("Z"))
            ws.text(row, 3, v.author)
            ws.text(row, 4, v.reason)
            if change is None:
                ws.text(row, 5, "(first version)" if v.parent_version is None else "(no field changed)")
            elif is_applied_test(change):
                ws.text(row, 5, f"{change.path} (applied test result)")
                ws.text(row, 7, format_value(change.new["reason"], CELL_CHARS))
            else:
                ws.text(row, 5, change.path)
                _value(ws, row, 6, change.old)
                _value(ws, row, 7, change.new)
            row += 1
    ws.widths(WIDTHS)
    ws.setup((4, 0))
    return ws
