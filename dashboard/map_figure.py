"""The choropleth of Europe as a Plotly figure: EU regions coloured by a metric, regions without data in a flat
grey that is not on the colour scale, non-EU countries as pale context, outermost regions in insets on the right,
optional hub markers, and the GISCO attribution. No base map is drawn (geo.visible=False), so Plotly never fetches
its world topojson from a CDN: the app works offline."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .layout import ATTRIBUTION
from .metrics import Metric

COLOR_SCALE = "YlGnBu"  # starts at pale yellow, never grey
NO_DATA_COLOR = "#a6a6a6"
CONTEXT_COLOR = "#ececec"
BORDER_COLOR = "#ffffff"
TERRITORY_NAMES = {"ES70": "Canarias", "PT20": "Açores", "PT30": "Madeira", "FRY1": "Guadeloupe",
                   "FRY2": "Martinique", "FRY3": "Guyane", "FRY4": "La Réunion", "FRY5": "Mayotte"}
MAIN_DOMAIN_X = (0.0, 0.82)
PROJECTION = dict(type="azimuthal equal area", rotation=dict(lon=10, lat=52))  # as ETRS89-LAEA (EPSG:3035)
# Plotly.js fetches a world topojson for every geo subplot with a choropleth, even with every base layer hidden;
# point it at an empty topology served by the app itself (dashboard/static) instead of cdn.plot.ly.
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False, "topojsonURL": TOPOJSON_URL,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def _feature_collection(geometries: dict[str, dict], codes) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": c, "geometry": geometries[c]} for c in codes]}


def _geo(domain_x, domain_y, bounds, pad=0.04, frame=False) -> dict:
    lon_min, lat_min, lon_max, lat_max = bounds
    dx, dy = (lon_max - lon_min) * pad + 0.05, (lat_max - lat_min) * pad + 0.05
    projection = PROJECTION if not frame else dict(  # an inset is centred on its own territory
        type=PROJECTION["type"], rotation=dict(lon=(lon_min + lon_max) / 2, lat=(lat_min + lat_max) / 2))
    return dict(visible=False, projection=projection, domain=dict(x=list(domain_x), y=list(domain_y)),
                lonaxis=dict(range=[lon_min - dx, lon_max + dx]), lataxis=dict(range=[lat_min - dy, lat_max + dy]),
                showframe=frame, framecolor="#999999", framewidth=1, bgcolor="rgba(0,0,0,0)")


def _union_bounds(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _hover_rows(values: pd.DataFrame, metric: Metric) -> list[list[str]]:
    rows = []
    for r in values.itertuples():
        score = "no data" if pd.isna(r.alignment_score) else f"{r.alignment_score:.0f}"
        hubs = "no data" if pd.isna(r.n_hubs) else f"{r.n_hubs:.0f}"
        prios = "no data" if pd.isna(r.n_priorities) else f"{r.n_priorities:.0f}"
        rows.append([r.nuts_code, r.name, metric.format(r.value),
                     f"Alignment score {score} · hubs {hubs} · S3 priorities {prios}"])
    return rows


HOVER = ("<b>%{customdata[1]}</b> (%{customdata[0]})<br>%{meta}: <b>%{customdata[2]}</b><br>"
         "%{customdata[3]}<extra></extra>")


def build_map(geometry: dict, regions: pd.DataFrame, values: pd.DataFrame, metric: Metric,
              hubs: pd.DataFrame | None = None, height: int = 620, selected: str | None = None) -> go.Figure:
    """geometry: data.map_geometry(level); regions: the EU regions to draw (nuts_code, name, country_code);
    values: data.map_values(...) — regions missing there or with a NULL value are drawn as 'no data'."""
    main = geometry["main"]
    inset_codes = {i["nuts_code"] for i in geometry["insets"]}
    drawn = regions[regions.nuts_code.isin(main.keys() | inset_codes)]
    merged = drawn.merge(values[["nuts_code", "value", "alignment_score", "n_hubs", "n_priorities"]],
                         on="nuts_code", how="left")
    with_data = merged[merged.value.notna()]
    without = merged[merged.value.isna()]
    on_main = merged.nuts_code.isin(main.keys())
    main_with, main_without = with_data[on_main[with_data.index]], without[on_main[without.index]]
    countries = set(drawn.country_code)
    fig = go.Figure()

    # pale context: non-EU countries, and EU countries outside a country filter
    context_geoms = dict(geometry["context"])
    context_geoms.update({c: g for c, g in geometry["countries"].items() if c not in countries})
    context_codes = list(context_geoms)
    fig.add_trace(go.Choropleth(geojson=_feature_collection(context_geoms, context_codes), locations=context_codes,
                                z=[0] * len(context_codes), colorscale=[[0, CONTEXT_COLOR], [1, CONTEXT_COLOR]],
                                showscale=False, hoverinfo="skip", marker_line_color=BORDER_COLOR,
                                marker_line_width=0.5, geo="geo", name="Outside the EU"))
    if len(main_without):
        fig.add_trace(go.Choropleth(
            geojson=_feature_collection(main, main_without.nuts_code), locations=main_without.nuts_code,
            z=[0] * len(main_without), colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False,
            customdata=[[c, n, "no data", ""] for c, n in zip(main_without.nuts_code, main_without.name)],
            hovertemplate=HOVER, meta=metric.label, marker_line_color=BORDER_COLOR, marker_line_width=0.6,
            geo="geo", name="No data"))
    if len(main_with):
        fig.add_trace(go.Choropleth(
            geojson=_feature_collection(main, main_with.nuts_code), locations=main_with.nuts_code,
            z=main_with.value.round(3), coloraxis="coloraxis", customdata=_hover_rows(main_with, metric),
            hovertemplate=HOVER, meta=metric.label, marker_line_color=BORDER_COLOR, marker_line_width=0.6,
            geo="geo", name=metric.label))
    if selected and selected in main:
        fig.add_trace(go.Choropleth(geojson=_feature_collection(main, [selected]), locations=[selected], z=[0],
                                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
                                    hoverinfo="skip", marker_line_color="#d62728", marker_line_width=2.5, geo="geo"))
    if hubs is not None and len(hubs):
        fig.add_trace(go.Scattergeo(lon=hubs.lon, lat=hubs.lat, mode="markers", geo="geo", name="Hubs",
                                    marker=dict(size=5, color="#c0392b", line=dict(width=0.5, color="white")),
                                    text=hubs.name + " (" + hubs.hub_type + ")", hoverinfo="text"))
    # a legend entry for the grey
    fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="markers", geo="geo", name="No data",
                                marker=dict(size=14, symbol="square", color=NO_DATA_COLOR), showlegend=True,
                                hoverinfo="skip"))

    bounds = [geometry["bounds"][c] for c in drawn.nuts_code if c in main] or list(geometry["bounds"].values())
    layout_geos = {"geo": _geo(MAIN_DOMAIN_X, (0.0, 1.0), _union_bounds(bounds), pad=0.02)}
    annotations = []
    insets = [i for i in geometry["insets"] if i["nuts_code"][:2] in countries]
    value_of = dict(zip(with_data.nuts_code, with_data.value))
    name_of = dict(zip(drawn.nuts_code, drawn.name))
    rows = max(1, math.ceil(len(insets) / 2))
    for k, inset in enumerate(insets, start=2):
        col, row = (k - 2) % 2, (k - 2) // 2
        x0 = 0.835 + col * 0.085
        y1 = 1.0 - row * (1.0 / rows)
        y0 = y1 - (1.0 / rows) + 0.045
        geo_id = f"geo{k}"
        layout_geos[geo_id] = _geo((x0, x0 + 0.08), (y0, y1 - 0.005), inset["bounds"], pad=0.08, frame=True)
        code, value = inset["nuts_code"], value_of.get(inset["nuts_code"])
        feature = _feature_collection({code: inset["geometry"]}, [code])
        common = dict(geojson=feature, locations=[code], geo=geo_id, marker_line_color=BORDER_COLOR,
                      marker_line_width=0.5, hovertemplate=HOVER, meta=metric.label, showlegend=False)
        if value is None or pd.isna(value):
            fig.add_trace(go.Choropleth(z=[0], colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False,
                                        customdata=[[code, name_of.get(code, code), "no data", ""]], **common))
        else:
            row_values = with_data[with_data.nuts_code == code]
            fig.add_trace(go.Choropleth(z=[round(float(value), 3)], coloraxis="coloraxis",
                                        customdata=_hover_rows(row_values, metric), **common))
        annotations.append(dict(text=TERRITORY_NAMES.get(inset["territory"], inset["territory"]), x=x0 + 0.04,
                                y=y0 - 0.005, xref="paper", yref="paper", showarrow=False, yanchor="top",
                                font=dict(size=10, color="#333333")))
    annotations.append(dict(text=ATTRIBUTION, x=0, y=0, xref="paper", yref="paper", showarrow=False,
                            xanchor="left", yanchor="bottom", font=dict(size=10, color="#555555")))
    fig.update_layout(
        **layout_geos, height=height, margin=dict(l=0, r=0, t=10, b=0), annotations=annotations,
        coloraxis=dict(colorscale=COLOR_SCALE, colorbar=dict(
            title=dict(text=f"{metric.label}{' (' + metric.unit.strip() + ')' if metric.unit.strip() else ''}",
                       side="right"), orientation="v", x=MAIN_DOMAIN_X[1] - 0.05, xanchor="right", y=0.55,
            len=0.55, thickness=14)),
        legend=dict(x=0.01, y=0.99, bgcolor="rgba(255,255,255,0.8)", itemclick=False, itemdoubleclick=False),
        clickmode="event+select", dragmode=False, uirevision="map",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig
