"""S3 Hub Atlas dashboard: `streamlit run dashboard/app.py` (or `make run`). Reads the warehouse marts only."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import data, layout  # noqa: E402

st.set_page_config(page_title="S3 Hub Atlas", page_icon="🗺️", layout="wide",
                   initial_sidebar_state="collapsed" if layout.is_presenting() else "expanded")

presenting = layout.is_presenting()
PAGES = [
    st.Page("views/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("views/profile.py", title="Region profile", icon=":material/location_on:"),
    st.Page("views/gaps.py", title="Gap tables", icon=":material/table_view:"),
    st.Page("views/compare.py", title="Compare regions", icon=":material/compare_arrows:"),
    st.Page("views/whatif.py", title="What-if", icon=":material/science:"),
    st.Page("views/change.py", title="Change over time", icon=":material/history:"),
    st.Page("views/policy.py", title="Policy questions", icon=":material/policy:"),
    st.Page("views/data_method.py", title="Data & method", icon=":material/menu_book:"),
    st.Page("views/story.py", title="Presentation", icon=":material/slideshow:"),
]
page = st.navigation(PAGES, position="hidden" if presenting else "sidebar")
st.session_state["_page"] = page.url_path or "map"
try:
    layout.pending_jump()  # a region chosen in the search box opens now, before any page work
    layout.apply_presentation_style()
    if presenting:  # any page can be presented: large type, no sidebar, the jump box and Exit on top
        layout.presentation_bar()
    else:
        search_slot = st.sidebar.container()  # on top of the sidebar, filled after the page (the map paints first)
    page.run()
    if not presenting:
        layout.search_box(search_slot)
except data.WarehouseMissing as exc:
    st.error(str(exc), icon=":material/database:")
# after the page, so that the page's own elements (the map first) reach the browser first
if not presenting and st.sidebar.button("Present this page", icon=":material/slideshow:", key="enter_present",
                                        help="Large type for a projector, no sidebar; Exit comes back here"):
    st.query_params["present"] = "1"
    st.rerun()
if os.environ.get("ATLAS_TIMING"):  # benchmarks/bench_dashboard.py reads these lines (server-side run time)
    print(f"[atlas-timing] {page.url_path or 'map'} {1000 * (time.perf_counter() - STARTED):.1f} ms",
          file=sys.stderr, flush=True)
