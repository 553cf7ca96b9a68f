"""Read an exported workbook back into a scenario, with the assumptions edited in the workbook.

``scenario_from_workbook(data) -> Scenario``. The hidden ``_roi`` sheet says the workbook is
ours and holds the scenario as exported (checked against its SHA-256); the Assumptions sheet's
value column (D) is then read back field by field, using the field key in column I, and the
sources in column F. The result is validated with :func:`roi.parse_scenario`.

Anything else is refused with :class:`roi.ScenarioError`, one line per problem naming the
cell: not an xlsx file, not exported by this tool, a damaged or tampered scenario record, a
missing or moved Assumptions row, or a value the scenario does not accept.
"""

from __future__ import annotations

import copy
import hashlib
import io
import math
import zipfile
import zlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException

from ..bounded import InputError, read_json
from ..io import ScenarioError, parse_scenario
from ..paths import set_value_at, value_at
from ..schema import Scenario
from .assumptions import NO_SOURCE, Row, assumption_rows
from .xlsx import A_KEY_COL, A_VALUE_COL, ASSUMPTIONS, FORMAT_VERSION, MARKER, META_SHEET

MAX_BYTES = 50 * 1024 * 1024  # the file as uploaded
# A zip's compressed size says nothing of what it unpacks to (a 257 KB workbook once unpacked to
# 2.4 GB in openpyxl), so the parts are checked before openpyxl sees them. The largest case the
# schema admits (100 initiatives × 100 segments, ten years) exports 30 parts, 15 MB unpacked and
# about 200,000 cells; the limits leave room for a workbook re-saved by Excel or LibreOffice.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_CELLS = 500_000
MAX_PARTS = 1_000
_CHUNK = 1 << 20
READABLE_FORMATS = (1, 2, FORMAT_VERSION)  # 2: before cached values and the TEI sheets; same Assumptions
# Rows a format-1 workbook (schema version 1) has under another key: the value goes to every new key,
# as the schema migration does (one flat benefit risk becomes the rate of every evidence kind).
_FORMAT_1_KEYS = {"settings.benefit_risk": ("settings.benefit_risk_assumed", "settings.benefit_risk_benchmark",
                                            "settings.benefit_risk_measured")}

def _cells(part) -> int:
    """Cells (``<c `` elements) in a worksheet part, read in 1 MB chunks (a tag may straddle two)."""
    count, tail = 0, b""
    while chunk := part.read(_CHUNK):
        block = tail + chunk
        count += block.count(b"<c ") + block.count(b"<c>")
        # the last two bytes go on: a tag split between chunks ("<c" | " ") is whole in the next
        # block, and two bytes cannot hold a whole three-byte tag, so none is counted twice
        tail = block[-2:]
    return count


def check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack beyond :data:`MAX_UNPACKED_BYTES`, hold more than
    :data:`MAX_PARTS` parts or more than :data:`MAX_CELLS` cells, before any of it is parsed.

    The sizes are the zip's declared ones; Python's zipfile never reads a part past its declared
    size (a part that lies fails its CRC check), so the declaration bounds the work.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise ScenarioError([f"file: {len(parts):,} parts in the workbook, more than the {MAX_PARTS:,} "
                                     "an exported business case can have"])
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ScenarioError([f"file: unpacks to {unpacked / 2**20:,.0f} MB, more than the "
                                     f"{MAX_UNPACKED_BYTES // 2**20} MB an exported business case can; "
                                     "not an exported business case"])
            cells = 0
            for p in parts:
                if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"):
                    with z.open(p) as part:
                        cells += _cells(part)
                    if cells > MAX_CELLS:
                        raise ScenarioError([f"file: more than {MAX_CELLS:,} cells, more than an exported "
                                             "business case has; not an exported business case"])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
        raise ScenarioError([f"file: not an Excel .xlsx workbook ({exc.__class__.__name__})"]) from None


