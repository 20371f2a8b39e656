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
STORY = PAGES[-1]
page = st.navigation(PAGES, position="hidden" if presenting else "sidebar")
if presenting and page.url_path != STORY.url_path:  # presentation mode is the story, whatever page it starts on
    st.switch_page(STORY, query_params={k: v for k, v in st.query_params.items() if k in ("present", "story", "step")})
layout.apply_presentation_style()
try:
    page.run()
except data.WarehouseMissing as exc:
    st.error(str(exc))
# after the page, so that the page's own elements (the map first) reach the browser first
if not presenting and st.sidebar.button("Presentation mode", help="Large type, no sidebar, a story of saved views",
                                        icon=":material/slideshow:", key="enter_present"):
    st.switch_page(STORY, query_params={"present": "1"})
if os.environ.get("ATLAS_TIMING"):  # benchmarks/bench_dashboard.py reads these lines (server-side run time)
    print(f"[atlas-timing] {page.url_path or 'map'} {1000 * (time.perf_counter() - STARTED):.1f} ms",
          file=sys.stderr, flush=True)
