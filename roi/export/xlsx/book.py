"""The workbook writer: named styles, safe text, formulas written with their values, sheet set-up.

A thin layer over XlsxWriter that every sheet module uses, so that

* user text is always a string cell (never a formula), with Excel's quote prefix when a
  spreadsheet could read it as one (:mod:`roi.export.safe`);
* every formula is written together with its value (the cached result a file preview, pandas or
  Power Query reads before any recalculation) — a formula without a value is refused;
* styles are registered once per workbook and combined with number formats on demand;
* input cells are the only unlocked cells of a protected sheet (no password).

Rows and columns are 1-based in every call, as in the A1 text of formulas (row 1, column 1 = A1);
the wrapper converts to XlsxWriter's 0-based indices. :func:`cell` and :func:`ref` give A1 text.
"""

from __future__ import annotations

import copy
import io
import math
import re
from functools import lru_cache
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell, xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellBlankTuple, CellFormulaTuple, CellNumberTuple, CellStringTuple, Worksheet

from ..safe import clean_text, is_risky

BLUE = "#1F4E78"
GREY_TEXT = "#595959"
INPUT_FILL = "#FFF2CC"  # yellow: a live input
TEXT_FILL = "#DDEBF7"  # pale blue: text read back on import, changes no figure
FIXED_FILL = "#EDEDED"  # grey: set in the app (structural or used only by the app's analyses)
VALUES_TAB = "A6A6A6"  # grey tab (RGB): a sheet of values computed at export, not formulas
STALE_RED = "#C00000"

# Base styles; number formats and the quote prefix are combined with them in Book.fmt().
STYLES: dict[str, dict[str, Any]] = {
    "plain": {},
    "bold": {"bold": True},
    "title": {"bold": True, "font_size": 14},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": BLUE, "text_wrap": True, "valign": "top",
               "bottom": 1, "bottom_color": "#B7B7B7"},
    "section": {"bold": True, "font_color": BLUE},
    "input": {"bg_color": INPUT_FILL, "bottom": 1, "bottom_color": "#B7B7B7", "locked": False},
    "text_input": {"bg_color": TEXT_FILL, "bottom": 1, "bottom_color": "#B7B7B7", "locked": False},
    "fixed": {"bg_color": FIXED_FILL, "font_color": GREY_TEXT},
    # the Summary's colour legend: the same fills, locked (a sample, not an input)
    "legend_input": {"bg_color": INPUT_FILL, "font_color": GREY_TEXT, "italic": True},
    "legend_text_input": {"bg_color": TEXT_FILL, "font_color": GREY_TEXT, "italic": True},
    "legend_fixed": {"bg_color": FIXED_FILL, "font_color": GREY_TEXT, "italic": True},
    "note": {"italic": True, "font_color": GREY_TEXT, "text_wrap": True, "valign": "top"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "headline": {"bold": True, "font_size": 12},
    "total": {"bold": True, "top": 1, "top_color": "#B7B7B7"},
    "flag": {"bold": True},
    "stale": {"bold": True, "font_color": "#FFFFFF", "bg_color": STALE_RED},
    "ok": {"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"},
}


def cell(row: int, col: int, *, absolute: bool = False) -> str:
    """A1 text of a (row, col), 1-based: ``cell(1, 1) == "A1"``; ``absolute`` gives ``$A$1``.

    >>> cell(6, 2), cell(3, 4, absolute=True)
    ('B6', '$D$3')
    """
    return xl_rowcol_to_cell(row - 1, col - 1, row_abs=absolute, col_abs=absolute)


@lru_cache(maxsize=None)  # a workbook asks tens of thousands of times for a few dozen columns
def col_name(col: int) -> str:
    """Column letters of a 1-based column: ``col_name(7) == "G"``."""
    return xl_col_to_name(col - 1)


@lru_cache(maxsize=256)  # the same dozen sheet names, tens of thousands of times a workbook
def _quoted(sheet: str) -> str:
    return quote_sheetname(sheet)


def ref(sheet: str, a1: str) -> str:
    """``'Cash flow'!B6``: a cell or range on another sheet."""
    return f"{_quoted(sheet)}!{a1}"


def plain_number(value: Any) -> float | int | str | bool | None:
    """A cached value XlsxWriter can write: numbers finite, numpy scalars unwrapped, None for blank."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def col_index(letters: str) -> int:
    """1-based column number of column letters: ``col_index("G") == 7``, ``col_index("AB") == 28``."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


