"""Number formats used on every page, so one figure always reads the same way.

Money is shown in the scenario's currency: compact (``€1.2M``, ``€433,697``) in headlines and
charts, full (``€1,234,567``) in tables. ``None`` means "undefined" and renders as an em dash.
"""

from __future__ import annotations

import math

from roi.charts import BENEFIT, COST, OKABE_ITO, OUTCOME_COLOURS, PALETTE, TOTAL

__all__ = [
    "BENEFIT", "COST", "OKABE_ITO", "OUTCOME_COLOURS", "PALETTE", "TOTAL",
    "currency_symbol", "money", "months", "multiple", "number", "pct",
]

DASH = "—"
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥", "KRW": "₩"}


def currency_symbol(currency: str) -> str:
    """``€`` for EUR, ``$`` for USD …; other ISO codes are followed by a space (``CHF ``)."""
    return _SYMBOLS.get(currency, f"{currency} ")


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value: float | None, currency: str, *, compact: bool = True) -> str:
    """Money in the scenario's currency.

    Compact (default): whole units below one million (``€433,697``), one decimal in millions
    and billions (``€1.2M``, ``€3.4B``). ``compact=False`` always gives whole units.

    >>> money(433697.4, "EUR"), money(-1_234_567, "USD"), money(None, "EUR")
    ('€433,697', '-$1.2M', '—')
    """
    if _missing(value):
        return DASH
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    sym = currency_symbol(currency)
    if compact and v >= 999_950_000:
        return f"{sign}{sym}{v / 1e9:,.1f}B"
    if compact and v >= 999_950:
        return f"{sign}{sym}{v / 1e6:,.1f}M"
    if v < 0.5:
        sign = ""  # no "-€0"
    return f"{sign}{sym}{v:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.152`` → ``15.2%``; ``None`` (undefined) → ``—``."""
    if _missing(value):
        return DASH
    return f"{value * 100:,.{digits}f}%"


def months(value: float | None) -> str:
    """Payback-style durations: ``30.1 months``; ``None`` → ``not within horizon``."""
    if _missing(value):
        return "not within horizon"
    if value == 0:
        return "immediately"
    return f"{value:,.1f} months"


def multiple(value: float | None, currency: str = "USD") -> str:
    """Revenue per unit of campaign cost: ``7.23`` → ``€7.2 per €1``; ``None`` → ``—``."""
    if _missing(value):
        return DASH
    sym = currency_symbol(currency)
    return f"{sym}{value:,.1f} per {sym}1"


def number(value: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators."""
    if _missing(value):
        return DASH
    return f"{value:,.{digits}f}"
