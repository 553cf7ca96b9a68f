"""Formula-injection guard for everything we write into spreadsheets and CSV files.

A spreadsheet program treats a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a leading tab or carriage return) as a formula. Names, sources and notes are user
text, so they must never reach a file as something a spreadsheet would evaluate
(OWASP "CSV injection").

* In ``.xlsx`` every user string is written as a *string cell* (never a formula cell, whatever
  it begins with), and risky ones also get Excel's quote prefix so that editing the cell in
  Excel keeps it text (:class:`roi.export.xlsx.book.Sheet`).
* In CSV there is no cell type, so risky text is prefixed with a single quote ``'``, the
  convention Excel and LibreOffice display as text.
"""

from __future__ import annotations

import re
from typing import Any

RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Control characters the xlsx format cannot hold (tab, newline and CR are allowed).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    >>> is_risky("=1+1"), is_risky("Loyalty members"), is_risky("-2+3")
    (True, False, True)
    """
    return text.startswith(RISKY_PREFIXES)


def csv_text(value: Any) -> Any:
    """A CSV field for ``value``: risky text gets a leading ``'``; numbers pass unchanged.

    >>> csv_text("@SUM(A1)"), csv_text(-2.5), csv_text("ok")
    ("'@SUM(A1)", -2.5, 'ok')
    """
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def clean_text(text: str) -> str:
    r"""``text`` without the control characters the xlsx format cannot hold (tab, LF and CR stay).

    >>> clean_text("a\x01b\tc")
    'ab\tc'
    """
    return _ILLEGAL.sub("", text)