# The functions XlsxWriter prefixes with "_xlfn." when it is not asked to expand future functions
# (its Worksheet._prepare_formula, XlsxWriter 3.3), and its one pattern without \b ("\SINGLE\(").
_DYNAMIC_NAMES = frozenset(
    "ANCHORARRAY BYCOL BYROW CHOOSECOLS CHOOSEROWS DROP EXPAND FILTER HSTACK LAMBDA MAKEARRAY MAP "
    "RANDARRAY REDUCE SCAN SEQUENCE SORT SORTBY SWITCH TAKE TEXTSPLIT TOCOL TOROW UNIQUE VSTACK WRAPCOLS "
    "WRAPROWS XLOOKUP".split())
# Every name called in a formula as XlsxWriter's "\bNAME\(" sees it: the whole run of word
# characters before a "(" (a dot, as in "_xlfn.SORT", ends a run).
_CALLED = re.compile(r"\b(\w+)\(")
_SINGLE = re.compile(r"\SINGLE\(")  # XlsxWriter's pattern as it is: any non-space character, then "INGLE("


def uses_dynamic_function(formula: str) -> bool:
    """Whether XlsxWriter would rewrite ``formula`` (a dynamic-array function, or ``SINGLE(``): the
    same answer as its 29 patterns, from one scan (tested against XlsxWriter on random formulas).

    >>> uses_dynamic_function("=SUM(A1:A3)"), uses_dynamic_function("=SORT(A1:A3)")
    (False, True)
    >>> uses_dynamic_function("=_xlfn.XLOOKUP(1,A:A,B:B)"), uses_dynamic_function("=MYSORT(A1)")
    (True, False)
    """
    return ("INGLE(" in formula and bool(_SINGLE.search(formula))) or not _DYNAMIC_NAMES.isdisjoint(_CALLED.findall(formula))


