"""Presentation: a story of saved views (dashboard/stories/*.json) stepped through with Previous / Next, the arrow
keys, Page Up / Page Down or space (what presentation clickers send), in large type without the sidebar
(?present=1). Each step names a metric, level, period and optionally a region or country; a region can be chosen
live (jump box or a click on the map, kept in the URL as `region`); every figure is read live from the warehouse."""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from dashboard import data, layout
from dashboard.map_figure import PLOTLY_CONFIG, europe_map
from dashboard.metrics import METRICS, is_missing

STORIES = Path(__file__).resolve().parent.parent / "stories"


@st.cache_data(show_spinner=False)
def load_stories() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(STORIES.glob("*.json"))}


stories = load_stories()
story_id = st.query_params.get("story") if st.query_params.get("story") in stories else next(iter(stories))
story = stories[story_id]
steps = story["steps"]
raw_step = st.query_params.get("step", "1")
try:
    step_no = min(max(int(raw_step), 1), len(steps))
except ValueError:
    step_no = 1
    st.warning(f"“{raw_step}” is not a step number: showing step 1 of {len(steps)}.")
for name, value in (("story", story_id), ("step", str(step_no))):  # correct a bad value; absent stays implicit
    if st.query_params.get(name) not in (None, value):
        st.query_params[name] = value
presenting = layout.is_presenting()
if not presenting and st.button("Start presentation (large type, no sidebar)", key="start_present",
                                type="primary", icon=":material/slideshow:"):
    st.query_params["present"] = "1"
    st.rerun()


def go_to(number: int) -> None:
    st.query_params["step"] = str(number)
    st.query_params.pop("region", None)  # a region chosen live belongs to the step it was chosen on


step = steps[step_no - 1]
layout.keyboard_steps()
nav = st.columns([1.3, 6, 1.3], vertical_alignment="center")
nav[0].button("◀ Previous", key="prev", disabled=step_no == 1, on_click=go_to, args=(step_no - 1,), width="stretch")
nav[1].markdown(f"**{story['title']}** — step {step_no} of {len(steps)}",
                help="Arrow keys, Page Up / Page Down and space move between steps")
nav[2].button("Next ▶", key="next", disabled=step_no == len(steps), on_click=go_to, args=(step_no + 1,),
              type="primary", width="stretch")

periods = data.periods()
period = step.get("period") if step.get("period") in periods else periods[-1]
metric = METRICS[data.metric_key(step.get("metric", "alignment"))]
level = int(step.get("level", 2))
country = step.get("country")
chosen, _ = data.resolve_region(st.query_params.get("region"))
selected = chosen or step.get("region")
left, right = st.columns([1.7, 1]) if presenting else (st.container(), st.container())
figure = europe_map(level, period, metric.key, country=country, show_hubs=bool(step.get("hubs")),
                    height=900 if presenting else 700, selected=selected, font_size=24 if presenting else 16)
event = left.plotly_chart(figure, key=f"story_map_{step_no}", config=PLOTLY_CONFIG, on_select="rerun",
                          selection_mode="points", width="stretch")
points = event.selection.points if event and event.selection else []
clicked = next((str(p["location"]).split("|")[0] for p in points if p.get("location")), None)
if clicked and clicked != st.query_params.get("region") and data.region(clicked):
    st.query_params["region"] = clicked  # map clicks work live: the region is outlined and its figures shown
    st.rerun()

if presenting:
    right.subheader(step["title"])
else:
    right.header(step["title"])
right.markdown(step.get("text", ""))
values = data.map_values(level, period, metric.key, country=country)
if selected and data.region(selected):
    row = data.region_metrics([selected], period)
    info = data.region(selected)
    value = row.iloc[0][metric.column] if len(row) else None
    right.subheader(f"{info['name']} ({selected})")
    right.markdown(f"{metric.label}: **{metric.format(value)}**" + (
        "" if not is_missing(value) else f" — {data.region_why(selected, period).get('no_data_reason') or 'no data'}"))
ranked = values.dropna(subset=["value"]).sort_values("value", ascending=False)
if len(ranked):
    n = 3 if presenting else 5
    lists = [("Highest", ranked.head(n)), ("Lowest", ranked.tail(n).iloc[::-1])]
    for title, part in lists[:1] if presenting and selected else lists:
        right.markdown(f"**{title} — {metric.label}**\n\n" + "\n".join(
            f"1. {r.name} ({r.nuts_code}): {metric.format(r.value)}" for r in part.itertuples()))

# the neighbouring steps' maps, built now (cached, shared): the next key press costs no figure building
for number in (step_no + 1, step_no - 1):
    if 1 <= number <= len(steps):
        near = steps[number - 1]
        europe_map(int(near.get("level", 2)), near.get("period") if near.get("period") in periods else periods[-1],
                   data.metric_key(near.get("metric", "alignment")), country=near.get("country"), show_hubs=bool(near.get("hubs")),
                   height=900 if presenting else 700, selected=near.get("region"), font_size=24 if presenting else 16)
