"""Numbers as people read them — money, percent, ratio, months — in one place, locale-aware.

Used by the pages, the charts, the deck, the workbook's labels and the CLI, so one figure always
reads the same way. Money is compact in headlines, sentences and charts (``€1.2M``, ``€434K``,
``£9.5k``, ``1,2 Mio. €`` — Babel's CLDR data for the locale), whole units where precision
matters, and one unit per table column (:func:`money_column`). ``None`` (and NaN) means
"undefined" and renders as an em dash.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Iterable
from functools import lru_cache

DASH = "—"
DEFAULT_LOCALE = "en"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@lru_cache(maxsize=64)
def currency_symbol(currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """``EUR`` → ``€``, ``GBP`` → ``£``, ``CHF`` → ``CHF`` (CLDR symbol in the locale).

    >>> currency_symbol("EUR"), currency_symbol("GBP"), currency_symbol("SEK")
    ('€', '£', 'SEK')
    """
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=locale)


def per_unit(currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """``per €1``: the unit of revenue per unit of campaign cost, in the scenario's currency."""
    return f"per {currency_symbol(currency, locale)}1"


def _significant(value: float, digits: int = 3) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def money(value: float | None, currency: str, *, compact: bool = True, locale: str = DEFAULT_LOCALE) -> str:
    """Money in ``currency``.

    Compact (default), short enough for a headline card: whole units below one thousand, then
    three significant figures in the locale's short form — thousands without decimals (one
    below ten thousand), millions and billions with one. ``compact=False`` gives whole units.

    >>> money(433697.4, "EUR"), money(-1_234_567, "USD"), money(None, "EUR"), money(9_480, "GBP")
    ('€434K', '-$1.2M', '—', '£9.5K')
    >>> money(999_970, "EUR"), money(433697.4, "EUR", compact=False), money(-0.2, "EUR")
    ('€1M', '€433,697', '€0')
    >>> money(1_850_000, "GBP"), money(-1_250_000, "GBP"), money(12_500, "USD")  # halves away from zero
    ('£1.9M', '-£1.3M', '$13K')
    >>> money(1_234_567, "EUR", locale="de")
    '1,2\\xa0Mio.\\xa0€'
    """
    from babel.numbers import format_compact_currency, format_currency

    if _missing(value):
        return DASH
    v = float(value)
    if abs(v) < 0.5:
        v = 0.0  # no "-€0"
    if not compact or abs(v) < 999.5:
        return format_currency(round(v), currency, locale=locale, format=None, currency_digits=False,
                               decimal_quantization=False).replace(".00", "").replace(",00", "") \
            if locale != DEFAULT_LOCALE else f"{'-' if v < 0 else ''}{currency_symbol(currency)}{abs(v):,.0f}"
    r = _significant(v)
    digits = 1 if abs(r) < 10_000 or abs(r) >= 1_000_000 else 0
    with decimal.localcontext() as ctx:
        # Babel rounds in the decimal context, half to even by default: £1.85M read "£1.8M" in one
        # place and "£1.9M" in a sum or a spreadsheet; halves go away from zero, as people round
        ctx.rounding = decimal.ROUND_HALF_UP
        return format_compact_currency(r, currency, locale=locale, fraction_digits=digits)


def money_column(values: Iterable[float | None], currency: str, locale: str = DEFAULT_LOCALE) -> list[str]:
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
            out.append(f"{sign}{currency_symbol(currency, locale)}{number(abs(v) / 1e6, 2, locale)}M")
        else:
            out.append(money(v, currency, compact=False, locale=locale))
    return out


