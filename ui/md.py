"""Markdown escaping: user text shown by ``st.markdown``, ``st.error`` and friends stays text.

Names, sources, notes and validation messages can hold anything a file or a link carried.
Streamlit renders its messages as Markdown (links, images, code spans, colour directives,
LaTeX), so user text is escaped before it is put into one: a name cannot become a clickable
link in the app's own error box.

Backslashes are not enough for bare addresses: Streamlit's Markdown (GitHub-flavoured) turns
``https://…``, ``www.…`` and ``name@host`` in the *text* into links after the escapes are
resolved, so :func:`escape` also puts an invisible word joiner (U+2060) where such an address
would start. Widget labels, expander and tab labels, metric labels and ``help`` tooltips are
Markdown too, and so is every header and cell of a static table (``st.table``): :func:`table`
prepares one. Selectbox and multiselect options, ``st.dataframe`` cells, ``st.code`` and chart
text are not Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from roi.format import AMOUNT_START

if TYPE_CHECKING:
    import pandas as pd

# The characters that start Markdown syntax inside a line (CommonMark lets any ASCII punctuation
# be backslash-escaped), plus Streamlit's $ (LaTeX) and : (":red[…]", ":material/icon:"). Dots
# and hyphens only matter at the start of a line, and the text is never put there.
_PUNCT = re.compile(r"([\\`*_{}\[\]<>#!|~$:&])")  # "(" is harmless without "]"; "&" starts an entity
# Where GitHub-flavoured Markdown starts a bare link: "http(s)://", "www." and the "@" of an e-mail
# address (also "mailto:"/"xmpp:" ones). A word joiner there breaks the match and is not displayed.
_AUTOLINK = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?<=@)")
JOINER = "\u2060"


def escape(text: object) -> str:
    """``text`` as literal Markdown: punctuation backslash-escaped, line breaks kept as spaces, bare
    addresses broken by an invisible word joiner so they stay text.

    >>> escape("[Sign in](https://x.example)").replace(JOINER, "^")
    '\\\\[Sign in\\\\](http^s\\\\://x.example)'
    """
    return _PUNCT.sub(r"\\\1", _AUTOLINK.sub(JOINER, " ".join(str(text).split())))


# A sign before an amount: a narrow table column broke "-" / "€1,188,248" onto two lines.
_MINUS_AMOUNT = re.compile(rf"(?<![0-9A-Za-z])([-+\u2212])(?=\\?{AMOUNT_START})")  # "\$": escaped by then


# Anything :func:`cell` would change: Markdown punctuation, an address, a sign before an amount,
# whitespace other than single spaces (escape() collapses it).
_CELL_WORK = re.compile(_PUNCT.pattern + r"|(?i:http|www)|@|" + _MINUS_AMOUNT.pattern + r"|\s\s|[^\S ]|^\s|\s$")


def cell(value: object) -> object:
    """One header or cell of a static table: text escaped (:func:`escape`), a sign kept with the
    amount it starts (a word joiner after it); numbers and blanks as they are.

    >>> cell("[x](https://e.example) -€1,188,248").replace(JOINER, "^")
    '\\\\[x\\\\](http^s\\\\://e.example) -^€1,188,248'
    >>> cell("-$1,188,248").replace(JOINER, "^")
    '-^\\\\$1,188,248'
    >>> cell(3)
    3
    """
    if not isinstance(value, str):
        return value
    if not _CELL_WORK.search(value):  # most cells: nothing to escape, join or collapse
        return value
    return _MINUS_AMOUNT.sub(r"\1" + JOINER, escape(value))


def table(data: Mapping[str, Any] | list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """``data`` (columns by header, rows as dicts, or a frame) ready for ``st.table``, which renders
    its headers, index and cells as Markdown: every one through :func:`cell`, so user text (an
    initiative's or a scenario's name, a source) stays text and amounts do not break after their
    sign. A static table wraps long text, where ``st.dataframe`` cuts it off at the column's width."""
    import pandas as pd  # here: the module's escaping is imported where pandas is not needed

    frame = pd.DataFrame(data).copy()
    frame.columns = [cell(c) for c in frame.columns]
    if not isinstance(frame.index, pd.RangeIndex):
        frame.index = frame.index.map(cell).rename(cell(frame.index.name) if frame.index.name else None)
    return frame.map(cell)


def code(text: object) -> str:
    """``text`` as an inline code span that nothing inside can close: the fence is one backtick
    longer than the longest run of backticks in the text (CommonMark), so it stays literal.

    >>> code("a ` b")
    '`` a ` b ``'
    >>> code("plain")
    '`plain`'
    """
    body = " ".join(str(text).split())
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if runs else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def bullets(lines: list[str], limit: int = 8) -> str:
    """A Markdown bullet list of lines as code spans, the first ``limit`` of them and "…" after."""
    out = "\n".join(f"- {code(line)}" for line in lines[:limit])
    return out + ("\n- …" if len(lines) > limit else "")
