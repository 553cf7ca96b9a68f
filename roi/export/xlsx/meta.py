"""The hidden ``_roi`` sheet: marker, format version, SHA-256 and the scenario JSON the import reads back."""

from __future__ import annotations

from .book import Book
from .layout import FORMAT_VERSION, MARKER, META_SHEET

CHUNK = 30_000  # characters of scenario JSON per cell (Excel's limit is 32,767)


def write_meta(book: Book, text: str, digest: str) -> None:
    """``text`` is the scenario JSON (:func:`roi.dumps_scenario`), ``digest`` its SHA-256 (hex)."""
    ws = book.sheet(META_SHEET, hidden=True)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    ws.text(1, 1, MARKER)
    ws.value(2, 1, FORMAT_VERSION)
    ws.text(3, 1, digest)
    ws.value(4, 1, len(chunks))
    for k, chunk in enumerate(chunks):
        ws.text(5 + k, 1, chunk)
    ws.text(1, 2, "Scenario stored by python -m roi export: do not edit (the import checks it).")
    ws.setup()
