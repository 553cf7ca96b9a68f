"""The Calc sheet: :mod:`roi.engine` step by step as formulas, each step written with its value.

One section per quantity, one column per year (column G = year 0, H = year 1, …); columns A–F say
what a row is: A initiative no., B initiative, C segment, D lever, E overlap group no., F group size.
Sections: maturity; per initiative — share of the year live, ramp integral, realised effect; per
(initiative, segment) pair — uplift g, its positive and negative parts and their logs, group sums
(``SUMIF`` on the group no.), combined group uplift ``1 − EXP(Σ LN(1 − g⁺))`` (singletons keep g),
retention cap, overlap ratio, uplift after overlap, lever interaction, extra retained customers
``E_t = r·E_{t−1} + customers·r·g``, revenue, standalone revenue, gross profit, value beyond the
horizon, reach; per initiative — revenue, gross profit, savings, costs by type, risk-adjusted
benefit and cost, net, cumulative net and payback crossing.

Each section is written from two things side by side: the formula of a cell, and a numpy array
holding what that formula computes (the cached value a reader sees before any recalculation). The
arrays follow the formulas' own arithmetic, not :func:`roi.evaluate`'s, so the tests can compare
them with the engine and with LibreOffice's recalculation independently.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...engine import LEVERS, build, effect_integral
from ...maturity import assess
from ...schema import REVENUE_LEVERS, LeverCombination, Lever, RetentionTiming, Scenario
from ..assumptions import DECIMAL, money_format
from .book import Book, Sheet, ref
from .layout import CALC, CALC_YEAR0, SEG_BASELINE, SEG_COLS, SEG_PER_CUSTOMER, SEG_PERSONALIZABLE, SEGMENTS, Layout

RATIO = "0.0000"
NUMBER = "#,##0"


def _group_total(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``SUMIF(group column, this row's group, values)``: each row gets its group's total ([P,T+1])."""
    n = int(group.max()) + 1 if len(group) else 0
    out = np.zeros((n,) + values.shape[1:])
    np.add.at(out, group, np.nan_to_num(values))
    return out[group]


def _by_initiative(values: np.ndarray, pj: np.ndarray, J: int) -> np.ndarray:
    """``SUMIF(initiative column, j, values)`` for every initiative j ([J,T+1])."""
    out = np.zeros((J,) + values.shape[1:])
    np.add.at(out, pj, np.nan_to_num(values))
    return out


def risk_benefit_formula(value: str, risk: str) -> str:
    """A risk-adjusted benefit: gains × (1 − risk), losses × (1 + risk) (risk never flatters a case)."""
    return f"=IF({value}>=0,{value}*(1-{risk}),{value}*(1+{risk}))"


def risk_benefit(value: np.ndarray, risk: np.ndarray) -> np.ndarray:
    return np.where(value >= 0, value * (1 - risk), value * (1 + risk))


def crossing_formula(cum_prev: str, cum: str, flow: str, prev_year: str) -> str:
    """``12 × (t − 1 + (−cum[t−1]) / cf[t])`` when ``cum[t−1] < 0 ≤ cum[t]`` (finance.payback_months);
    ``prev_year`` is the cell holding t − 1."""
    return f'=IF(AND({cum_prev}<0,{cum}>=0),12*({prev_year}+(-{cum_prev})/{flow}),"")'