def number(value: float | None, digits: int = 0, locale: str = DEFAULT_LOCALE) -> str:
    """A plain number with the locale's separators: ``1234.5`` → ``1,234.5`` (``1.234,5`` in ``de``).

    >>> number(1234.5, 1), number(1234.5, 1, "de"), number(None)
    ('1,234.5', '1.234,5', '—')
    """
    if _missing(value):
        return DASH
    if locale == DEFAULT_LOCALE:
        return f"{value:,.{digits}f}"
    from babel.numbers import format_decimal

    return format_decimal(round(float(value), digits), format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                          locale=locale)


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.152`` → ``15.2%``; ``None`` (undefined) → ``—``; never ``-0%``.

    >>> pct(0.152), pct(None), pct(-0.0001, 0)
    ('15.2%', '—', '0%')
    """
    if _missing(value):
        return DASH
    text = f"{value * 100:,.{digits}f}%"
    return text[1:] if text.startswith("-") and float(text[1:-1].replace(",", "")) == 0 else text


def irr(value: float | None, unique: bool = True) -> str:
    """An internal rate of return as every output shows it: a percentage with one decimal, ``>999%``
    beyond that, ``?`` after it when several rates make NPV zero (then it is ambiguous), ``—`` when
    there is none.

    >>> irr(0.016), irr(-0.033), irr(12.0), irr(0.25, unique=False), irr(None)
    ('1.6%', '-3.3%', '>999%', '25.0%?', '—')
    """
    if _missing(value):
        return DASH
    text = ">999%" if value >= 9.995 else pct(value, 1)
    return text if unique else text + "?"


def ratio(value: float | None) -> str:
    """A currency-free ratio, comparable with a benchmark in any currency: ``7.23`` → ``7.2 : 1``.

    >>> ratio(7.23), ratio(None)
    ('7.2 : 1', '—')
    """
    if _missing(value):
        return DASH
    return f"{value:,.1f} : 1"


def multiple(value: float | None, currency: str = "USD", locale: str = DEFAULT_LOCALE) -> str:
    """Revenue per unit of campaign cost: ``7.23`` → ``€7.2 per €1``; ``None`` → ``—``."""
    if _missing(value):
        return DASH
    sym = currency_symbol(currency, locale)
    return f"{sym}{value:,.1f} per {sym}1"


def months(value: float | None) -> str:
    """Payback-style durations: ``30.1 months``; ``None`` → ``not within horizon``."""
    if _missing(value):
        return "not within horizon"
    if value == 0:
        return "immediately"
    return f"{value:,.1f} months"


CURRENCY_SIGNS = "€£$¥₹"  # symbols an amount may start with (after its sign), as Babel writes them here
AMOUNT_START = rf"[\d{CURRENCY_SIGNS}]"  # regex class: the first character of an amount
_MINUS = re.compile(rf"(?<![0-9A-Za-z])-(?={AMOUNT_START})")


def true_minus(text: str) -> str:
    """Text for print: a hyphen-minus before a number or a currency symbol becomes the minus sign
    (U+2212) — not in words, ranges or dates.

    >>> true_minus("NPV -€1.2M, ROI -7%; A-1, 5-10 and 2026-12-01 stay")
    'NPV −€1.2M, ROI −7%; A-1, 5-10 and 2026-12-01 stay'
    """
    return _MINUS.sub("\u2212", text)


def clip(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, an ellipsis marking a cut (for fixed-width columns).

    >>> clip("Triggered journeys (abandoned cart, browse)", 20), clip("Email", 20)
    ('Triggered journeys …', 'Email')
    """
    return text if len(text) <= width else text[: width - 1] + "…"


def quarter(index: int | None) -> str:
    """A launch quarter counted from the programme's start (0 = the first quarter of year 1):
    ``Q1``–``Q4`` in year 1, then with the year — never ``Q5``.

    >>> quarter(0), quarter(3), quarter(4), quarter(9), quarter(None)
    ('Q1', 'Q4', 'Y2 Q1', 'Y3 Q2', '—')
    """
    if index is None:
        return DASH
    year, q = divmod(int(index), 4)
    return f"Q{q + 1}" if year == 0 else f"Y{year + 1} Q{q + 1}"


def significant(value: float | None, digits: int = 3) -> str:
    """A score to three significant figures, never ``-0``: ``0.0123456`` → ``0.0123``.

    >>> significant(1234.5678), significant(0.0123456), significant(-0.0), significant(None)
    ('1,230', '0.0123', '0', '—')
    """
    if _missing(value):
        return DASH
    r = _significant(float(value), digits)
    if r == 0:
        return "0"
    decimals = max(digits - 1 - int(math.floor(math.log10(abs(r)))), 0)
    return f"{r:,.{decimals}f}"


def plain(value: float | None) -> str:
    """A value as it was written — no exponent, no float noise (ten decimals at most):
    an uplift, a multiplier, a score in a table of inputs.

    >>> plain(0.025), plain(1.0), plain(0.1 + 0.2), plain(0.00001), plain(None)
    ('0.025', '1', '0.3', '0.00001', '—')
    """
    if _missing(value):
        return DASH
    text = f"{float(value):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def label(value: object) -> str:
    """A readable label for an enum value: ``order_value`` → ``Order value``.

    >>> label("lifetime_value"), label("cost_saving")
    ('Lifetime value', 'Cost saving')
    """
    text = str(getattr(value, "value", value)).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
