"""Audience data: import the client's orders, review the derived baselines, apply them to the audience."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from roi.baselines import BaselineError, CustomersMapping, OrdersMapping, VisitsMapping, suggest
from roi.baselines.apply import NEW, SKIP, apply_baselines, default_assignment
from roi.baselines.files import ACCEPTED, max_upload_bytes
from roi.baselines.mapping import LABELS
from roi.io import ScenarioError
from ui import baselines_import as bi
from ui import md, state

RFM = "RFM segments (recency, frequency, monetary)"
ONE = "One segment (all customers)"
NONE = "— none —"

scenario = state.get_scenario()
cur = scenario.settings.currency
ss = st.session_state

st.title("Audience data")
st.caption("Turn the client's own order export into the audience baselines — customers, order value, "
           "frequency, retention and (with visits) conversion per segment — for a 12-month period. "
           "DuckDB reads the file on this machine; nothing changes in the scenario until you apply. "
           f"Uploads up to {max_upload_bytes() / 1e6:,.0f} MB; for larger exports run "
           "`python -m roi baselines` on the file or inside the warehouse (see the README).")

# ------------------------------------------------------------------ 1. files
st.subheader("1. Files")
c1, c2 = st.columns([3, 2])
limit_mb = max(1, int(max_upload_bytes() // 1_000_000))
up_orders = c1.file_uploader("Orders export (CSV, CSV.GZ, Parquet or XLSX)", type=list(ACCEPTED), key="bl_orders",
                             max_upload_size=limit_mb,
                             help="One row per order: customer id, order id, order date (YYYY-MM-DD) and value; "
                             "optionally a segment and identified/consent flags.")
with c2:
    st.markdown("**No export at hand?**")
    if st.button("Use the sample orders", key="bl_use_sample",
                 help="data/sample_orders.csv.gz (100,000 synthetic orders, about 1% deliberately bad) "
                 "with data/sample_visits.csv.gz."):
        ss["bl_sample"] = True
    if ss.get("bl_sample"):
        st.caption("Using the sample orders and visits. Upload a file to use your own.")
with st.expander("Optional: a visits/sessions file and a customers file"):
    up_visits = st.file_uploader("Visits or sessions (adds conversion = orders ÷ visits)", type=list(ACCEPTED),
                                 key="bl_visits", max_upload_size=limit_mb,
                                 help="One row per visit, or per customer and period with a visit count.")
    up_customers = st.file_uploader("Customers (segment and flags per customer)", type=list(ACCEPTED),
                                    key="bl_customers", max_upload_size=limit_mb,
                                    help="One row per customer; its segment and flags override those on the orders.")


def _stored(uploaded, what: str) -> bi.StoredFile | None:
    if uploaded is None:
        return None
    problem = bi.upload_problem(uploaded)
    if problem:
        st.error(f"**The {what} file was not read** — {md.escape(problem)}")
        return None
    return bi.store_upload(uploaded)


orders = _stored(up_orders, "orders")
visits = _stored(up_visits, "visits")
customers = _stored(up_customers, "customers")
if up_orders is not None:
    ss["bl_sample"] = False
elif ss.get("bl_sample"):
    orders = bi.StoredFile(str(bi.SAMPLE_ORDERS), bi.SAMPLE_ORDERS.name)
    visits = visits or bi.StoredFile(str(bi.SAMPLE_VISITS), bi.SAMPLE_VISITS.name)
if orders is None:
    st.info("Upload an orders export, or use the sample, to map its columns.")
    st.stop()


def _columns(f: bi.StoredFile, where: str) -> list[str] | None:
    try:
        return bi.columns_of(f.path, f.name, where)
    except BaselineError as exc:
        st.error(f"**{md.escape(f.name)} cannot be used** — the scenario is unchanged.\n\n" + md.bullets(exc.problems))
        return None


cols = _columns(orders, "orders")
if cols is None:
    st.stop()

# ------------------------------------------------------------------ 2. mapping
st.subheader("2. Map the columns")
st.caption(f"{md.escape(orders.name)}: {len(cols)} columns. Choose which holds what; the guesses come from the "
           "column names. Without a segment column the buyers are grouped into RFM segments.")
guess = suggest(cols)
tag = Path(orders.path).stem[:12]


def _pick(field: str, options: list[str], default: str | None, where, key_tag: str = tag, help: str = "") -> str:
    index = options.index(default) if default in options else 0
    return where.selectbox(LABELS.get(field, field), options, index=index, key=f"bl_map_{field}_{key_tag}",
                           help=help or None)


m = st.columns(4)
req = {f: _pick(f, cols, guess[f], m[k]) for k, f in enumerate(("customer_id", "order_id", "order_date",
                                                                 "order_value"))}
o = st.columns(4)
seg_choice = _pick("segment", [RFM, ONE] + cols, guess["segment"] or RFM, o[0],
                   help="A column of segment names (customer type, loyalty tier, region …), RFM groups, or one "
                   "segment for everyone. A customer's segment is the one on their latest order in the period.")
flags = {f: _pick(f, [NONE] + cols, guess[f] or NONE, o[k + 1],
                  help="yes/no, true/false or 1/0 per row; other values count as no.")
         for k, f in enumerate(("identified", "consent"))}
period_end = o[3].date_input("Period ends on", value=None, key=f"bl_period_end_{tag}", format="YYYY-MM-DD",
                             help="Last day of the 12-month analysis period. Empty: the last order date.")
mapping = OrdersMapping(**req, segment=None if seg_choice in (RFM, ONE) else seg_choice,
                        identified=None if flags["identified"] == NONE else flags["identified"],
                        consent=None if flags["consent"] == NONE else flags["consent"])
segmentation = "one" if seg_choice == ONE else "auto"

visits_mapping = customers_mapping = None
if visits is not None:
    vcols = _columns(visits, "visits")
    if vcols:
        vg = suggest(vcols, VisitsMapping)
        vt = Path(visits.path).stem[:12]
        st.markdown(f"**Visits file** {md.code(visits.name)}")
        v = st.columns(4)
        visits_mapping = VisitsMapping(
            _pick("customer_id", vcols, vg["customer_id"], v[0], vt),
            _pick("visit_date", vcols, vg["visit_date"], v[1], vt),
            (lambda c: None if c == NONE else c)(_pick("visits", [NONE] + vcols, vg["visits"] or NONE, v[2], vt,
                                                       help="A visit count per row; none: each row is one visit.")))
if customers is not None:
    ccols = _columns(customers, "customers")
    if ccols:
        cg = suggest(ccols, CustomersMapping)
        ct = Path(customers.path).stem[:12]
        st.markdown(f"**Customers file** {md.code(customers.name)}")
        c = st.columns(4)
        picked = [_pick(f, [NONE] + ccols if f != "customer_id" else ccols, cg[f] or NONE, c[k], "c" + ct)
                  for k, f in enumerate(("customer_id", "segment", "identified", "consent"))]
        customers_mapping = CustomersMapping(picked[0], *[None if p == NONE else p for p in picked[1:]])

if st.button("Compute baselines", type="primary", key="bl_compute"):
    try:
        with st.spinner("Reading the orders with DuckDB …"):
            result = bi.compute(orders, mapping, period_end, segmentation, visits if visits_mapping else None,
                                visits_mapping, customers if customers_mapping else None, customers_mapping)
        ss["bl_result"], ss["bl_error"] = result, None
    except BaselineError as exc:
        ss["bl_result"], ss["bl_error"] = None, exc.problems

if ss.get("bl_error"):
    st.error("**No baselines** — fix the mapping or the file; the scenario is unchanged.\n\n"
             + md.bullets(ss["bl_error"]))
result = ss.get("bl_result")
if result is None:
    st.stop()

# ------------------------------------------------------------------ 3. review
st.subheader("3. Review the baselines")
k = st.columns(4)
k[0].metric("Order rows read", f"{result.rows_read:,}")
k[1].metric("Orders in the period", f"{result.rows_used:,}")
k[2].metric("Rows excluded", f"{result.rows_excluded:,}",
            help="Rows with a data problem, each listed below with its count and examples.")
k[3].metric("12 months ending", f"{result.period.end:%d %b %Y}",  # short: fits a quarter of 1280 px
            help=f"The period {result.period.label()}; retention compares with {result.period.previous_start} – "
            f"{result.period.previous_end}.")
st.caption(f"{md.escape(result.source)} ({result.engine}): {result.rows_previous:,} orders of the 12 months before "
           f"the period are used for retention only; {result.rows_outside:,} are outside both periods.")
for e in result.exclusions:
    st.warning(md.escape(e.message), icon=":material/filter_alt_off:")
for note in result.notes:
    st.info(md.escape(note), icon=":material/info:")
value, reach = bi.baselines_tables(result, cur)
st.dataframe(value, hide_index=True, width="stretch")
st.dataframe(reach, hide_index=True, width="stretch")
st.caption("Orders per customer and revenue are per year (the period is 12 months). Retention = the previous "
           "12 months' buyers who bought again ÷ those buyers. CLV (lifetime revenue) = revenue per customer ÷ "
           "(1 − retention), undiscounted.")

# ------------------------------------------------------------------ 4. apply
st.subheader("4. Apply to the audience")
existing = [s.name for s in scenario.segments]
defaults = default_assignment(result, scenario)
options = existing + [NEW, SKIP]
akey = f"bl_assign_{hash((result.source, result.period, tuple(s.name for s in result.segments), tuple(existing)))}"
st.caption("Choose where each derived segment goes: a segment of the scenario (several may go to one; their "
           "figures are pooled), a new segment, or skip. Gross margin is not in orders and is kept. Without a "
           "visits file the scenario's conversion is kept and visits per customer set so visits × conversion = "
           "the orders per customer in the data.")
table = st.data_editor(
    bi.pd.DataFrame({"Derived segment": [s.name for s in result.segments],
                     "Apply to": [defaults[s.name] for s in result.segments]}),
    key=akey, hide_index=True, width="stretch", disabled=["Derived segment"],
    column_config={"Apply to": st.column_config.SelectboxColumn("Apply to", options=options, required=True)},
)
assignment = dict(zip(table["Derived segment"], table["Apply to"]))
try:
    applied = apply_baselines(scenario, result, assignment)
except ScenarioError as exc:
    st.error("**These baselines cannot be applied** — the scenario is unchanged.\n\n" + md.bullets(exc.problems))
    st.stop()
reviews = bi.review_tables(applied.rows)
st.caption("Before → after, segment by segment (● = changed). Nothing changes until you apply.")
for tab, (seg, frame) in zip(st.tabs([md.escape(n) for n in reviews] or ["—"]), reviews.items()):
    tab.dataframe(frame, hide_index=True, width="stretch",
                  column_config={"Field": st.column_config.TextColumn(width="medium"),
                                 "How": st.column_config.TextColumn(width="large")})
for note in applied.notes:
    st.caption(md.escape(note))
if st.button("Apply to the scenario", type="primary", key="bl_apply", disabled=not applied.rows):
    state.set_scenario(applied.scenario, note=f"Audience baselines applied from {md.escape(result.source)}.")
    state.forget_sample()
    ss["bl_applied"] = result.source
    st.rerun()
if ss.get("bl_applied"):
    st.success(f"Applied from {md.escape(ss['bl_applied'])}. The Audience page shows the new figures and their "
               "source; every result now uses them.")
    st.page_link("pages/audience.py", label="Open the Audience page", icon=":material/groups:")
