"""Scenarios: save the case to the library, see every version with who, when, why and what changed,
open, restore, link, rename, branch, delete — and never overwrite a colleague's save."""

from __future__ import annotations

import streamlit as st

from roi.store import StoreError
from ui import library, md, state
from ui import scenario_actions as act

st.title("Scenarios")
st.caption("Save the case you are working on, find it again later, see every change with who made it and why, "
           "and open, restore or share any saved version.")

try:
    store = library.store()
except StoreError as exc:
    st.error("**The scenario library is not available.** Everything else in the app still works.\n\n"
             + md.bullets(library.problems_of(exc)))
    st.stop()

act.flash()
scenario = state.get_scenario()

# --------------------------------------------------------------------------- who
identity = library.login_identity()
if identity:
    st.markdown(f"Signed in as **{md.escape(identity)}**: your saves are recorded under this name.")
    st.button("Sign out", on_click=st.logout, key="lib_logout")
elif library.login_configured():
    st.markdown("Sign in so the change log records who saved each version.")
    st.button("Sign in", on_click=st.login, key="lib_login", type="primary")
else:
    library.kept_text_input("Your name", library.AUTHOR_KEY, max_chars=100, placeholder="e.g. Ada Lovelace",
                  help="Recorded with every version you save, so the change log says who changed what. "
                  "Asked once per browser session.")

# --------------------------------------------------------------------------- save
st.subheader("Save the current scenario")
if state.is_stale():
    st.warning("Some inputs are invalid: saving stores the **last valid** scenario, not the invalid edits.")
opened = library.opened()
conflict = act.conflict()
if conflict is not None:
    act.conflict_panel(store, conflict)
elif opened is not None:
    act.save_version_form(store, opened, scenario)
else:
    act.save_new_form(scenario)

# --------------------------------------------------------------------------- library
st.subheader("Library")
search = st.text_input("Search by name", key="lib_search", placeholder="Type part of a name")
try:
    items = store.list(search)
except StoreError as exc:
    st.error("**The library could not be listed.**\n\n" + md.bullets(library.problems_of(exc)))
    items = []
if not items:
    st.info("No saved scenario matches." if search.strip() else
            "No saved scenarios yet: save the current one above.")
else:
    by_id = {i.id: i for i in items}
    if st.session_state.get("lib_pick") not in by_id:
        st.session_state["lib_pick"] = opened.scenario_id if opened and opened.scenario_id in by_id else items[0].id
    pick = st.selectbox("Scenario", list(by_id), key="lib_pick", format_func=lambda k: by_id[k].name)
    st.caption(act.scenario_label(by_id[pick]))
    act.scenario_panel(store, by_id[pick], scenario)

act.deleted_panel(store)
