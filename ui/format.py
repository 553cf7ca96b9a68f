"""Number formats used on every page, so one figure always reads the same way.

Money is shown in the scenario's currency: compact (``€1.2M``, ``€434k``) in headlines, sentences
and charts; in a table one unit per column (:func:`money_column`), so a column never mixes
``€929,467`` with ``€3.8M``. ``None`` means "undefined" and renders as an em dash.
"""

from __future__ import annotations

import math

from roi.charts import BENEFIT, COST, OKABE_ITO, OUTCOME_COLOURS, PALETTE, TOTAL, currency_symbol, money_text

__all__ = [
    "BENEFIT", "COST", "OKABE_ITO", "OUTCOME_COLOURS", "PALETTE", "TOTAL",
    "currency_symbol", "label", "money", "money_column", "months", "multiple", "number", "pct", "ratio",
]

DASH = "—"
def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value: float | None, currency: str, *, compact: bool = True) -> str:
    """Money in the scenario's currency.

    Compact (default), short enough for a headline card: whole units below one thousand
    (``€950``), thousands without decimals (``€434k``; one decimal below ten thousand, ``€9.5k``),
    one decimal in millions and billions (``€1.2M``, ``€3.4B``). ``compact=False`` always gives
    whole units (``€433,697``).

    >>> money(433697.4, "EUR"), money(-1_234_567, "USD"), money(None, "EUR"), money(9_480, "GBP")
    ('€434k', '-$1.2M', '—', '£9.5k')
    >>> money(999_700, "EUR"), money(433697.4, "EUR", compact=False), money(-0.2, "EUR")
    ('€1.0M', '€433,697', '€0')
    """
    if _missing(value):
        return DASH
    if compact:
        return money_text(value, currency)  # the charts' tooltips use the same
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    sym = currency_symbol(currency)
    if v < 0.5:
        sign = ""  # no "-€0"
    return f"{sign}{sym}{v:,.0f}"


def money_column(values, currency: str) -> list[str]:
    """A table column of money in one unit, chosen from its largest value: millions with two
    decimals from one million, else whole units — never ``€929,467`` next to ``€3.8M``.

    >>> money_column([929_467, 3_812_000, None, -52_000], "EUR")
    ['€0.93M', '€3.81M', '—', '-€0.05M']
    >>> money_column([929_467.2, -45_000], "EUR")
    ['€929,467', '-€45,000']
    """
    vals = [None if _missing(v) else float(v) for v in values]
    big = max((abs(v) for v in vals if v is not None), default=0.0) >= 999_995
    out = []
    for v in vals:
        if v is None:
            out.append(DASH)
        elif big:
            sign = "-" if v <= -5_000 else ""
            out.append(f"{sign}{currency_symbol(currency)}{abs(v) / 1e6:,.2f}M")
        else:
            out.append(money(v, currency, compact=False))
    return out


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


def ratio(value: float | None) -> str:
    """A currency-free ratio, comparable with a benchmark in any currency: ``7.23`` → ``7.2 : 1``.

    >>> ratio(7.23), ratio(None)
    ('7.2 : 1', '—')
    """
    if _missing(value):
        return DASH
    return f"{value:,.1f} : 1"


def label(value: object) -> str:
    """A readable label for an enum value: ``order_value`` → ``Order value``.

    >>> label("lifetime_value"), label("cost_saving")
    ('Lifetime value', 'Cost saving')
    """
    text = str(getattr(value, "value", value)).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def number(value: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators."""
    if _missing(value):
        return DASH
    return f"{value:,.{digits}f}"
