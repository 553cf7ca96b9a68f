"""The workbook's formula scan (roi.export.xlsx.book.uses_dynamic_function) agrees with XlsxWriter's own
rewriting of dynamic-array functions, so skipping XlsxWriter's 29 passes never changes a file."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from roi.export.xlsx.book import _DYNAMIC_NAMES, _Worksheet, uses_dynamic_function

# Formulas built from the pieces that matter to the patterns: function names (dynamic and not),
# prefixes that glue onto a name, word boundaries, parentheses and XlsxWriter's odd "\SINGLE(".
_PIECES = sorted(_DYNAMIC_NAMES) + [
    "SUM", "IF", "NPV", "MYSORT", "SORTX", "SINGLE", "XINGLE", " INGLE", "_xlfn.", "_", ".", "A1", "x", "1",
    "(", ")", ",", " ", "=", "{", "}", "Calc!", "'Sheet 1'!", '"', "+", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_the_scan_agrees_with_xlsxwriter_on_any_formula(formula):
    """For any formula: ours says "dynamic" exactly when XlsxWriter's patterns would rewrite it, and
    the prepared formula is the same string either way."""
    theirs = Worksheet()._prepare_formula(formula)
    plain = formula
    for start, end in (("{", None), ("=", None), (None, "}")):
        if start and plain.startswith(start):
            plain = plain[1:]
        if end and plain.endswith(end):
            plain = plain[:-1]
    if "_xlfn." not in plain:
        assert uses_dynamic_function(formula) == (theirs != plain)
    assert _Worksheet()._prepare_formula(formula) == theirs


def test_named_cases():
    assert uses_dynamic_function("=SORT(A1:A3)") and uses_dynamic_function("=XINGLE(A1)")
    assert not uses_dynamic_function("=MYSORT(A1)") and not uses_dynamic_function("=SORT (A1)")