_ERROR_VALUES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))  # XlsxWriter's list


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet, faster where a workbook of 70,000 cells spends its time, writing the
    same bytes (``tests/test_export_xlsx.py`` compares whole files):

    * one scan for the dynamic-array functions instead of 29 ``re.sub`` passes over every formula
      (those passes were 30% of a cold export of the 50-initiative case: 32,000 formulas, none
      using them); a formula that does use one goes through XlsxWriter's own code;
    * a number, text, formula or blank cell with a format written as one string, where XlsxWriter
      builds a list of attributes and escapes each (half of a warm export's XML writing); any
      other cell goes through XlsxWriter's own code;
    * a sheet's XML can be written early (:meth:`prebuild`), while the exporter waits for its
      analyses, and the workbook's close copies it.
    """

    _prebuilt: str | None = None
    _selections_before: Any = None  # the panes' selections before prebuild wrote them (see prebuild)

    def prebuild(self) -> bool:
        """Write this sheet's XML now, if nothing the workbook's close does can change it: no
        charts, images, shapes, tables, comments, buttons or links (whose relationships close
        numbers), no background or header images, no data bars (their ids hold the sheet's index).
        Whether it did. :meth:`Book.close` drops the XML again if the sheet ends up first or active
        (close selects that one) and undoes what writing it changed — the panes' selections, which
        XlsxWriter rewrites as it writes frozen panes — so it is written as if for the first time."""
        if (self.charts or self.images or self.shapes or self.tables or self.comments or self.buttons_list
                or self.hyperlinks or self.header_images or self.footer_images or self.background_image
                or self.has_vml or self.constant_memory
                or any(c.get("type") == "data_bar" for rules in self.cond_formats.values() for c in rules)):
            return False
        self._selections_before = copy.deepcopy(self.selections)
        out = io.StringIO()
        self._set_xml_writer(out)
        super()._assemble_xml_file()
        self._prebuilt = out.getvalue()
        return True

    def drop_prebuilt(self) -> None:
        """Forget the early XML (the sheet is written at close, as it would have been)."""
        if self._prebuilt is not None:
            self.selections = self._selections_before
            self._prebuilt = None

    def _assemble_xml_file(self) -> None:
        if self._prebuilt is None:
            return super()._assemble_xml_file()
        self.fh.write(self._prebuilt)
        self._xml_close()
        return None

    def _write_cell(self, row: int, col: int, cell: Any) -> None:  # XlsxWriter's innermost loop
        kind = type(cell)
        if kind not in _FAST_CELLS or cell.format is None or self.constant_memory:  # (inline strings there)
            return super()._write_cell(row, col, cell)
        head = f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}"'
        if kind is CellFormulaTuple:
            value = cell.value
            if isinstance(value, bool):
                head += ' t="b"'
                value = 1 if value else 0
            elif isinstance(value, str) and value:
                head += ' t="e"' if value in _ERROR_VALUES else ' t="str"'
            self.fh.write(f"{head}><f>{self._escape_data(cell.formula)}</f><v>{self._escape_data(value)}</v></c>")
        elif kind is CellStringTuple:
            self.fh.write(f'{head} t="s"><v>{cell.string}</v></c>')
        elif kind is CellNumberTuple:
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
        else:
            self.fh.write(f"{head}/>")

    def _prepare_formula(self, formula, expand_future_functions=False):  # noqa: ANN001, ANN202 - XlsxWriter's
        if self.use_future_functions or expand_future_functions or uses_dynamic_function(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


_FAST_CELLS = frozenset((CellBlankTuple, CellFormulaTuple, CellNumberTuple, CellStringTuple))
_BY_INDEX = frozenset(("activate", "set_first_sheet"))  # worksheet methods that store the sheet's index


class Book:
    """An XlsxWriter workbook with the project's styles and guards (see the module docstring).

    Sheets are recorded first and created when the caller asks (:meth:`replay`) or at the latest
    when the book is closed, which puts them in their final order: so a sheet may be written before
    the sheets that come before it (the formula model before the analyses that run meanwhile in
    another thread).
    """

    def __init__(self, buffer: Any, currency: str):
        self.wb: Workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                                         "strings_to_numbers": False, "strings_to_urls": False})
        self.currency = currency
        self._formats: dict[tuple[str, str | None, bool], Any] = {}
        self.sheets: dict[str, Sheet] = {}

    def fmt(self, style: str = "plain", num: str | None = None, quote: bool = False) -> Any:
        """The format of ``style`` with number format ``num`` (and Excel's quote prefix)."""
        key = (style, num, quote)
        f = self._formats.get(key)
        if f is None:
            props = dict(STYLES[style])
            if num:
                props["num_format"] = num
            if quote:
                props["quote_prefix"] = True
            f = self._formats[key] = self.wb.add_format(props)
        return f

    def sheet(self, name: str, *, values_tab: bool = False, hidden: bool = False) -> "Sheet":
        if name in self.sheets:
            raise ValueError(f"sheet {name!r} written twice")
        s = self.sheets[name] = Sheet(self, name)
        if values_tab:
            s.call("set_tab_color", "#" + VALUES_TAB)
        if hidden:
            s.call("hide")
        return s

    def name(self, name: str, sheet: str, row: int, col: int) -> None:  # 1-based row and column
        """A workbook-level defined name for one cell (absolute reference)."""
        self.wb.define_name(name, "=" + ref(sheet, cell(row, col, absolute=True)))

    def chart(self, options: dict[str, Any]) -> Any:
        """A native chart (inserted with :meth:`Sheet.call` ``("insert_chart", …)``)."""
        return self.wb.add_chart(options)

    def replay(self, names: list[str], *, prebuild: tuple[str, ...] = ()) -> None:
        """Create the sheets ``names`` now and replay what they recorded (they take no more calls),
        and write the XML of those in ``prebuild`` (:meth:`_Worksheet.prebuild`): the formula
        sheets are replayed, and the Calc sheet written, while the analyses still run.
        :meth:`close` puts every sheet in its place."""
        for name in names:
            ws = self.wb.add_worksheet(name, worksheet_class=_Worksheet)
            self.sheets[name].replay(ws)
            if name in prebuild:
                ws.prebuild()

    def close(self, order: list[str]) -> None:
        """Create the sheets in ``order`` (every recorded sheet, once) not replayed yet, replay them,
        put the sheets in ``order``, write the file."""
        if sorted(order) != sorted(self.sheets):
            raise ValueError(f"sheet order {order} does not list the sheets {sorted(self.sheets)}")
        self.replay([name for name in order if not self.sheets[name].replayed])
        # XlsxWriter writes its sheets in the order they were added and knows each by its index.
        # Close reads it for the sheet files, the active sheet and an autofilter's defined name;
        # before close only activate(), set_first_sheet(), a sheet-scoped define_name and data
        # bars read it, and none is used here (Sheet.call refuses the first two; Book.name is
        # workbook-scoped; prebuild skips data bars). So sheets added early take their places here.
        sheets = self.wb.worksheets_objs
        sheets.sort(key=lambda ws: order.index(ws.name))
        for index, ws in enumerate(sheets):
            ws.index = index
            if index == 0 or ws.selected:  # close selects the first sheet (the active one: 0)
                ws.drop_prebuilt()
        self.wb.close()


class Sheet:
    """One worksheet, recorded: text, numbers and formulas-with-values through the workbook's styles."""

    def __init__(self, book: Book, name: str):
        self.book, self.name = book, name
        self.ops: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.replayed = False

    def call(self, method: str, *args: Any, **kwargs: Any) -> None:
        """Record a call of XlsxWriter's ``Worksheet.method`` (0-based indices, as XlsxWriter takes them)."""
        if self.replayed:
            raise RuntimeError(f"sheet {self.name!r} was already replayed into the workbook")
        if method in _BY_INDEX:
            raise ValueError(f"{method}() keeps the sheet's index, which changes when Book.close orders the sheets")
        self.ops.append((method, args, kwargs))

    def replay(self, ws: Worksheet) -> None:
        self.replayed = True
        # the cell writes by their undecorated versions (the calls are already in row/column form;
        # the decorator's A1 check was a tenth of the replay)
        direct = {"write_formula": ws._write_formula, "write_string": ws._write_string,
                  "write_number": ws._write_number, "write_blank": ws._write_blank}
        for method, args, kwargs in self.ops:
            (direct.get(method) or getattr(ws, method))(*args, **kwargs)
        self.ops = []  # in XlsxWriter's tables now

    def text(self, row: int, col: int, text: str, style: str = "plain") -> None:
        """User (or our own) text as a string cell: never a formula, an error value or a number."""
        text = clean_text(str(text))
        if not text:  # an empty string cell reads back as "" rather than empty
            self.call("write_blank", row - 1, col - 1, None, self.book.fmt(style))
            return
        self.call("write_string", row - 1, col - 1, text, self.book.fmt(style, quote=is_risky(text)))

    def value(self, row: int, col: int, value: Any, style: str = "plain", num: str | None = None) -> None:
        """A number, boolean, blank or text we write ourselves; text goes through :meth:`text`."""
        value = plain_number(value)
        if isinstance(value, str):
            self.text(row, col, value, style)
        elif isinstance(value, bool):
            self.call("write_boolean", row - 1, col - 1, value, self.book.fmt(style, num))
        elif value is None:
            self.call("write_blank", row - 1, col - 1, None, self.book.fmt(style, num))
        else:
            self.call("write_number", row - 1, col - 1, value, self.book.fmt(style, num))

    def formula(self, row: int, col: int, formula: str, value: Any, style: str = "plain",
                num: str | None = None) -> None:
        """``formula`` (``=…``) with its ``value`` cached: what a reader sees before recalculating."""
        if not formula.startswith("="):
            raise ValueError(f"not a formula: {formula!r}")
        value = plain_number(value)
        self.call("write_formula", row - 1, col - 1, formula, self.book.fmt(style, num), "" if value is None else value)

    def header(self, row: int, headers: list[str], col: int = 1) -> None:
        for k, h in enumerate(headers):
            self.text(row, col + k, h, "header")

    def widths(self, widths: dict[int, float]) -> None:
        """Column widths in characters, by 1-based column."""
        for col, w in widths.items():
            self.call("set_column", col - 1, col - 1, w)

    def note(self, row: int, text: str, last_col: int, chars_per_line: float, style: str = "note") -> None:
        """A wrapped note merged across columns 1 … ``last_col``, tall enough for its lines."""
        text = clean_text(text)
        fmt = self.book.fmt(style, quote=is_risky(text))
        if last_col > 1:
            self.call("merge_range", row - 1, 0, row - 1, last_col - 1, "", fmt)
        self.call("write_string", row - 1, 0, text, fmt)
        lines = 1 + len(text) // max(int(chars_per_line), 20)
        self.call("set_row", row - 1, 15 * lines)

    def row_height(self, row: int, height: float) -> None:
        self.call("set_row", row - 1, height)

    def validate(self, row: int, col: int, options: dict[str, Any]) -> None:
        """A data validation on one cell (XlsxWriter's options)."""
        self.call("data_validation", row - 1, col - 1, row - 1, col - 1, options)

    def setup(self, freeze: tuple[int, int] | None = None, *, protect: bool = True) -> None:
        """Landscape, fit to one page wide; ``freeze`` = (rows, columns) kept in view; protected (no
        password) except input cells."""
        self.call("set_landscape")
        self.call("fit_to_pages", 1, 0)
        self.call("hide_gridlines", 1)  # gridlines on screen, not on paper
        if freeze:
            self.call("freeze_panes", *freeze)
        if protect:
            self.call("protect", "", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": True,
                                      "select_locked_cells": True, "select_unlocked_cells": True})
