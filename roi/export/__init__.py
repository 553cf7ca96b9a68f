"""Exports for consultants and meetings: a live Excel model, its round trip back, CSV and a deck.

* :func:`workbook_bytes` — the live ``.xlsx`` model (:mod:`.xlsx`);
* :func:`scenario_from_workbook` — an exported (and possibly edited) workbook back to a scenario;
* :func:`all_csv` / :func:`csv_bytes` — CSV of each table, UTF-8 with BOM (:mod:`.csv`);
* :func:`deck_bytes` — the meeting deck (python-pptx, native charts; :mod:`.deck`);
* :func:`brief_bytes` — the 2–4 page PDF executive brief (ReportLab; :mod:`.brief`).

The analyses (prioritization, test plan, and the Risk page's sensitivity, Monte Carlo, breakeven
and cost of delay at its defaults) go into all three as values (:mod:`.analyses`); the Monte
Carlo runs once per scenario and is shared.

User text never becomes a formula in any of them (:mod:`.safe`). No Streamlit here.
"""

from .csv import all_csv, csv_bytes
from .xlsx import workbook_bytes
from .xlsx_import import scenario_from_workbook


def deck_bytes(*args, **kwargs):  # imported lazily: python-pptx loads slowly
    from .deck import deck_bytes as build

    return build(*args, **kwargs)


def brief_bytes(*args, **kwargs):  # imported lazily: ReportLab and vl-convert load slowly
    from .brief import brief_bytes as build

    return build(*args, **kwargs)


__all__ = ["all_csv", "brief_bytes", "csv_bytes", "deck_bytes", "scenario_from_workbook", "workbook_bytes"]
