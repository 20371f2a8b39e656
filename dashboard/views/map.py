"""Map (landing page): a choropleth of EU regions by a chosen metric; clicking a region opens its profile."""
from __future__ import annotations

import streamlit as st

from dashboard import data, layout
from dashboard.map_figure import PLOTLY_CONFIG, europe_map
from dashboard.metrics import LEVELS, METRICS

presenting = layout.is_presenting()
if not presenting:
    st.title("S3 Hub Atlas")
    st.caption("How well Europe's digital innovation hubs match the smart-specialisation (S3) priorities of their "
               "regions, and where the money goes. Click a region to open its profile; scroll to zoom, drag to pan.")

# Read the selections first (from the session, else the URL), draw the map, and only then the widgets: the browser
# starts loading the map's code before the widgets' (measured in benchmarks/bench_dashboard.py).
periods = data.periods()
countries = data.countries()
domains = data.domains()
hub_types = data.hub_types()
raw_country = st.query_params.get("country")
country_codes = ["all", *countries.country_code]
if raw_country and "country" not in st.session_state and raw_country.strip().upper() in country_codes:
    st.query_params["country"] = raw_country.strip().upper()  # any case in a link
elif raw_country and raw_country not in country_codes and "country" not in st.session_state:
    st.warning(f"“{raw_country}” is not an EU country code in the atlas; showing all EU countries. Valid codes: "
               f"{', '.join(countries.country_code)} (EL = Greece).")
metric_keys = data.metric_keys()
if st.query_params.get("metric") and "metric" not in st.session_state:
    st.query_params["metric"] = data.metric_key(st.query_params["metric"])  # old links: alignment → coverage
metric_key = layout.url_value("metric", metric_keys, data.default_metric())
level = layout.url_value("level", list(LEVELS), 2, cast=int)
period = layout.url_value("period", periods, periods[-1] if periods else None)
country = layout.url_value("country", country_codes, "all")
domain = layout.url_value("domain", ["all", *domains.domain_code], "all")
hub_type = layout.url_value("hub_type", ["all", *hub_types], "all")
show_hubs = layout.url_flag("hubs")
method2 = data.is_method2()
show_fallback = layout.url_flag("fallback", default=True) if method2 else True
revision = st.session_state.get("map_revision", 0)

metric = METRICS[metric_key]
country_filter = None if country == "all" else country
if presenting:
    st.markdown(f"**{metric.label}** · {LEVELS[level]} · {period}"
                + (f" · {countries.set_index('country_code').name.get(country)}" if country_filter else " · EU"))
figure = europe_map(level, period, metric_key, hub_type, domain, country_filter, show_hubs, revision=revision,
                    fallback=("mark" if show_fallback else "hide") if method2 else None,
                    height=860 if presenting else 620, font_size=24 if presenting else None)
event = st.plotly_chart(figure, key="map", on_select="rerun", selection_mode="points", config=PLOTLY_CONFIG,
                        width="stretch")

sidebar = st.sidebar
sidebar.header("Map")
layout.url_selectbox("Colour regions by", metric_keys, "metric", data.default_metric(),
                     format_func=lambda k: METRICS[k].label, container=sidebar)
layout.url_radio("Level", list(LEVELS), "level", 2, cast=int, format_func=LEVELS.get, container=sidebar)
layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                 horizontal=True)
country_names = dict(zip(countries.country_code, countries.name))
layout.url_selectbox("Country", country_codes, "country", "all", container=sidebar,
                     format_func=lambda c: "All EU countries" if c == "all" else f"{country_names[c]} ({c})")
domain_names = {r.domain_code: f"{r.label} ({r.facet})" for r in domains.itertuples()}
layout.url_selectbox("Technology or sector domain", ["all", *domains.domain_code], "domain", "all",
                     container=sidebar, format_func=lambda d: "All domains" if d == "all" else domain_names[d])
layout.url_selectbox("Hub type", ["all", *hub_types], "hub_type", "all", container=sidebar,
                     format_func=lambda t: "All hub types" if t == "all" else t)
layout.url_toggle("Show hubs as dots", "hubs", container=sidebar)
if method2:
    layout.url_toggle("Show regions scored on a fallback (outlined)", "fallback", default=True, container=sidebar)
if sidebar.button("Reset zoom", icon=":material/zoom_out_map:", key="reset_zoom",
                  help="Back to the whole view after zooming or panning (scroll to zoom, drag to pan)"):
    st.session_state["map_revision"] = revision + 1
    st.rerun()

points = event.selection.points if event and event.selection else []
# inset features are named "<region>|<territory>" (a region can have several overseas parts)
clicked = next((str(p["location"]).split("|")[0] for p in points if p.get("location")), None)
if clicked and data.region(clicked):
    st.switch_page("views/profile.py", query_params={"region": clicked, "period": period,
                                                     **({"present": "1"} if presenting else {})})
if presenting:
    st.stop()

scale = ("a fixed 0-100 scale in every view" if metric.fixed_range else
         "a scale from 0 to the highest EU value at this level, the same in every country view")
notes = [f"**{metric.label}** — {metric.explanation} Colours: {scale}.",
         "Grey regions have no data for this metric; hover over one to read why. Pale regions are outside the EU or "
         "outside the selected country."
         + (" Regions outlined in black are scored on a fallback: the national strategy (no regional list in the "
            "data) or their 2014-2020 priorities carried forward (no 2021-2027 list); switch them off in the sidebar."
            if method2 else "") + (" White regions with a grey outline: the selected domain is not one of "
                                            "their priorities." if domain != "all" and metric.by_domain else "")]
ignored = [name for name, active, applies in [("domain", domain != "all", metric.by_domain),
                                              ("hub type", hub_type != "all", metric.by_hub_type)]
           if active and not applies]
if ignored:
    notes.append(f"The {' and '.join(ignored)} filter does not change this metric; it applies to hub counts"
                 f"{' and coverage' if 'domain' in ignored else ''}" + (" and to the dots." if show_hubs else "."))
st.markdown("\n\n".join(notes))

values = data.map_values(level, period, metric_key, hub_type, domain, country_filter)
shown = values[["nuts_code", "name", "value", "alignment_score", "n_hubs", "n_priorities"]]
shown = shown.rename(columns={"value": "map_value"}).sort_values("map_value", ascending=False)
# the table (and the data-grid code it needs in the browser) only on request: the map paints first
if layout.url_toggle(f"Show the {len(values)} regions as a table", "table"):
    unit = metric.unit.strip()
    layout.table(shown, f"map_{metric_key}_nuts{level}_{period}", column_config={
        "map_value": st.column_config.NumberColumn(f"{metric.label}{' (' + unit + ')' if unit else ''}",
                                                   format=f"%{metric.fmt.replace(',', '')[:-1]}f")})
else:
    layout.download_csv(shown, f"map_{metric_key}_nuts{level}_{period}", label="Download the map's values (CSV)")
layout.footer(data.build_info())
