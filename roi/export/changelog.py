"""The workbook's *Change log* sheet: every saved version of the scenario, who, when, why, and each
field that changed against the previous version (applied test results marked)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Font
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..store.diff import format_value, is_applied_test
from ..store.records import VersionInfo, iso
from . import safe

SHEET = "Change log"
HEADERS = ["Version", "Saved (UTC)", "Author", "Reason", "Field", "Old value", "New value"]
WIDTHS = {"A": 9, "B": 21, "C": 18, "D": 40, "E": 36, "F": 28, "G": 40}
CELL_CHARS = 1_000  # a long value (a whole added initiative) is cut: the JSON file has it all
NOTE = ("Every saved version of this scenario, oldest first: who saved it, when, why, and each field that "
        "changed from the version it was based on (paths as in the Assumptions sheet's column I). "
        "Values only: editing this sheet changes nothing.")


def _style(ws: Worksheet, cell, name: str) -> None:
    # the workbook's named styles when build_workbook registered them; a plain fallback otherwise
    if name in ws.parent.named_styles:
        cell.style = name
    elif name in ("roi header", "roi title"):
        cell.font = Font(bold=True)


def _value(cell, value: object) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        safe.write_text(cell, format_value(value, CELL_CHARS))


def write_change_log(wb: Workbook, history: Sequence[VersionInfo]) -> Worksheet:
    """Add the *Change log* sheet to ``wb``: one row per changed field, a version without field
    changes (the first, a plain copy) on one row of its own. Numbers stay numbers; user text is
    written as text (never a formula)."""
    ws = wb.create_sheet(SHEET)
    safe.write_text(ws.cell(row=1, column=1), SHEET)
    _style(ws, ws.cell(row=1, column=1), "roi title")
    safe.write_text(ws.cell(row=2, column=1), NOTE)
    _style(ws, ws.cell(row=2, column=1), "roi note")
    for k, header in enumerate(HEADERS, start=1):
        safe.write_text(ws.cell(row=4, column=k), header)
        _style(ws, ws.cell(row=4, column=k), "roi header")
    row = 5
    for v in history:
        lines = v.changes or [None]
        for change in lines:
            ws.cell(row=row, column=1, value=v.version)
            safe.write_text(ws.cell(row=row, column=2), (iso(v.created_at) or "").replace("T", " ").rstrip("Z"))
            safe.write_text(ws.cell(row=row, column=3), v.author)
            safe.write_text(ws.cell(row=row, column=4), v.reason)
            if change is None:
                safe.write_text(ws.cell(row=row, column=5), "(first version)" if v.parent_version is None
                                else "(no field changed)")
            elif is_applied_test(change):
                safe.write_text(ws.cell(row=row, column=5), f"{change.path} (applied test result)")
                safe.write_text(ws.cell(row=row, column=7), format_value(change.new["reason"], CELL_CHARS))
            else:
                safe.write_text(ws.cell(row=row, column=5), change.path)
                _value(ws.cell(row=row, column=6), change.old)
                _value(ws.cell(row=row, column=7), change.new)
            row += 1
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    return ws