def _load(data: bytes, *, data_only: bool):
    try:
        return load_workbook(io.BytesIO(data), data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ScenarioError([f"file: not an Excel .xlsx workbook ({exc.__class__.__name__})"]) from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise ScenarioError([f"file: the workbook is damaged and cannot be read ({exc.__class__.__name__}: {exc})"]) \
            from None


def _open(data: bytes | str | Path):
    """``(workbook with formulas, loader of the workbook with cached values)``.

    The cached values are read only when an Assumptions cell holds a formula: reading a workbook
    is most of an import's time, and a refused or formula-free workbook never needs them.
    """
    if isinstance(data, (str, Path)):
        try:
            data = Path(data).read_bytes()
        except OSError as exc:
            raise ScenarioError([f"file: cannot read {data} ({exc.strerror})"]) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError([f"file: larger than {MAX_BYTES // 2**20} MB; not an exported business case"])
    check_unpacked_size(data)
    formulas = _load(data, data_only=False)
    loaded: list[Any] = []

    def values():
        if not loaded:
            loaded.append(_load(data, data_only=True))
        return loaded[0]

    return formulas, values


def _stored_scenario(wb) -> dict[str, Any]:
    if META_SHEET not in wb.sheetnames:
        raise ScenarioError(["workbook: not exported by this tool (no scenario record); export a case from the "
                             "app or with `python -m roi export` and edit that"])
    ws = wb[META_SHEET]
    if ws["A1"].value != MARKER:
        raise ScenarioError(["workbook: not exported by this tool (the scenario record has no marker)"])
    if ws["A2"].value not in READABLE_FORMATS:
        raise ScenarioError([f"workbook: written by an unsupported export format {ws['A2'].value!r} "
                             f"(this version reads formats {', '.join(map(str, READABLE_FORMATS))})"])
    try:
        n = int(ws["A4"].value)
    except (TypeError, ValueError, OverflowError):
        raise ScenarioError(["workbook: the scenario record is damaged (chunk count missing)"]) from None
    # The chunks are the rows under A4: a count beyond the sheet's last row is damage, and reading
    # it would create up to a million empty cells (seconds of CPU and memory) before openpyxl stops.
    if not 0 <= n <= max(ws.max_row - 4, 0):
        raise ScenarioError(["workbook: the scenario record is damaged (chunk count does not match the sheet)"])
    text = "".join(str(ws.cell(row=5 + k, column=1).value or "") for k in range(n))
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != ws["A3"].value:
        raise ScenarioError(["workbook: the scenario record is damaged (checksum mismatch); re-export the case"])
    try:
        data = read_json(text, where="workbook")
    except InputError as exc:
        raise ScenarioError([f"workbook: the scenario record is damaged ({exc.problems[0]})"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(["workbook: the scenario record is damaged (not a JSON object)"])
    return data


def _number(v: Any) -> float:
    """A cell's number; ValueError for text that is not one, booleans, NaN and infinities."""
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, (int, float)):
        out = float(v)
    elif isinstance(v, str) and len(v) <= 64:
        out = float(v.strip().replace(",", ""))
    else:
        raise ValueError
    if not math.isfinite(out):
        raise ValueError
    return out


def _whole(f: float, what: str) -> int:
    if abs(f) >= 1e15 or f != int(f):
        raise ValueError(f"must be {what}, not {f:g}")
    return int(f)


def _coerce(row: Row, v: Any) -> Any:
    """The cell value as the scenario field expects it; ValueError with a message otherwise."""
    kind = row.kind
    if kind == "number":
        if v is None or v == "":
            raise ValueError("is empty; type a number")
        try:
            return _number(v)
        except ValueError:
            raise ValueError(f"must be a number, not {str(v)[:40]!r}") from None
    if kind == "optional":
        if v is None or v == "":
            return None
        try:
            return _number(v)
        except ValueError:
            raise ValueError(f"must be a number or empty, not {str(v)[:40]!r}") from None
    if kind == "bool":
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)) and v in (0, 1):  # spreadsheets store a boolean as 1 / 0
            return bool(v)
        text = "" if v is None else str(v).strip().upper()
        if text in ("TRUE", "FALSE", "1", "0"):
            return text in ("TRUE", "1")
        raise ValueError(f"must be TRUE or FALSE, not {str(v)[:40]!r}")
    if kind == "int":
        try:
            f = _number(v)
        except (ValueError, TypeError):
            raise ValueError(f"must be a whole number, not {str(v)[:40]!r}") from None
        return _whole(f, "a whole number")
    if kind == "year":
        if v is None or v == "":
            return None
        try:
            f = _number(v)
        except (ValueError, TypeError):
            raise ValueError(f"must be a year such as 2021, or empty, not {str(v)[:40]!r}") from None
        return _whole(f, "a year such as 2021")
    if kind == "list":
        try:
            out = read_json(v, where="cell", max_bytes=100_000) if isinstance(v, str) else None
        except InputError:
            out = None
        if not (isinstance(out, list) and all(isinstance(x, str) for x in out)):
            raise ValueError('must be a JSON list of segment names, e.g. ["Loyalty members"]')
        return out
    if kind == "enum":
        text = "" if v is None else str(v).strip()
        if row.choices and text not in row.choices:
            raise ValueError(f"must be one of {', '.join(row.choices)}, not {text[:40]!r}")
        return text
    # text
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _cell_value(formulas, values, coord: str) -> Any:
    v = formulas[ASSUMPTIONS][coord].value
    if isinstance(v, str) and "_x" in v:  # OOXML escapes control characters (a CR is _x000D_); openpyxl keeps them
        v = unescape(v)
    if isinstance(v, str) and v.startswith("=") and formulas[ASSUMPTIONS][coord].data_type == "f":
        cached = values()[ASSUMPTIONS][coord].value
        if cached is None:
            raise ValueError("holds a formula with no saved result; type the value, or open and save the workbook "
                             "in a spreadsheet program first")
        return cached
    return v


