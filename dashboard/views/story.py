"""Presentation: a story of saved views (dashboard/stories/*.json) stepped through with next / previous, in large
type without the sidebar (?present=1). Each step names a metric, level, period and optionally a region or country;
every figure shown is read live from the warehouse."""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from dashboard import data, layout
from dashboard.map_figure import PLOTLY_CONFIG, europe_map
from dashboard.metrics import METRICS

STORIES = Path(__file__).resolve().parent.parent / "stories"


@st.cache_data(show_spinner=False)
def load_stories() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(STORIES.glob("*.json"))}


stories = load_stories()
story_id = st.query_params.get("story") if st.query_params.get("story") in stories else next(iter(stories))
story = stories[story_id]
steps = story["steps"]
try:
    step_no = min(max(int(st.query_params.get("step", 1)), 1), len(steps))
except ValueError:
    step_no = 1
st.query_params.update({"story": story_id, "step": str(step_no)})
if not layout.is_presenting() and st.button("Start presentation (large type, no sidebar)", key="start_present",
                                           type="primary", icon=":material/slideshow:"):
    st.query_params["present"] = "1"
    st.rerun()


def go_to(number: int) -> None:
    st.query_params["step"] = str(number)


step = steps[step_no - 1]
nav = st.columns([2, 7, 2, 1.4])
nav[0].button("◀ Previous", key="prev", disabled=step_no == 1, on_click=go_to, args=(step_no - 1,), width="stretch")
nav[1].markdown(f"**{story['title']}** — step {step_no} of {len(steps)}")
nav[2].button("Next ▶", key="next", disabled=step_no == len(steps), on_click=go_to, args=(step_no + 1,),
              type="primary", width="stretch")
if layout.is_presenting():
    nav[3].button("Exit", key="exit_present", on_click=lambda: st.query_params.pop("present", None), width="stretch")

st.header(step["title"])
st.markdown(step.get("text", ""))
periods = data.periods()
period = step.get("period") if step.get("period") in periods else periods[-1]
metric = METRICS[step.get("metric", "alignment")]
level = int(step.get("level", 2))
country = step.get("country")
figure = europe_map(level, period, metric.key, country=country, show_hubs=bool(step.get("hubs")), height=700,
                    selected=step.get("region"), colorscale="Viridis", font_size=18)  # colour-blind safe, no grey
values = data.map_values(level, period, metric.key, country=country)
st.plotly_chart(figure, key=f"story_map_{step_no}", config=PLOTLY_CONFIG)

ranked = values.dropna(subset=["value"]).sort_values("value", ascending=False)
if len(ranked):
    cols = st.columns(2)
    for col, (title, part) in zip(cols, [("Highest", ranked.head(5)), ("Lowest", ranked.tail(5).iloc[::-1])]):
        col.subheader(f"{title}: {metric.label.lower()}")
        col.markdown("\n".join(f"1. **{r.name}** ({r.nuts_code}) — {metric.format(r.value)}" for r in part.itertuples()))
