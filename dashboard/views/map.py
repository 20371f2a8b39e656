"""Map (landing page): a choropleth of EU regions by a chosen metric; clicking a region opens its profile."""
from __future__ import annotations

import streamlit as st

from dashboard import data, layout
from dashboard.map_figure import PLOTLY_CONFIG, europe_map
from dashboard.metrics import DEFAULT_METRIC, LEVELS, METRICS

st.title("S3 Hub Atlas")
st.caption("How well Europe's digital innovation hubs match the smart-specialisation (S3) priorities of their "
           "regions, and where the money goes. Click a region to open its profile.")

# Read the selections first (from the session, else the URL), draw the map, and only then the widgets: the browser
# starts loading the map's code before the widgets' (measured in benchmarks/bench_dashboard.py).
periods = data.periods()
countries = data.countries()
domains = data.domains()
hub_types = data.hub_types()
metric_key = layout.url_value("metric", list(METRICS), DEFAULT_METRIC)
level = layout.url_value("level", list(LEVELS), 2, cast=int)
period = layout.url_value("period", periods, periods[-1] if periods else None)
country = layout.url_value("country", ["all", *countries.country_code], "all")
domain = layout.url_value("domain", ["all", *domains.domain_code], "all")
hub_type = layout.url_value("hub_type", ["all", *hub_types], "all")
show_hubs = layout.url_flag("hubs")

metric = METRICS[metric_key]
country_filter = None if country == "all" else country
figure = europe_map(level, period, metric_key, hub_type, domain, country_filter, show_hubs)
event = st.plotly_chart(figure, key="map", on_select="rerun", selection_mode="points", config=PLOTLY_CONFIG,
                        width="stretch")

sidebar = st.sidebar
sidebar.header("Map")
layout.url_selectbox("Colour regions by", list(METRICS), "metric", DEFAULT_METRIC,
                     format_func=lambda k: METRICS[k].label, container=sidebar)
layout.url_radio("Level", list(LEVELS), "level", 2, cast=int, format_func=LEVELS.get, container=sidebar)
layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                 horizontal=True)
country_names = dict(zip(countries.country_code, countries.name))
layout.url_selectbox("Country", ["all", *countries.country_code], "country", "all", container=sidebar,
                     format_func=lambda c: "All EU countries" if c == "all" else f"{country_names[c]} ({c})")
domain_names = {r.domain_code: f"{r.label} ({r.facet})" for r in domains.itertuples()}
layout.url_selectbox("Technology or sector domain", ["all", *domains.domain_code], "domain", "all",
                     container=sidebar, format_func=lambda d: "All domains" if d == "all" else domain_names[d])
layout.url_selectbox("Hub type", ["all", *hub_types], "hub_type", "all", container=sidebar,
                     format_func=lambda t: "All hub types" if t == "all" else t)
layout.url_toggle("Show hubs as dots", "hubs", container=sidebar)

points = event.selection.points if event and event.selection else []
# inset features are named "<region>|<territory>" (a region can have several overseas parts)
clicked = next((str(p["location"]).split("|")[0] for p in points if p.get("location")), None)
if clicked and data.region(clicked):
    st.switch_page("views/profile.py", query_params={"region": clicked, "period": period})

notes = [f"**{metric.label}** — {metric.explanation}",
         "Grey regions have no data for this metric (e.g. no strategy coded or no population figure); pale "
         "regions are outside the EU or outside the selected country."]
ignored = [name for name, active, applies in [("domain", domain != "all", metric.by_domain),
                                              ("hub type", hub_type != "all", metric.by_hub_type)]
           if active and not applies]
if ignored:
    notes.append(f"The {' and '.join(ignored)} filter does not change this metric; it applies to hub counts"
                 f"{' and coverage' if 'domain' in ignored else ''}" + (" and to the dots." if show_hubs else "."))
st.markdown("\n\n".join(notes))

values = data.map_values(level, period, metric_key, hub_type, domain, country_filter)
shown = values.assign(value=values.value.round(2))[["nuts_code", "name", "value", "alignment_score", "n_hubs",
                                                    "n_priorities"]]
shown = shown.rename(columns={"value": metric.label}).sort_values(metric.label, ascending=False)
# the table (and the data-grid code it needs in the browser) only on request: the map paints first
if layout.url_toggle(f"Show the {len(values)} regions as a table", "table"):
    layout.table(shown, f"map_{metric_key}_nuts{level}_{period}")
else:
    layout.download_csv(shown, f"map_{metric_key}_nuts{level}_{period}", label="Download the map's values (CSV)")
layout.footer(data.build_info())