def scenario_from_workbook(data: bytes | str | Path) -> Scenario:
    """The scenario of an exported workbook, with the Assumptions sheet's values read back."""
    formulas, values = _open(data)
    stored = _stored_scenario(formulas)
    try:
        base = parse_scenario(copy.deepcopy(stored))
    except ScenarioError as exc:
        raise ScenarioError(["workbook: the scenario record is damaged (" + exc.problems[0] + ")"]) from None
    if ASSUMPTIONS not in formulas.sheetnames:
        raise ScenarioError(["workbook: the Assumptions sheet is missing"])
    ws = formulas[ASSUMPTIONS]
    found: dict[str, int] = {}
    for r in range(2, ws.max_row + 1):
        key = ws.cell(row=r, column=A_KEY_COL).value
        if isinstance(key, str) and key:
            found.setdefault(key, r)
    legacy = formulas[META_SHEET]["A2"].value == 1  # schema version 1: read against the migrated record
    if legacy:  # read back against the migrated record: new fields keep their migrated values
        stored = base.model_dump(mode="json")
        for old, new_keys in _FORMAT_1_KEYS.items():
            if old in found:
                for key in new_keys:
                    found.setdefault(key, found[old])
    out = copy.deepcopy(stored)
    problems: list[str] = []
    for row in assumption_rows(base):
        r = found.get(row.key)
        if r is None:
            if legacy:
                continue  # a field the older workbook did not have
            problems.append(f"Assumptions: the row for {row.key} is missing (column I holds each row's field key)")
            continue
        coord = f"{ws.cell(row=r, column=A_VALUE_COL).column_letter}{r}"
        try:
            value = _coerce(row, _cell_value(formulas, values, coord))
        except ScenarioError:  # the cached values could not be read: the whole file's problem
            raise
        except ValueError as exc:
            problems.append(f"Assumptions!{coord} ({row.key}): {exc}")
            continue
        set_value_at(out, row.key, value)
        if row.owner and row.source_field:
            src = ws.cell(row=r, column=6).value
            src = "" if src is None else unescape(str(src)).strip()
            sources = value_at(out, row.owner).setdefault("sources", {})
            if src and src != NO_SOURCE:
                sources[row.source_field] = src
            else:
                sources.pop(row.source_field, None)
    # Cells that could not be read keep their exported value, so validation can still report
    # every other problem in the same message.
    try:
        scenario = parse_scenario(out)
    except ScenarioError as exc:
        cells = {row.key: found[row.key] for row in assumption_rows(base) if row.key in found}
        problems += [_locate(line, cells) for line in exc.problems]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _locate(line: str, cells: dict[str, int]) -> str:
    """Prefix a validation message with the Assumptions cell it is about, when there is one."""
    path = line.split(": ", 1)[0]
    r = cells.get(path)
    return f"Assumptions!D{r} {line}" if r else line
