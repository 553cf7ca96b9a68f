"""The business case as a live Excel model: ``workbook_bytes(scenario) -> bytes``.

Every figure of the cash flow, NPV, IRR, ROI, payback, the per-initiative results and the TEI
tables is a formula that leads back to the Assumptions sheet, so a finance team can audit the
case, change an assumption in Excel or LibreOffice and see it recalculate. Every formula is
written with its value, so the file reads correctly before any recalculation (a preview, pandas,
Power Query). ``tests/test_export_xlsx.py`` recalculates the workbook with LibreOffice and compares
it with ``roi.evaluate`` to 1e-6, and the cached values with the recalculated ones.

Sheets, in order (one module each)
----------------------------------
``Summary`` (:mod:`.summary`)
    The uplift case switch (``UpliftCase``: Low / Base / High), headline figures (defined names
    ``Case_NPV``, ``Case_IRR``, ``Case_ROI`` …), benefits by outcome, model date, tool and scenario
    version, the colour legend, two native charts.
``Assumptions``, ``Segments``, the inputs of ``Initiatives`` (:mod:`.inputs`)
    Every input on its own row (column D; yellow = live, validated, unlocked), its unit, source,
    evidence, what changing it does and its field key (column I: what the import reads back).
``Calc`` (:mod:`.calc`, placed last but one)
    The engine step by step, one section per quantity, one column per year.
``Initiatives`` results and ``Cash flow`` (:mod:`.results`)
``TEI`` (:mod:`.tei`) and ``Checks`` (:mod:`.checks`)
    Benefits and costs by initiative by year, unadjusted beside risk-adjusted, PVs, costs by type,
    discounted payback, the NPV reconciliation; and the reconciliations, each TRUE.
Value sheets (:mod:`.analysis`; grey tabs)
    The analyses as values computed at export (:func:`roi.export.analyses.analysis_sheets`), each
    with a live flag that turns red when the case's NPV no longer matches the one they were
    computed for. The import ignores them.
``Change log`` (:mod:`roi.export.changelog`), when the scenario's saved versions are given.
``_roi`` (hidden; :mod:`.meta`)
    Marker, format version, SHA-256 and the scenario JSON that :mod:`roi.export.xlsx_import` reads.

Notes
-----
Excel's ``NPV()`` discounts its first value one period, so every NPV is written
``=CF0 + NPV(rate, CF1:CFn)`` (year 0 undiscounted, as :func:`roi.finance.npv`). IRR shows
``undefined`` when the flows never change sign (as :func:`roi.finance.irr` returns ``None``);
ROI shows ``undefined`` at zero cost; payback shows ``not within horizon``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...gcpause import collector_paused
from ...io import dumps_scenario
from ...maturity import assess
from ...model import BusinessCase, evaluate
from ...schema import Scenario
from ...version import __version__
from ..analyses import Analyses, analysis_sheets, run_analyses
from .analysis import write_value_sheet
from .book import VALUES_TAB, Book
from .calc import Calc
from .checks import write_checks
from .inputs import write_assumptions, write_initiative_inputs, write_segments
from .layout import (A_KEY_COL, A_VALUE_COL, ASSUMPTIONS, CALC, CASH, CHECKS, FORMAT_VERSION, INI_COL, INITIATIVES,
                     MARKER, META_SHEET, SEGMENTS, SUMMARY, TEI, Layout)
from .meta import write_meta
from .results import write_cash_flow, write_initiative_results
from .summary import write_summary
from .tei import TeiSheet

if TYPE_CHECKING:  # pragma: no cover
    from ...store.records import VersionInfo

FORMULA_SHEETS = [SUMMARY, ASSUMPTIONS, SEGMENTS, INITIATIVES, CASH, TEI, CHECKS]


@dataclass(frozen=True)
class BuiltWorkbook:
    """A written workbook: its ``.xlsx`` bytes and its sheet names in order."""

    data: bytes
    sheetnames: list[str]


def build_workbook(scenario: Scenario, case: BusinessCase | None = None, *,
                   analyses: bool | Analyses = True, history: Sequence[VersionInfo] | None = None) -> BuiltWorkbook:
    """The live workbook of ``scenario`` (see the module docstring for its layout).

    ``analyses``: ``True`` runs them (:func:`roi.export.analyses.run_analyses`, in a background
    thread while the formula sheets are written), an :class:`Analyses` uses those, ``False``
    leaves the value sheets out. ``history``: the saved versions (:mod:`roi.store`) for a Change log sheet.
    The cyclic garbage collector is paused while the cells are written (:mod:`roi.gcpause`: its
    full collections over the growing cell tables were 40% of the time), not while the analyses
    are awaited.
    """
    case = evaluate(scenario) if case is None else case
    s = scenario.settings
    text = dumps_scenario(scenario)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    buf = io.BytesIO()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pending = pool.submit(run_analyses, scenario, case) if analyses is True else None
        with collector_paused():
            book = _formula_sheets(buf, scenario, history, digest)
        done = pending.result() if pending is not None else analyses
    finally:  # after an error, the analyses are not waited for
        pool.shutdown(wait=False, cancel_futures=True)
    with collector_paused():
        values = []
        if isinstance(done, Analyses):
            for sheet in analysis_sheets(scenario, case, done):
                values.append(write_value_sheet(book, sheet, s.currency, case.npv).name)
        if history:
            from ..changelog import write_change_log  # the store's records load only when a history is given

            values.append(write_change_log(book, history).name)
        write_meta(book, text, digest)
        book.wb.set_properties({"title": s.name[:200], "author": f"roi (personalization ROI dashboard) {__version__}",
                                "comments": f"Workbook format {FORMAT_VERSION}; scenario SHA-256 {digest[:16]}"})
        order = FORMULA_SHEETS + values + [CALC, META_SHEET]
        book.close(order)
    return BuiltWorkbook(buf.getvalue(), order)


def _formula_sheets(buf: io.BytesIO, scenario: Scenario, history: Sequence[VersionInfo] | None,
                    digest: str) -> Book:
    """The book with the formula sheets written, replayed into XlsxWriter, and the Calc sheet's
    50,000 cells written as XML — what can be done before the analyses are in."""
    s = scenario.settings
    book = Book(buf, s.currency)
    lay = Layout(horizon=s.horizon_years)
    write_assumptions(book, book.sheet(ASSUMPTIONS), scenario, lay)
    write_segments(book.sheet(SEGMENTS), scenario, lay)
    ini_ws = book.sheet(INITIATIVES)
    derived = write_initiative_inputs(ini_ws, scenario, lay, assess(scenario.process).realisation)
    calc = Calc(book, book.sheet(CALC), scenario, lay, derived)
    calc.write()
    ini = write_initiative_results(ini_ws, scenario, lay, calc)
    cash = write_cash_flow(book.sheet(CASH), scenario, lay, calc)
    headline = write_summary(book, book.sheet(SUMMARY), scenario, lay, cash, ini, fingerprint=digest,
                             library_version=history[-1].version if history else None)
    calc.v.update({"_risk": derived["risk_rate"], "_npv": ini["npv"],
                   "_case_npv": headline["Case_NPV"]})  # type: ignore[dict-item]
    tei = TeiSheet(book.sheet(TEI), scenario, lay, calc, cash)
    tei.write()
    write_checks(book.sheet(CHECKS), scenario, lay, tei, cash, headline, ini)
    book.replay(FORMULA_SHEETS + [CALC], prebuild=(CALC,))
    return book


def workbook_bytes(scenario: Scenario, case: BusinessCase | None = None, *,
                   analyses: bool | Analyses = True, history: Sequence[VersionInfo] | None = None) -> bytes:
    """The workbook as ``.xlsx`` bytes (for a download button or a file)."""
    return build_workbook(scenario, case, analyses=analyses, history=history).data


__all__ = ["A_KEY_COL", "A_VALUE_COL", "ASSUMPTIONS", "BuiltWorkbook", "CALC", "CASH", "CHECKS", "FORMAT_VERSION",
           "INI_COL", "INITIATIVES", "MARKER", "META_SHEET", "SEGMENTS", "SUMMARY", "TEI", "VALUES_TAB",
           "build_workbook", "workbook_bytes"]
