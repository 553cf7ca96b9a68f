"""Compare: 2–4 saved scenarios or versions (and the one being edited) side by side — headline
figures with deltas, per-initiative differences, overlaid cash flow and matrix, differing inputs."""

from __future__ import annotations

import streamlit as st

from roi import compare
from roi.compare import charts
from roi.store import StoreError
from ui import compare_tables as tables
from ui import exports, library, md, state

CURRENT = "__current__"  # the session's scenario, beside saved versions

st.title("Compare scenarios")
st.caption("Put 2 to 4 cases side by side — say the conservative case, the vendor's, and last month's "
           "version. The first one is the baseline: every Δ column is that scenario minus the first.")

try:
    store = library.store()
    saved = store.list()
except StoreError as exc:
    st.error("**The scenario library is not available**, so only the current scenario could be shown.\n\n"
             + md.bullets(library.problems_of(exc)))
    st.stop()

by_id = {i.id: i for i in saved}
include_current = st.toggle("Include the scenario I am working on", value=True, key="cmp_current")
picked = st.multiselect("Saved scenarios", list(by_id), key="cmp_pick", max_selections=compare.MAX_ITEMS,
                        format_func=lambda k: by_id[k].name, placeholder="Choose saved scenarios",
                        help="Pick a scenario more than once? Choose it once here and compare its versions "
                        "with the extra version pickers below.")
if not saved:
    st.info("No saved scenarios yet: save some on the **Scenarios** page, then compare them here.")
    st.stop()  # nothing to choose: one message, not a second one asking to choose

choices: list[tuple[str, int | None]] = [(CURRENT, None)] if include_current else []
if picked:
    cols = st.columns(len(picked))
    for col, sid in zip(cols, picked):
        info = by_id[sid]
        versions = list(range(info.latest_version, 0, -1))
        v = col.selectbox(f"Version of {md.escape(info.name)}", versions, key=f"cmp_v_{sid}",
                          format_func=lambda n, latest=info.latest_version: f"v{n}" + (" (latest)" if n == latest else ""))
        choices.append((sid, int(v)))
    extra = st.multiselect("Also compare other versions of", picked, key="cmp_extra",
                           format_func=lambda k: by_id[k].name)
    for sid in extra:
        info = by_id[sid]
        if info.latest_version > 1:
            v = st.selectbox(f"Another version of {md.escape(info.name)}", list(range(info.latest_version - 1, 0, -1)),
                             key=f"cmp_v2_{sid}", format_func=lambda n: f"v{n}")
            choices.append((sid, int(v)))

try:
    compare.check_count(len(choices))
except ValueError as exc:
    why = str(exc).partition(": ")[2]
    st.info(f"{md.escape(why[:1].upper() + why[1:])}. Choose saved scenarios above"
            + (", or include the one you are working on." if not include_current else "."))
    st.stop()

items, legend = [], []
for sid, v in choices:
    if sid == CURRENT:
        name, scenario, where = state.get_scenario().settings.name, state.get_scenario(), "the scenario you are working on"
    else:
        try:
            opened = store.load(sid, v)
        except StoreError as exc:
            st.error(f"**{md.escape(by_id[sid].name)} version {v} cannot be compared.**\n\n"
                     + md.bullets(library.problems_of(exc)))
            continue
        name, scenario, where = opened.info.name, opened.scenario, f"saved version {v}"
    # short column labels (a letter, the name cut, the version); the full names are listed above
    label = tables.short_label(len(items), "Current" if sid == CURRENT else name, v)
    items.append((label, scenario))
    legend.append(f"- **{md.escape(label)}** — {md.escape(name)} ({where})")
try:
    entries = compare.entries(items)
except ValueError:
    st.stop()  # an unreadable version took the count below two: its error is shown above
st.markdown("\n".join(legend))

if len({e.currency for e in entries}) > 1:
    st.warning("These scenarios use different currencies: money deltas are left out (—).")

st.subheader("Headline figures")
st.table(md.table(tables.metric_frame(compare.headline_rows(entries), entries, "Figure").set_index("Figure")))

st.subheader("By initiative")
metrics = {k: label for k, label, _ in compare.INITIATIVE_METRICS}
metric = st.segmented_control("Figure", list(metrics), format_func=metrics.get, default="npv", key="cmp_metric")
frame = tables.metric_frame(compare.initiative_rows(entries, metric or "npv"), entries, "Initiative")
st.table(md.table(frame.set_index("Initiative")))
st.caption("— where a scenario does not have the initiative.")

for chart, name in ((charts.cash_flows(entries), "compare_cash_flow"), (charts.matrix(entries), "compare_matrix")):
    st.altair_chart(chart, width="stretch")
    exports.chart_download_buttons(chart, name)

st.subheader("Inputs that differ")
differences = compare.differing_inputs([e.scenario for e in entries])
if differences:
    st.table(md.table(tables.inputs_frame(differences, entries).set_index("Item")))
else:
    st.success("The inputs are the same in every scenario compared.")
