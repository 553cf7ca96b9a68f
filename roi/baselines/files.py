"""Which files the import accepts, checked before any SQL runs: type, size, emptiness.

Supported: CSV (``.csv``, ``.txt``, gzip-compressed ``.csv.gz``), Parquet (``.parquet``, ``.pq``)
and Excel (``.xlsx``, first sheet, header in the first row). The extension must name one of them
and the first bytes must agree with it — a spreadsheet renamed ``.csv`` or a PDF is refused
with a message, not handed to a parser. Excel files are read with openpyxl into Arrow (an
``.xlsx`` holds at most 1,048,576 rows); CSV and Parquet are read by DuckDB itself, straight
from disk, so a 10-million-row export never passes through pandas.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .errors import BaselineError

KINDS = {".csv": "csv", ".txt": "csv", ".csv.gz": "csv", ".txt.gz": "csv", ".parquet": "parquet", ".pq": "parquet",
         ".xlsx": "xlsx"}
ACCEPTED = ("csv", "txt", "gz", "parquet", "pq", "xlsx")  # st.file_uploader's ``type`` (.csv.gz ends in gz)
_MAGIC = {b"PAR1": "parquet", b"PK\x03\x04": "xlsx", b"\x1f\x8b": "gzip", b"%PDF": "PDF", b"\xd0\xcf\x11\xe0": "xls"}

# Upload limit of the Audience data page, in MB: ROI_MAX_UPLOAD_MB (default 200, Streamlit's own
# default server.maxUploadSize). Larger exports: run the CLI on the file, or raise both limits.
DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_bytes() -> int:
    """The page's upload limit in bytes, from ``ROI_MAX_UPLOAD_MB`` (default 200 MB)."""
    try:
        mb = float(os.environ.get("ROI_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    return int(max(mb, 0) * 1_000_000)


def kind_of(name: str) -> str | None:
    """``csv``, ``parquet`` or ``xlsx`` from a file name's extension, ``None`` when unsupported.

    >>> kind_of("Orders 2025.CSV.gz"), kind_of("orders.parquet"), kind_of("orders.xls")
    ('csv', 'parquet', None)
    """
    lower = name.lower()
    for ext in sorted(KINDS, key=len, reverse=True):
        if lower.endswith(ext):
            return KINDS[ext]
    return None


def _sniff(head: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return "binary" if b"\x00" in head else "text"


def check_file(path: str | Path, *, where: str, name: str | None = None, max_bytes: int | None = None) -> str:
    """The file's kind (``csv``/``parquet``/``xlsx``) after checking it exists, is not empty, is
    within ``max_bytes`` and its content matches its extension; :class:`BaselineError` otherwise.

    ``where`` names the input in messages (``orders``, ``--visits``); ``name`` is the file name
    the user knows (an upload is stored under another name).
    """
    p = Path(path)
    shown = name or p.name
    kind = kind_of(shown)
    if kind is None:
        raise BaselineError([f"{where}: {shown} is not a supported file type (CSV, CSV.GZ, Parquet or XLSX)"])
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise BaselineError([f"{where}: cannot read {shown} ({exc.strerror or exc})"]) from None
    if not p.is_file():
        raise BaselineError([f"{where}: {shown} is not a file"])
    if size == 0:
        raise BaselineError([f"{where}: {shown} is empty"])
    if max_bytes is not None and size > max_bytes:
        raise BaselineError([f"{where}: {shown} is {size / 1e6:,.1f} MB, larger than the {max_bytes / 1e6:,.0f} MB "
                             "allowed here; run `python -m roi baselines` on the file instead"])
    found = _sniff(head)
    expected = {"csv": ("text", "gzip"), "parquet": ("parquet",), "xlsx": ("xlsx",)}[kind]
    if found not in expected:
        looks = {"text": "text", "gzip": "a gzip archive", "binary": "binary data"}.get(found, f"a {found} file")
        raise BaselineError([f"{where}: {shown} is named as {kind.upper()} but looks like {looks}; "
                             "save it as CSV, Parquet or XLSX with the matching extension"])
    return kind


def _cell(value: Any) -> str | None:
    """An Excel cell as text, the way a CSV export would write it (dates ISO, no float noise)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: str | Path, *, where: str, name: str | None = None) -> Any:
    """The first sheet of an ``.xlsx`` as an Arrow table of text columns (header = first row)."""
    import openpyxl
    import pyarrow as pa

    shown = name or Path(path).name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken archive
        raise BaselineError([f"{where}: {shown} could not be read as an Excel workbook ({type(exc).__name__})"]) from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(h is None for h in header):
            raise BaselineError([f"{where}: {shown} has no header row in its first sheet"])
        names = [_cell(h) or f"column {k + 1}" for k, h in enumerate(header)]
        data: list[list[str | None]] = [[] for _ in names]
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            for k in range(len(names)):
                data[k].append(_cell(row[k]) if k < len(row) else None)
    finally:
        wb.close()
    return pa.table({n: pa.array(col, type=pa.string()) for n, col in zip(_unique(names), data)})


def _unique(names: list[str]) -> list[str]:
    """Header names made unique (``amount``, ``amount_2``) so every column can be mapped."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out
