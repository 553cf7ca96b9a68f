"""Risk & sensitivity: the range around the number, the odds of losing money, the assumptions that
decide the case, and what each month of waiting costs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import uncertainty as unc
from roi.budget import MEMORY_BUDGET_BYTES, mib
from roi.uncertainty import charts
from roi.uncertainty.montecarlo import max_draws, varying_drivers
from ui import analyses, exports, inputs, kept, md, state
from ui import format as fmt

# ------------------------------------------------------------------ cached wrappers (UI side only)

def _ranges(fields: tuple[tuple[str, float], ...]) -> unc.Ranges:
    return unc.Ranges(**dict(fields))  # by name: a reordered field never swaps ranges


@st.cache_data(show_spinner=False, max_entries=32)
def _tornado(scenario_json: str, ranges: tuple[tuple[str, float], ...], metric: str) -> unc.Tornado:
    return unc.tornado(state.parsed(scenario_json), _ranges(ranges), metric)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=32)
def _cases(scenario_json: str, ranges: tuple[tuple[str, float], ...]) -> list[dict]:
    return unc.cases(state.parsed(scenario_json), _ranges(ranges)).summary()


@st.cache_data(show_spinner=False, max_entries=32)
def _grid(scenario_json: str, ranges: tuple[tuple[str, float], ...], x: str, y: str) -> unc.Grid:
    return unc.grid(state.parsed(scenario_json), x, y, ranges=_ranges(ranges), n=25)


@st.cache_data(show_spinner=False, max_entries=32)
def _breakeven(scenario_json: str) -> list[unc.Breakeven]:
    return unc.breakeven(state.parsed(scenario_json))


@st.cache_data(show_spinner=False, max_entries=32)
def _delay(scenario_json: str) -> unc.DelayCurve:
    return unc.delay_curve(state.parsed(scenario_json))


# ------------------------------------------------------------------ page

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency
sj = scenario.model_dump_json()
kept.follow_the_case("unc_case", ("unc_draws", "unc_delay_all"))  # their defaults depend on the case

st.title("Risk & sensitivity")
st.caption("Finance rejects business cases for false precision and upside-only thinking. This page shows the "
           "range around the NPV, the odds of losing money, the few assumptions that decide the case — and what "
           "waiting costs. Ranges, tornado and Monte Carlo run on the model **before** the TEI risk adjustment — "
           "the ranges *are* the risk, so the haircut is not stacked under them; the headline (risk-adjusted) NPV "
           "is shown where it sits in the distribution. Breakeven and cost of waiting use the headline NPV. "
           "Programme NPVs in the scenario's currency.")

with st.expander("Ranges used", expanded=False):
    st.markdown("Each initiative's **uplift** uses the low / base / high range stated on the Initiatives page. "
                "The other drivers have one value in the scenario, so this page **assumes** a range for them "
                "(tool defaults, not sourced figures). Change them here, or use stated ranges only.")
    stated_only = st.toggle("Stated ranges only (vary uplifts, nothing else)", persist_state="session", key="unc_stated_only")
    d = unc.Ranges()
    c1, c2, c3, c4 = st.columns(4)
    costs = c1.number_input("Costs ± %", 0, 100, int(d.costs * 100), step=5,
                            persist_state="session", key="unc_r_costs", disabled=stated_only)
    reach = c2.number_input("Reach ± %", 0, 100, int(d.reach * 100), step=5,
                            persist_state="session", key="unc_r_reach", disabled=stated_only)
    conv = c3.number_input("Baseline conversion ± %", 0, 100, int(d.conversion * 100), step=5,
                           persist_state="session", key="unc_r_conv", disabled=stated_only)
    aov = c4.number_input("Order value ± %", 0, 100, int(d.order_value * 100), step=5,
                          persist_state="session", key="unc_r_aov", disabled=stated_only)
    c1, c2, c3, _ = st.columns(4)
    ramp = c1.number_input("Ramp time ± %", 0, 100, int(d.ramp * 100), step=10,
                           persist_state="session", key="unc_r_ramp", disabled=stated_only)
    rate = c2.number_input("Discount rate ± points", 0.0, 20.0, d.discount_rate * 100, step=0.5,
                           persist_state="session", key="unc_r_rate", disabled=stated_only)
    mat = c3.number_input("Maturity scores ± points", 0.0, 4.0, d.maturity, step=0.5,
                          persist_state="session", key="unc_r_maturity",
                          disabled=stated_only, help="Every process maturity score moved together, within 1–5.")
chosen = unc.Ranges.none() if stated_only else unc.Ranges(
    costs=costs / 100, reach=reach / 100, conversion=conv / 100, order_value=aov / 100, ramp=ramp / 100,
    discount_rate=rate / 100, maturity=mat)
ranges = tuple(vars(chosen).items())

# ---- Monte Carlo settings first: the headline needs its answer
with st.sidebar:
    st.markdown("##### Monte Carlo")
    draw_limit = max_draws(len(varying_drivers(scenario, chosen)))  # all draws are kept: a large case fits fewer
    if st.session_state.get("unc_draws", 0) > draw_limit:  # the case grew since: a value above the box's max raises
        st.session_state["unc_draws"] = draw_limit
    draws = int(st.number_input("Draws", 1_000, draw_limit, min(unc.DEFAULT_DRAWS, draw_limit), step=10_000,
                                persist_state="session", key="unc_draws", help=f"At most {draw_limit:,} for this case: the draws of every "
                                f"uncertain driver are kept, within the {mib(MEMORY_BUDGET_BYTES)} a run may use."))
    seed = int(st.number_input("Seed", 0, 2**31 - 1, 1, step=1, persist_state="session", key="unc_seed",
                               help="The same seed gives the same answer."))
    distribution = st.radio("Distribution", unc.DISTRIBUTIONS,
                            persist_state="session", key="unc_distribution", horizontal=True,
                            format_func=lambda s: {"pert": "PERT", "triangular": "Triangular"}[s],
                            help="Over each driver's low / base / high. PERT weights the base case more.")
    inputs.number_field("settings.uplift_correlation", show_source=False)

# The full run in the background: awaited when quick, else its first draws now and the page again
# when it is in (ui.analyses.RiskRun says how and why).
try:
    # (with the comparison at ρ = 0: what shared causes do to the odds; RiskRun.independent)
    run = analyses.RiskRun.begin(scenario, sj, draws, seed, distribution, ranges, compare=True)
    t_npv, delay, _, _ = _tornado(sj, ranges, "npv"), _delay(sj), _cases(sj, ranges), _breakeven(sj)
except ValueError as exc:
    st.error(f"Cannot analyse this scenario: {md.escape(exc)}")
    st.stop()

# The parts that show the Monte Carlo are drawn last, into places kept for them here: the helper
# process computes the draws while this one draws every other part of the page.
notice, answers = st.container(), st.container()

# ---- pessimistic / base / optimistic
st.subheader("Pessimistic, base and optimistic")
rows = _cases(sj, ranges)
cols = st.columns(3)
for col, r in zip(cols, rows):
    col.metric(f"{r['case'].capitalize()} NPV", fmt.money(r["npv"], cur),
               delta=None if r["case"] == "base" else fmt.money(r["npv"] - rows[1]["npv"], cur))
    col.caption(f"ROI {fmt.pct(r['roi'], 0)} · payback {fmt.months(r['payback_months'])}")
st.caption("Every driver at the end of its range that lowers (pessimistic) or raises (optimistic) NPV — all at "
           "once, so these are deliberately extreme. The Monte Carlo below says how likely values in between are.")

# ---- tornado
st.subheader("Which assumption decides the case")
metric = st.radio("Swing of", ["npv", "roi"], format_func=str.upper, horizontal=True, persist_state="session", key="unc_tornado_metric")
t = t_npv if metric == "npv" else _tornado(sj, ranges, "roi")
exports.chart(charts.tornado(t, cur, metric), "Tornado " + metric.upper())
with st.expander("Tornado table"):  # static (md.table): every column shows, where a grid cut the last
    st.table(md.table(pd.DataFrame([
        {"Driver": r.label, "Low": fmt.plain(r.value_low), "Base": fmt.plain(r.value_base),
         "High": fmt.plain(r.value_high),
         f"NPV at low ({cur})": fmt.money(r.npv_low, cur, compact=False),
         f"NPV at high ({cur})": fmt.money(r.npv_high, cur, compact=False),
         f"Swing ({cur})": fmt.money(r.swing, cur, compact=False), "ROI swing": fmt.pct(r.roi_swing)}
        for r in t.rows])), hide_index=True)

# ---- two-way grid
st.subheader("Two assumptions at once")
options = unc.grid_drivers(scenario, chosen)
labels = {dr.key: dr.label for dr in options}
keys = list(labels)
gx, gy = st.columns(2)
x_key = gx.selectbox("Across", keys, index=keys.index("uplift_scale"), format_func=labels.get,
                     persist_state="session", key="unc_grid_x")
y_key = gy.selectbox("Up", keys, index=keys.index("costs"), format_func=labels.get, persist_state="session", key="unc_grid_y")
if x_key == y_key:
    st.info("Pick two different drivers.")
else:
    g = _grid(sj, ranges, x_key, y_key)
    exports.chart(charts.heatmap(g, cur), "NPV over two drivers")
    if not len(g.zero_contour()):
        st.caption("NPV does not change sign on this grid: " + ("it stays positive." if g.npv.min() >= 0 else "it stays negative."))

# ---- Monte Carlo (drawn once its draws are in: see the end of the page)
monte_carlo = st.container()

# ---- breakeven
st.subheader("Breakeven")
be = _breakeven(sj)
st.table(md.table(pd.DataFrame(unc.breakeven_table(be, cur))), hide_index=True)  # static: the phrases wrap
st.caption("Uplift (and cost) at which NPV = 0, others at base. Initiatives exclude the shared programme costs; the "
           "programme row scales every initiative's uplift together (100% of base = as stated) and includes them. "
           "“Needs +X%” means the base case is below breakeven: the uplift must be X% higher to reach NPV = 0.")

# ---- cost of delay
st.subheader("What waiting costs")
show_all = st.toggle("Show every initiative", value=len(delay.names) <= 8, persist_state="session", key="unc_delay_all")
exports.chart(charts.delay(delay, cur, initiatives=show_all), "Cost of delay")
st.dataframe(pd.DataFrame([{"Initiative": n, f"NPV forgone per month ({cur})": fmt.money(v, cur, compact=False)}
                           for n, v in sorted(delay.cost_per_month.items(), key=lambda kv: -kv[1])]),
             hide_index=True, width="stretch")
st.caption("Delaying moves every launch later with the horizon fixed; one-time and shared programme costs stay "
           "where they are, so a month of delay is a month of run-rate benefit lost. Per initiative: a positive "
           "figure is NPV lost per month of delay; a negative one means delay raises that initiative's NPV (its "
           "running costs, which also start later, exceed the benefit it would earn in that month). "
           "Leaders don't wait for laggards.")

# ---- the Monte Carlo's parts, now that its draws are in
try:
    sim, refining = run.result()
except ValueError as exc:
    answers.error(f"Cannot analyse this scenario: {md.escape(exc)}")
    st.stop()

if refining:
    with notice:
        @st.fragment(run_every=0.5)
        def _wait_for_the_full_run() -> None:
            st.info(f"Showing the first {sim.draws:,} of {draws:,} draws while the rest run — the same draws, "
                    "fewer of them; the page updates itself when all are done.", icon=":material/hourglass_top:")
            if analyses.finished(sj, draws, seed, distribution, ranges):
                st.rerun()

        _wait_for_the_full_run()

# ---- Monte Carlo
with monte_carlo:
    st.subheader("How likely are we to lose money")
    s = sim.summary()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("P10 NPV", fmt.money(s["npv_p10"], cur), help="10% of draws are lower.")
    m2.metric("P50 NPV (median)", fmt.money(s["npv_p50"], cur))
    m3.metric("P90 NPV", fmt.money(s["npv_p90"], cur), help="10% of draws are higher.")
    m4.metric("Pays back within the horizon", fmt.pct(s["prob_payback_within_horizon"]))
    st.markdown(f"The headline, risk-adjusted NPV **{fmt.money(sim.risk_adjusted_npv, cur)}** sits at "
                f"**P{sim.risk_adjusted_npv_percentile:.0f}** of this distribution: the TEI haircut is already a "
                f"pessimistic reading of these ranges, so it is not applied to the draws again.")
    exports.chart(charts.histogram(sim, cur), "NPV distribution")
    left, right = st.columns(2)
    with left:
        exports.chart(charts.contributions(sim), "Variance shares", narrow=True)
    with right:
        st.dataframe(pd.DataFrame({
            "": ["NPV", "ROI", "Payback"],
            "P10": [fmt.money(s["npv_p10"], cur), fmt.pct(s["roi_p10"], 0), fmt.months(s["payback_months_p10"])],
            "P50": [fmt.money(s["npv_p50"], cur), fmt.pct(s["roi_p50"], 0), fmt.months(s["payback_months_p50"])],
            "P90": [fmt.money(s["npv_p90"], cur), fmt.pct(s["roi_p90"], 0), fmt.months(s["payback_months_p90"])],
        }), hide_index=True, width="stretch")
        st.caption(f"{sim.draws:,} draws, seed {sim.seed}, {sim.distribution.upper() if sim.distribution == 'pert' else 'triangular'} "
                   f"distributions; uplifts correlated ρ = {sim.correlation:g} through a common factor, other drivers "
                   "independent; before risk adjustment (the ranges are the risk); the discount rate stays as set (a "
                   "choice, not an uncertainty). Payback percentiles count \"not within the horizon\" as the longest. "
                   "Variance shares: squared standardised regression coefficients. Same numbers as "
                   f"`python -m roi simulate FILE --draws {sim.draws} --seed {sim.seed} --distribution {sim.distribution} "
                   f"--correlation {sim.correlation:g}`.")

# The ρ = 0 comparison, queued behind the full run, came in while the section above was drawn.
independent = run.independent(sim, refining)

# ---- the three answers
DELAY_HELP = ("Programme NPV lost when every launch moves one month later. The horizon stays fixed, so each "
              "month of delay is a month of run-rate benefit that never comes back, while one-time and shared "
              "programme costs stay where they are — waiting costs money even when the NPV is negative.")
with answers:
    top = t_npv.rows[0] if t_npv.rows and t_npv.rows[0].swing > 0 else None
    a, b, c = st.columns([1, 2, 1])
    a.metric("Chance of losing money", fmt.pct(sim.prob_npv_negative),
             help=f"Share of Monte Carlo draws with NPV < 0, uplifts correlated ρ = {sim.correlation:g}.")
    if independent is not None and sim.correlation > 0:
        a.caption(f"{fmt.pct(independent.prob_npv_negative)} if the uplifts were independent (ρ = 0, "
                  f"{independent.draws:,} draws): shared causes — one team, one data set, one platform — make them fail "
                  "together.")
    with b:  # a driver's name is too long for a metric figure: a wrapping label of the same weight
        st.markdown("Assumption that decides most", help="Largest NPV swing in the tornado below.")
        st.markdown(f"#### {md.escape(top.label) if top else fmt.DASH}")
        if top:
            st.caption(f"NPV moves by {fmt.money(top.swing, cur)} across its range.")
    c.metric("Each month of waiting costs", fmt.money(delay.programme_cost_per_month, cur), help=DELAY_HELP)
    if case.npv < 0 and delay.programme_cost_per_month > 0:
        c.caption("Benefit lost within the fixed horizon; the costs do not move, so delay deepens the loss.")