def crossings(cum: np.ndarray, net: np.ndarray) -> np.ndarray:
    """Values of :func:`crossing_formula` for years 1 … T (NaN where the formula gives "")."""
    prev, now = cum[..., :-1], cum[..., 1:]
    t = np.arange(1, cum.shape[-1])
    hit = (prev < 0) & (now >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = 12 * (t - 1 + (-prev) / net[..., 1:])
    out = np.full(cum.shape, np.nan)
    out[..., 1:] = np.where(hit, v, np.nan)
    return out


def payback_formula(cum_range: str, cross_range: str) -> str:
    """Payback as :func:`roi.finance.payback_months`: 0 if never under water, none if still under
    water in the last year, else the last crossing (crossings grow with the year, hence MAX)."""
    last = f"INDEX({cum_range},1,COLUMNS({cum_range}))"
    return f'=IF(MIN({cum_range})>=0,0,IF({last}<0,"not within horizon",MAX({cross_range})))'


def payback_value(cum: np.ndarray, cross: np.ndarray) -> float | str:
    if cum.min() >= 0:
        return 0.0
    if cum[-1] < 0:
        return "not within horizon"
    found = cross[1:][np.isfinite(cross[1:])]
    return float(found.max()) if len(found) else 0.0


class Calc:
    """Writes the Calc sheet section by section; ``v[section]`` holds each section's values."""

    def __init__(self, book: Book, ws: Sheet, scenario: Scenario, lay: Layout, derived: dict[str, np.ndarray]):
        self.book, self.ws, self.sc, self.lay = book, ws, scenario, lay
        self.T = lay.horizon
        self.row = 1
        self.st, _ = build(scenario)
        self.levers = [Lever(i.lever) for i in scenario.initiatives]
        self.money = money_format(scenario.settings.currency)
        self.d = derived
        self.v: dict[str, np.ndarray] = {}

    # -- helpers ---------------------------------------------------------------------------
    def _other_revenue_groups(self) -> dict[int, tuple[int | None, int | None]]:
        """Pair → the group numbers (1-based, as in column E) of the two other revenue levers on
        its segment, ``None`` where no initiative pulls that lever there; retention pairs absent."""
        st = self.st
        revenue = [LEVERS.index(lv) for lv in REVENUE_LEVERS]
        group_of = {(int(st.group_lever[k]), int(st.group_segment[k])): k + 1 for k in range(len(st.group_lever))}
        out: dict[int, tuple[int | None, int | None]] = {}
        for p in range(len(st.pair_initiative)):
            lever, seg = int(st.lever[st.pair_initiative[p]]), int(st.pair_segment[p])
            if lever not in revenue:
                continue
            others = [lv for lv in revenue if lv != lever]
            out[p] = (group_of.get((others[0], seg)), group_of.get((others[1], seg)))
        return out

    def y(self, t: int) -> str:
        return self.lay.ycol(t)

    def ini(self, j: int, key: str) -> str:
        return self.lay.ini(j, key)

    def seg(self, s: int, col: str) -> str:
        return ref(SEGMENTS, f"${col}${self.lay.seg_row[self.sc.segments[s].name]}")

    def at(self, section: str, k: int, t: int) -> str:
        """Cell of row k (initiative j or pair p) of ``section`` in year t."""
        return f"{self.y(t)}{self.lay.calc[section][0] + k}"

    def col_range(self, section: str, t: int) -> str:
        a, b = self.lay.calc[section]
        return f"{self.y(t)}${a}:{self.y(t)}${b}"

    def key_range(self, section: str, col: str) -> str:
        a, b = self.lay.calc[section]
        return f"${col}${a}:${col}${b}"

    def section(self, name: str, title: str, kind: str, formula: Callable[[int, int], str | None],
                years: range, values: np.ndarray, num: str = RATIO) -> np.ndarray:
        """Write a section: title, header, then one row per initiative (``kind='ini'``) or pair; each
        cell's formula with its value from ``values`` ([rows, T+1]; NaN where the formula gives "")."""
        ws = self.ws
        ws.text(self.row, 1, title, "section")
        self.row += 1
        ws.header(self.row, ["#", "Initiative", "Segment", "Lever", "Group", "Group size"]
                  + [f"Year {t}" for t in range(self.T + 1)])
        self.row += 1
        n = len(self.sc.initiatives) if kind == "ini" else len(self.st.pair_initiative)
        first = self.row
        self.lay.calc[name] = (first, first + n - 1)
        st = self.st
        for k in range(n):
            r = first + k
            j = k if kind == "ini" else int(st.pair_initiative[k])
            ws.value(r, 1, j + 1)
            ws.text(r, 2, self.sc.initiatives[j].name)
            ws.text(r, 4, self.levers[j].value)
            if kind == "pair":
                ws.text(r, 3, self.sc.segments[int(st.pair_segment[k])].name)
                ws.value(r, 5, int(st.pair_group[k]) + 1)
                ws.formula(r, 6, f"=COUNTIF({self.key_range(name, 'E')},E{r})", int(st.group_size[st.pair_group[k]]))
            for t in years:
                f = formula(k, t)
                if f is None:
                    continue
                v = values[k, t]
                ws.formula(r, CALC_YEAR0 + t, f, None if np.isnan(v) else float(v), num=num)
        self.row = first + n + 1
        self.v[name] = values
        return values

    # -- the model -------------------------------------------------------------------------
    def write(self) -> None:
        ws, T, sc, st = self.ws, self.T, self.sc, self.st
        J, P = len(sc.initiatives), len(st.pair_initiative)
        pj, ps = st.pair_initiative, st.pair_segment
        m = assess(sc.process)
        ws.text(1, 1, "Calculation: the model, step by step (formulas of roi.engine; see Summary for the figures)",
                "title")
        ws.text(3, 1, "Maturity index (0–1) = mean((score − 1) / 4)")
        ws.formula(3, CALC_YEAR0, "=((ScoreAlignment-1)/4+(ScoreTestAndLearn-1)/4+(ScoreFeedbackLoop-1)/4+"
                                  "(ScoreGovernance-1)/4)/4", m.index, num=RATIO)
        ws.text(4, 1, "Realised share of uplift = floor + (1 − floor) × index")
        ws.formula(4, CALC_YEAR0, "=RealisationFloor+(1-RealisationFloor)*MaturityIndex", m.realisation, num=RATIO)
        ws.text(5, 1, "Months from launch to full effect = slowest − (slowest − fastest) × index")
        ws.formula(5, CALC_YEAR0, "=RampMonthsSlowest-(RampMonthsSlowest-RampMonthsFastest)*MaturityIndex",
                   m.ramp_months, num=RATIO)
        for row, name in ((3, "MaturityIndex"), (4, "Realisation"), (5, "RampMonths")):
            self.book.name(name, CALC, row, CALC_YEAR0)
        ws.text(6, 1, "Months since the start of year 1, at the end of each year")
        ws.text(7, 1, "Year")
        self.months_row, self.year_row = 6, 7
        for t in range(T + 1):
            # the year number counts the columns from year 0 (no typed numbers in a calculation sheet)
            ws.formula(7, CALC_YEAR0 + t, f"=COLUMN()-COLUMN(${self.y(0)}$7)", t, num="0")
            ws.formula(6, CALC_YEAR0 + t, f"=12*{self.y(t)}7", 12 * t, num="0")
        cal = sc.calibration.factor if sc.calibration is not None else 1.0
        ws.text(9, 1, "Programme calibration: measured ÷ claimed revenue (1 when no global holdout measured it)")
        ws.formula(9, CALC_YEAR0, "=CalibrationInput" if sc.calibration is not None else "=1", cal, num=RATIO)
        self.book.name("CalibrationFactor", CALC, 9, CALC_YEAR0)
        self.row = 11
        years0, years1 = range(T + 1), range(1, T + 1)
        M = lambda t: f"{self.y(t)}${self.months_row}"  # noqa: E731
        pjf = lambda p: int(pj[p])  # noqa: E731
        psf = lambda p: int(ps[p])  # noqa: E731
        months = 12.0 * np.arange(T + 1)
        d, s = self.d, sc.settings

        # inputs as arrays (what the Initiatives and Segments cells hold)
        launch = np.array([i.months_to_launch for i in sc.initiatives], dtype=float)
        R, lam = m.ramp_months, d["decay_rate"]
        segs = sc.segments
        pers = np.array([x.personalizable_share for x in segs])
        customers = np.array([x.customers for x in segs], dtype=float)
        per_cust = np.array([x.visits_per_customer * x.baseline_conversion_rate * x.average_order_value for x in segs])
        baseline = customers * per_cust
        margin = np.array([x.gross_margin for x in segs])
        retention = np.array([x.retention_rate for x in segs])
        req = np.array([i.requires_identity for i in sc.initiatives], dtype=bool)
        reach_j = np.array([i.channel_reach for i in sc.initiatives])
        uplift = d["uplift.used"]
        is_ret_j = np.array([lv == Lever.retention for lv in self.levers], dtype=bool)
        mid_year = s.retention_timing == RetentionTiming.mid_year
        mult_on = s.lever_combination == LeverCombination.multiplicative
        rate = s.discount_rate

        def launch_ref(j: int) -> str:
            return self.ini(j, "months_to_launch")

        nan = lambda n: np.full((n, T + 1), np.nan)  # noqa: E731

        active = nan(J)
        active[:, 1:] = np.clip(months[None, 1:] - launch[:, None], 0, 12) / 12
        self.section("active", "Share of the year the initiative is live = MIN(MAX(months − launch, 0), 12) / 12",
                     "ini", lambda j, t: f"=MIN(MAX({M(t)}-{launch_ref(j)},0),12)/12", years1, active)

        def integral(j: int, t: int) -> str:
            y = f"MAX({M(t)}-{launch_ref(j)},0)"
            lm = self.ini(j, "decay_rate")
            return (f"=IF(RampMonths>0,MIN({y},RampMonths)^2/(2*RampMonths),0)"
                    f"+IF({lm}>0,(1-EXP(-{lm}*MAX({y}-RampMonths,0)))/{lm},MAX({y}-RampMonths,0))")

        ramp = effect_integral(months[None, :], launch[:, None], np.array(R), lam[:, None])
        self.section("ramp", "Months of full effect accumulated by the end of the year: linear ramp after launch, "
                             "then exp(−λ × months) with λ = −LN(1 − decay) / 12", "ini", integral, years0, ramp)
        effect = nan(J)
        effect[:, 1:] = np.diff(ramp, axis=1) / 12 * d["realised_share"][:, None]
        self.section("effect", "Realised effect in the year = (integral now − a year ago) / 12 × share realised",
                     "ini", lambda j, t: (f"=({self.at('ramp', j, t)}-{self.at('ramp', j, t - 1)})/12*"
                                          f"{self.ini(j, 'realised_share')}"), years1, effect)
        # Pairs
        eligible = np.where(req[pj], pers[ps], 1.0)
        g = nan(P)
        g[:, 1:] = (eligible * reach_j[pj] * uplift[pj])[:, None] * effect[pj, 1:]
        self.section("g", "Uplift per (initiative, segment) g = eligible share × reach × uplift × effect; eligible = "
                          "personalizable when the initiative needs identity, else everyone", "pair",
                     lambda p, t: f"=IF({self.ini(pjf(p), 'requires_identity')},{self.seg(psf(p), SEG_PERSONALIZABLE)},"
                                  f"1)*{self.ini(pjf(p), 'channel_reach')}*{self.ini(pjf(p), 'uplift.used')}*"
                                  f"{self.at('effect', pjf(p), t)}", years1, g)
        gpos, gneg = np.maximum(g, 0), np.minimum(g, 0)
        self.section("gpos", "Positive part g⁺ = MAX(g, 0)", "pair", lambda p, t: f"=MAX({self.at('g', p, t)},0)",
                     years1, gpos)
        self.section("gneg", "Negative part g⁻ = MIN(g, 0)", "pair", lambda p, t: f"=MIN({self.at('g', p, t)},0)",
                     years1, gneg)
        lnpos = np.log(1 - np.minimum(gpos, 1 - 1e-9))
        lnneg = np.log(1 + np.maximum(gneg, -1 + 1e-9))
        self.section("lnpos", "LN(1 − MIN(g⁺, 1 − 1E−9))", "pair",
                     lambda p, t: f"=LN(1-MIN({self.at('gpos', p, t)},1-1E-9))", years1, lnpos)
        self.section("lnneg", "LN(1 + MAX(g⁻, −1 + 1E−9))", "pair",
                     lambda p, t: f"=LN(1+MAX({self.at('gneg', p, t)},-1+1E-9))", years1, lnneg)

        group = st.pair_group

        def group_sum(src: str) -> Callable[[int, int], str]:
            def f(p: int, t: int) -> str:
                r = self.lay.calc["g"][0] + p
                return f"=SUMIF({self.key_range('g', 'E')},$E{r},{self.col_range(src, t)})"
            return f

        blank0 = lambda a: np.where(np.isnan(g), np.nan, a)  # noqa: E731  (year 0 stays blank)
        pos_sum = blank0(_group_total(gpos, group))
        neg_sum = blank0(_group_total(gneg, group))
        self.section("pos_sum", "Group sum of g⁺ (same lever on the same segment)", "pair", group_sum("gpos"), years1,
                     pos_sum)
        self.section("neg_sum", "Group sum of g⁻", "pair", group_sum("gneg"), years1, neg_sum)

        def size(p: int) -> str:
            return f"$F{self.lay.calc['g'][0] + p}"

        def comb(lnsec: str, sumsec: str, pos: bool) -> Callable[[int, int], str]:
            def f(p: int, t: int) -> str:
                r = self.lay.calc["g"][0] + p
                total = f"SUMIF({self.key_range('g', 'E')},$E{r},{self.col_range(lnsec, t)})"
                combined = f"1-EXP({total})" if pos else f"EXP({total})-1"
                return f"=IF({size(p)}>1,{combined},{self.at(sumsec, p, t)})"
            return f

        shared = (st.group_size[group] > 1)[:, None]
        pos_comb = blank0(np.where(shared, 1 - np.exp(_group_total(lnpos, group)), pos_sum))
        neg_comb = blank0(np.where(shared, np.exp(_group_total(lnneg, group)) - 1, neg_sum))
        self.section("pos_comb", "Combined positive group uplift = 1 − Π(1 − g⁺) (a singleton keeps its g)", "pair",
                     comb("lnpos", "pos_sum", True), years1, pos_comb)
        self.section("neg_comb", "Combined negative group uplift = Π(1 + g⁻) − 1 (a singleton keeps its g)", "pair",
                     comb("lnneg", "neg_sum", False), years1, neg_comb)

        def capped(p: int, t: int) -> str:
            if self.levers[pjf(p)] != Lever.retention:
                return f"={self.at('pos_comb', p, t)}"
            cap = f"1/MAX({self.seg(psf(p), SEG_COLS['retention_rate'])},1E-12)-1"
            return f"=MIN({self.at('pos_comb', p, t)},MAX({cap}-{self.at('neg_comb', p, t)},0))"

        cap = (1 / np.maximum(retention[ps], 1e-12) - 1)[:, None]
        pos_cap = np.where(is_ret_j[pj][:, None], np.minimum(pos_comb, np.maximum(cap - neg_comb, 0)), pos_comb)
        self.section("pos_cap", "Combined positive uplift, capped for retention so retention stays ≤ 1", "pair",
                     capped, years1, pos_cap)

        def ratio_f(p: int, t: int) -> str:
            gg, ps_, ns = self.at("g", p, t), self.at("pos_sum", p, t), self.at("neg_sum", p, t)
            return (f"=IF({gg}>=0,IF({ps_}<>0,{self.at('pos_cap', p, t)}/{ps_},1),"
                    f"IF({ns}<>0,{self.at('neg_comb', p, t)}/{ns},1))")

        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(g >= 0, np.where(pos_sum != 0, pos_cap / pos_sum, 1.0),
                             np.where(neg_sum != 0, neg_comb / neg_sum, 1.0))
        ratio = blank0(ratio)
        self.section("ratio", "Overlap ratio = combined / sum of the group (1 when alone)", "pair", ratio_f, years1,
                     ratio)
        geff = g * ratio
        self.section("geff", "Uplift after overlap = g × overlap ratio", "pair",
                     lambda p, t: f"={self.at('g', p, t)}*{self.at('ratio', p, t)}", years1, geff)

        other_groups = self._other_revenue_groups()

        def interaction(p: int, t: int) -> str:
            others = other_groups.get(p)
            if others is None:  # retention: its customers are counted, not multiplied
                return "=1"
            terms = [f"(1+SUMIF({self.key_range('geff', 'E')},{gid},{self.col_range('geff', t)}))" if gid else "1"
                     for gid in others]
            a, b = terms
            return f'=IF(LeverCombination="multiplicative",1/3+({a}+{b})/6+{a}*{b}/3,1)'

        group_geff = np.zeros((int(group.max()) + 2 if P else 1, T + 1))
        if P:
            np.add.at(group_geff, group + 1, np.nan_to_num(geff))
        mult = blank0(np.ones((P, T + 1)))
        for p, (ga, gb) in other_groups.items():
            A = 1 + (group_geff[ga] if ga else np.zeros(T + 1))
            B = 1 + (group_geff[gb] if gb else np.zeros(T + 1))
            mult[p, 1:] = (1 / 3 + (A + B) / 6 + A * B / 3)[1:] if mult_on else 1.0
        self.section("mult", "Lever interaction multiplier (Shapley share of (1 + G₁)(1 + G₂)(1 + G₃) − 1 with the "
                             "other revenue levers' group uplifts G on the segment; 1 when levers add)", "pair",
                     interaction, years1, mult)
        gint = geff * mult
        self.section("gint", "Uplift after overlap and lever interaction = g after overlap × multiplier", "pair",
                     lambda p, t: f"={self.at('geff', p, t)}*{self.at('mult', p, t)}", years1, gint)

        ret_p = is_ret_j[pj]

        def stock_f(src: str, name: str) -> Callable[[int, int], str | None]:
            def f(p: int, t: int) -> str | None:
                if not ret_p[p]:
                    return None
                r = self.seg(psf(p), SEG_COLS["retention_rate"])
                n = self.seg(psf(p), SEG_COLS["customers"])
                prev = "0" if t == 1 else self.at(name, p, t - 1)
                return f"={prev}*{r}+{n}*{r}*{self.at(src, p, t)}"
            return f

        def stock_v(src: np.ndarray) -> np.ndarray:
            out = nan(P)
            e = np.zeros(P)
            for t in years1:
                e = e * retention[ps] + customers[ps] * retention[ps] * src[:, t]
                out[:, t] = np.where(ret_p, e, np.nan)
            return out

        stock = stock_v(geff)
        stock_solo = stock_v(g)
        self.section("stock", "Extra retained customers at the end of the year E = r × E(previous year) + customers × "
                              "r × g after overlap (retention initiatives only)", "pair", stock_f("geff", "stock"),
                     years1, stock, NUMBER)
        self.section("stock_solo", "Extra retained customers without overlap (retention initiatives only)", "pair",
                     stock_f("g", "stock_solo"), years1, stock_solo, NUMBER)

        def customer_years_f(stk: str, p: int, t: int) -> str:
            prev = "0" if t == 1 else self.at(stk, p, t - 1)
            return f'IF(RetentionTiming="mid_year",({prev}+{self.at(stk, p, t)})/2,{self.at(stk, p, t)})'

        def customer_years_v(stk: np.ndarray) -> np.ndarray:
            prev = np.concatenate([np.zeros((P, 1)), np.nan_to_num(stk[:, 1:-1])], axis=1)
            out = nan(P)
            out[:, 1:] = (prev + stk[:, 1:]) / 2 if mid_year else stk[:, 1:]
            return out

        def revenue_f(src: str, stk: str) -> Callable[[int, int], str]:
            def f(p: int, t: int) -> str:
                if ret_p[p]:
                    return f"={customer_years_f(stk, p, t)}*{self.seg(psf(p), SEG_PER_CUSTOMER)}*CalibrationFactor"
                return f"={self.seg(psf(p), SEG_BASELINE)}*{self.at(src, p, t)}*CalibrationFactor"
            return f

        def revenue_v(src: np.ndarray, stk: np.ndarray) -> np.ndarray:
            ret = customer_years_v(stk) * per_cust[ps][:, None] * cal
            other = baseline[ps][:, None] * src * cal
            return np.where(ret_p[:, None], ret, other)

        money = self.money
        rev = revenue_v(gint, stock)
        self.section("rev", "Incremental revenue = baseline revenue × uplift after overlap and interaction × "
                            "calibration (retention: customer-years of extra customers, mid-year or start of year, × "
                            "revenue per customer)", "pair", revenue_f("gint", "stock"), years1, rev, money)
        rev_mid = revenue_v(geff, stock)
        self.section("rev_mid", "Revenue after overlap, before lever interaction", "pair", revenue_f("geff", "stock"),
                     years1, rev_mid, money)
        rev_solo = revenue_v(g, stock_solo)
        self.section("rev_solo", "Standalone revenue (as if no other initiative pulled any lever on the segment)",
                     "pair", revenue_f("g", "stock_solo"), years1, rev_solo, money)
        gp = rev * margin[ps][:, None]
        self.section("gp", "Incremental gross profit = revenue × gross margin", "pair",
                     lambda p, t: f"={self.at('rev', p, t)}*{self.seg(psf(p), SEG_COLS['gross_margin'])}", years1,
                     gp, money)

        def terminal_f(p: int, t: int) -> str | None:
            if not ret_p[p] or t != T:
                return None
            r = self.seg(psf(p), SEG_COLS["retention_rate"])
            q = f"({r}/(1+DiscountRate))"
            series = f"IF(ABS(1-{q})<1E-12,BeyondHorizonYears,(1-{q}^BeyondHorizonYears)/(1-{q}))"
            k = f'IF(RetentionTiming="mid_year",(1+{r})/(2*(1+DiscountRate))*{series},{q}*{series})'
            return (f"={self.at('stock', p, t)}*{self.seg(psf(p), SEG_PER_CUSTOMER)}*"
                    f"{self.seg(psf(p), SEG_COLS['gross_margin'])}*{k}*CalibrationFactor")

        from ...engine.flows import BEYOND_HORIZON_YEARS as N

        q = retention[ps] / (1 + rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            series = np.where(np.abs(1 - q) < 1e-12, float(N), (1 - q ** N) / (1 - q))
        kf = (1 + retention[ps]) / (2 * (1 + rate)) * series if mid_year else q * series
        term = nan(P)
        term[:, T] = np.where(ret_p, stock[:, T] * per_cust[ps] * margin[ps] * kf * cal, np.nan)
        self.section("term", "Value beyond the horizon, at its end: extra customers then on the books × gross profit "
                             "per customer × Σ of their later years (surviving at the retention rate, discounted)",
                     "pair", terminal_f, years1, term, money)
        reach = nan(P)
        reach[:, 0] = customers[ps] * eligible * reach_j[pj]
        self.section("reach", "Reachable customers = customers × eligible share × channel reach (column G)",
                     "pair", lambda p, t: (f"={self.seg(psf(p), SEG_COLS['customers'])}*"
                                           f"IF({self.ini(pjf(p), 'requires_identity')},"
                                           f"{self.seg(psf(p), SEG_PERSONALIZABLE)},1)*"
                                           f"{self.ini(pjf(p), 'channel_reach')}"),
                     range(0, 1), reach, NUMBER)

        # Per initiative
        def per_ini_f(src: str, only_last: bool = False) -> Callable[[int, int], str | None]:
            def f(j: int, t: int) -> str | None:
                if only_last and t != T:
                    return None
                if t == 0:
                    return "=0"
                return f"=SUMIF({self.key_range(src, 'A')},{j + 1},{self.col_range(src, t)})"
            return f

        def per_ini_v(src: np.ndarray, only_last: bool = False) -> np.ndarray:
            out = _by_initiative(src, pj, J)
            out[:, 0] = 0.0
            if only_last:
                out[:, :T] = np.nan
            return out

        i_rev = self.section("i_rev", "Initiative revenue (sum over its segments)", "ini", per_ini_f("rev"), years0,
                             per_ini_v(rev), money)
        i_rev_mid = self.section("i_rev_mid", "Initiative revenue after overlap, before lever interaction", "ini",
                                 per_ini_f("rev_mid"), years0, per_ini_v(rev_mid), money)
        i_rev_solo = self.section("i_rev_solo", "Initiative standalone revenue", "ini", per_ini_f("rev_solo"), years0,
                                  per_ini_v(rev_solo), money)
        i_gp = self.section("i_gp", "Initiative gross profit", "ini", per_ini_f("gp"), years0, per_ini_v(gp), money)
        i_term = self.section("i_term", "Initiative value beyond the horizon (at its end)", "ini",
                              per_ini_f("term", True), years0, per_ini_v(term, True), money)

        saving_j = np.array([lv == Lever.cost_saving for lv in self.levers], dtype=bool)
        cost_base = np.array([i.cost_base for i in sc.initiatives], dtype=float)

        def savings_f(j: int, t: int) -> str:
            if t == 0 or not saving_j[j]:
                return "=0"
            return f"={self.ini(j, 'cost_base')}*{self.ini(j, 'uplift.used')}*{self.at('effect', j, t)}"

        i_sav = np.zeros((J, T + 1))
        i_sav[:, 1:] = np.where(saving_j[:, None], (cost_base * uplift)[:, None] * effect[:, 1:], 0.0)
        self.section("i_sav", "Cost savings = cost base × uplift × effect (cost-saving initiatives)", "ini", savings_f,
                     years0, i_sav, money)

        def at_year0(key: str) -> Callable[[int, int], str]:
            return lambda j, t: f"={self.ini(j, key)}" if t == 0 else "=0"

        def year0_v(amount: np.ndarray) -> np.ndarray:
            out = np.zeros((J, T + 1))
            out[:, 0] = amount
            return out

        one = np.array([i.one_time_cost for i in sc.initiatives], dtype=float)
        i_one = self.section("i_one", "One-time cost (year 0)", "ini", at_year0("one_time_cost"), years0,
                             year0_v(one), money)
        i_effort = self.section("i_effort", "Effort cost = effort × cost of an FTE-month (year 0)", "ini",
                                at_year0("effort_cost"), years0, year0_v(d["effort_cost"]), money)

        def yearly_f(key: str) -> Callable[[int, int], str]:
            return lambda j, t: "=0" if t == 0 else f"={self.ini(j, key)}*{self.at('active', j, t)}"

        def yearly_v(annual: np.ndarray) -> np.ndarray:
            out = np.zeros((J, T + 1))
            out[:, 1:] = annual[:, None] * active[:, 1:]
            return out

        running = np.array([i.annual_running_cost for i in sc.initiatives], dtype=float)
        variable = np.array([i.variable_campaign_cost for i in sc.initiatives], dtype=float)
        i_run = self.section("i_run", "Running cost = annual running cost × share of year live", "ini",
                             yearly_f("annual_running_cost"), years0, yearly_v(running), money)
        i_content = self.section("i_content", "Content cost = content cost per year × share of year live", "ini",
                                 yearly_f("content_cost"), years0, yearly_v(d["content_cost"]), money)
        i_var = self.section("i_var", "Variable campaign cost = annual variable cost × share of year live", "ini",
                             yearly_f("variable_campaign_cost"), years0, yearly_v(variable), money)
        # Risk shrinks a gain and grows a loss (roi.engine.risk_adjust), hence the IF on the sign.
        risk_ref = lambda j: self.ini(j, "risk_rate")  # noqa: E731
        risk = d["risk_rate"][:, None]
        cr = 1 + s.cost_risk
        self.section("i_benefit", "Benefit, risk-adjusted = (gross profit + savings) × (1 ∓ the initiative's benefit "
                                  "risk)", "ini",
                     lambda j, t: risk_benefit_formula(f"({self.at('i_gp', j, t)}+{self.at('i_sav', j, t)})",
                                                       risk_ref(j)),
                     years0, risk_benefit(i_gp + i_sav, risk), money)
        cost = (i_one + i_effort + i_run + i_content + i_var) * cr
        self.section("i_cost", "Cost, risk-adjusted = (one-time + effort + running + content + variable) × "
                               "(1 + cost risk)", "ini",
                     lambda j, t: (f"=({self.at('i_one', j, t)}+{self.at('i_effort', j, t)}+{self.at('i_run', j, t)}+"
                                   f"{self.at('i_content', j, t)}+{self.at('i_var', j, t)})*(1+CostRisk)"),
                     years0, cost, money)
        for name, src, label, vals in (("i_rev_adj", "i_rev", "Revenue", i_rev),
                                       ("i_rev_mid_adj", "i_rev_mid", "Revenue after overlap", i_rev_mid),
                                       ("i_rev_solo_adj", "i_rev_solo", "Standalone revenue", i_rev_solo)):
            self.section(name, f"{label}, risk-adjusted (× (1 ∓ benefit risk))", "ini",
                         lambda j, t, src=src: risk_benefit_formula(self.at(src, j, t), risk_ref(j)), years0,
                         risk_benefit(vals, risk), money)
        self.section("i_term_adj", "Value beyond the horizon, risk-adjusted", "ini",
                     lambda j, t: risk_benefit_formula(self.at("i_term", j, t), risk_ref(j)) if t == T else None,
                     years0, risk_benefit(i_term, risk), money)
        self.section("i_var_adj", "Variable campaign cost, risk-adjusted", "ini",
                     lambda j, t: f"={self.at('i_var', j, t)}*(1+CostRisk)", years0, i_var * cr, money)
        net = self.v["i_benefit"] - cost
        self.section("i_net", "Net cash flow = benefit − cost", "ini",
                     lambda j, t: f"={self.at('i_benefit', j, t)}-{self.at('i_cost', j, t)}", years0, net, money)
        cum = np.cumsum(net, axis=1)
        self.section("i_cum", "Cumulative net cash flow", "ini",
                     lambda j, t: (f"={self.at('i_net', j, t)}" if t == 0
                                   else f"={self.at('i_cum', j, t - 1)}+{self.at('i_net', j, t)}"), years0, cum, money)
        self.section("i_cross", "Payback crossing: months when the cumulative flow turns ≥ 0 within the year",
                     "ini", lambda j, t: crossing_formula(self.at("i_cum", j, t - 1), self.at("i_cum", j, t),
                                                          self.at("i_net", j, t), f"{self.y(t - 1)}${self.year_row}"),
                     years1, crossings(cum, net), DECIMAL)
        ws.widths({1: 5, 2: 30, 3: 24, 4: 16, 5: 7, 6: 7, **{CALC_YEAR0 + t: 15 for t in range(T + 1)}})
        ws.setup((7, CALC_YEAR0 - 1))


__all__ = ["Calc", "crossing_formula", "crossings", "payback_formula", "payback_value", "risk_benefit",
           "risk_benefit_formula"]

