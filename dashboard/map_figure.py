"""The choropleth of Europe as a Plotly figure: EU regions coloured by a metric, regions without data in a flat
grey that is not on the colour scale, non-EU countries as pale context, outermost regions in insets on the right,
optional hub markers, and the GISCO attribution. No base map is drawn (geo.visible=False), so Plotly never fetches
its world topojson from a CDN: the app works offline."""
from __future__ import annotations

import functools

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import streamlit as st

from . import data
from .layout import ATTRIBUTION
from .metrics import METRICS, Metric, is_missing

COLOR_SCALE = "YlGnBu"  # starts at pale yellow, never grey
NO_DATA_COLOR = "#a6a6a6"
CONTEXT_COLOR = "#ececec"
BORDER_COLOR = "#ffffff"
MAIN_DOMAIN_X = (0.0, 1.0)
PROJECTION = dict(type="azimuthal equal area", rotation=dict(lon=10, lat=52))  # as ETRS89-LAEA (EPSG:3035)
# Plotly.js fetches a world topojson for every geo subplot with a choropleth, even with every base layer hidden;
# point it at an empty topology served by the app itself (dashboard/static) instead of cdn.plot.ly.
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False, "topojsonURL": TOPOJSON_URL,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def _feature_collection(geometries: dict[str, dict], codes) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": c, "geometry": geometries[c]} for c in codes]}


def _geo(domain_x, domain_y, bounds, pad=0.04) -> dict:
    lon_min, lat_min, lon_max, lat_max = bounds
    dx, dy = (lon_max - lon_min) * pad + 0.05, (lat_max - lat_min) * pad + 0.05
    return dict(visible=False, projection=PROJECTION, domain=dict(x=list(domain_x), y=list(domain_y)),
                lonaxis=dict(range=[lon_min - dx, lon_max + dx]), lataxis=dict(range=[lat_min - dy, lat_max + dy]),
                showframe=False, bgcolor="rgba(0,0,0,0)")


def _union_bounds(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _figure_text(value, fmt: str = ".0f") -> str:
    return "no data" if is_missing(value) else f"{value:{fmt}}"


def _hover_rows(values: pd.DataFrame, metric: Metric) -> list[list[str]]:
    """customdata per region: code, name, formatted value and a line of key figures."""
    columns = [values[c].tolist() for c in ("nuts_code", "name", "value", "alignment_score", "n_hubs", "n_priorities")]
    return [[code, name, metric.format(value), f"Alignment score {_figure_text(score)} · hubs {_figure_text(hubs)} · "
             f"S3 priorities {_figure_text(prios)}"] for code, name, value, score, hubs, prios in zip(*columns)]


def _reason(reason) -> str:
    return "" if is_missing(reason) else str(reason)[:120]


HOVER = ("<b>%{customdata[1]}</b> (%{customdata[0]})<br>%{meta}: <b>%{customdata[2]}</b><br>"
         "%{customdata[3]}<extra></extra>")


class PrebuiltFigure(go.Figure):
    """A figure whose spec is already a plain dict (built below and validated by tests/app/test_map.py).
    Streamlit re-validates any other figure through plotly.py on every rerun, which for a NUTS 2 map with its
    GeoJSON costs ~0.4 s; this hands it the finished spec instead."""

    def __init__(self, spec: dict):
        super().__init__()
        self._prebuilt = spec

    def to_dict(self) -> dict:
        return self._prebuilt

    def to_plotly_json(self) -> dict:
        return self._prebuilt


def _flat(color: str) -> list:
    return [[0, color], [1, color]]


def _choropleth(geo: str, geojson: dict, locations: list, z: list, **extra) -> dict:
    trace = {"type": "choropleth", "geo": geo, "geojson": geojson, "locations": locations, "z": z,
             "marker": {"line": {"color": BORDER_COLOR, "width": 0.6}}}
    trace.update(extra)
    return trace


def build_map(geometry: dict, regions: pd.DataFrame, values: pd.DataFrame, metric: Metric,
              hubs: pd.DataFrame | None = None, height: int = 620, selected: str | None = None,
              colorscale: str = COLOR_SCALE, font_size: int | None = None) -> PrebuiltFigure:
    """geometry: data.map_geometry(level); regions: the EU regions to draw (nuts_code, name, country_code);
    values: data.map_values(...) — regions missing there or with a NULL value are drawn as 'no data'."""
    main = geometry["main"]
    insets = [i for i in geometry["insets"] if i["nuts_code"] in set(regions.nuts_code)]
    # every drawn shape: main parts by region code, inset parts as "<region>|<territory>"
    shapes = dict(main)
    shapes.update({f"{i['nuts_code']}|{i['territory']}": i["geometry"] for i in insets})
    shape_region = {sid: sid.split("|")[0] for sid in shapes}
    drawn = regions[regions.nuts_code.isin(set(shape_region.values()))]
    keep = [c for c in ("nuts_code", "value", "alignment_score", "n_hubs", "n_priorities", "no_score_reason")
            if c in values.columns]
    merged = drawn.merge(values[keep], on="nuts_code", how="left")
    value_of = {c: v for c, v in zip(merged.nuts_code, merged.value) if not is_missing(v)}
    reason_of = dict(zip(merged.nuts_code, merged.no_score_reason)) if "no_score_reason" in merged else {}
    name_of = dict(zip(merged.nuts_code, merged.name))
    hover_of = dict(zip(merged.nuts_code[merged.value.notna()], _hover_rows(merged[merged.value.notna()], metric)))
    coloured = [sid for sid, code in shape_region.items() if code in value_of]
    grey = [sid for sid, code in shape_region.items() if code in name_of and code not in value_of]
    countries = set(drawn.country_code)
    traces: list[dict] = []

    # pale context: non-EU countries, and EU countries outside a country filter
    context_geoms = dict(geometry["context"])
    context_geoms.update({c: g for c, g in geometry["countries"].items() if c not in countries})
    context_codes = list(context_geoms)
    traces.append(_choropleth("geo", _feature_collection(context_geoms, context_codes), context_codes,
                              [0] * len(context_codes), colorscale=_flat(CONTEXT_COLOR), showscale=False,
                              hoverinfo="skip", name="Outside the EU"))
    if grey:
        traces.append(_choropleth("geo", _feature_collection(shapes, grey), grey, [0] * len(grey),
                                  colorscale=_flat(NO_DATA_COLOR), showscale=False, hovertemplate=HOVER,
                                  meta=metric.label, name="No data",
                                  customdata=[[shape_region[s], name_of[shape_region[s]], "no data",
                                               _reason(reason_of.get(shape_region[s]))] for s in grey]))
    if coloured:
        traces.append(_choropleth("geo", _feature_collection(shapes, coloured), coloured,
                                  [round(float(value_of[shape_region[s]]), 3) for s in coloured],
                                  coloraxis="coloraxis", customdata=[hover_of[shape_region[s]] for s in coloured],
                                  hovertemplate=HOVER, meta=metric.label, name=metric.label))
    if selected:
        outline = [sid for sid, code in shape_region.items() if code == selected]
        if outline:
            traces.append(_choropleth("geo", _feature_collection(shapes, outline), outline, [0] * len(outline),
                                      colorscale=_flat("rgba(0,0,0,0)"), showscale=False, hoverinfo="skip",
                                      marker={"line": {"color": "#d62728", "width": 2.5}}, name="Selected"))
    if insets:  # the inset frames and their names
        boxes = {i["territory"]: (i["box"], i["name"]) for i in insets}
        lon, lat = [], []
        for (x0, y0, x1, y1), _ in boxes.values():
            lon += [x0, x1, x1, x0, x0, None]
            lat += [y0, y0, y1, y1, y0, None]
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "lines", "lon": lon, "lat": lat,
                       "line": {"color": "#8c8c8c", "width": 1}, "hoverinfo": "skip", "showlegend": False})
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "text", "hoverinfo": "skip", "showlegend": False,
                       "lon": [(b[0] + b[2]) / 2 for b, _ in boxes.values()], "lat": [b[1] - 0.45 for b, _ in boxes.values()],
                       "text": [name for _, name in boxes.values()],
                       "textfont": {"size": 9 if font_size is None else font_size - 6, "color": "#333333"}})
    if hubs is not None and len(hubs):
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "markers", "name": "Hubs",
                       "lon": hubs.lon.round(3).tolist(), "lat": hubs.lat.round(3).tolist(),
                       "text": (hubs.name + " (" + hubs.hub_type + ")").tolist(), "hoverinfo": "text",
                       "marker": {"size": 5, "color": "#c0392b", "line": {"width": 0.5, "color": "white"}}})
    # a legend entry for the grey
    traces.append({"type": "scattergeo", "geo": "geo", "lon": [None], "lat": [None], "mode": "markers",
                   "name": "No data", "showlegend": True, "hoverinfo": "skip",
                   "marker": {"size": 14, "symbol": "square", "color": NO_DATA_COLOR}})

    bounds = [geometry["bounds"][c] for c in drawn.nuts_code if c in main] + [i["box"] for i in insets]
    view = _union_bounds(bounds or list(geometry["bounds"].values()))
    annotations = [dict(text=ATTRIBUTION, x=0, y=0, xref="paper", yref="paper", showarrow=False, xanchor="left",
                        yanchor="bottom", font=dict(size=10, color="#555555"))]
    unit = metric.unit.strip()
    layout = dict(
        geo=_geo(MAIN_DOMAIN_X, (0.0, 1.0), view, pad=0.02),
        height=height, margin=dict(l=0, r=0, t=10, b=0), annotations=annotations,
        coloraxis=dict(colorscale=colorscale_list(colorscale), colorbar=dict(
            title=dict(text=f"{metric.label}{' (' + unit + ')' if unit else ''}", side="right"), orientation="v",
            x=0.98, xanchor="right", y=0.55, len=0.6, thickness=14)),
        legend=dict(x=0.01, y=0.99, bgcolor="rgba(255,255,255,0.8)", itemclick=False, itemdoubleclick=False),
        clickmode="event+select", dragmode=False, uirevision="map", paper_bgcolor="rgba(0,0,0,0)",
    )
    if font_size:
        layout["font"] = {"size": font_size}
    return PrebuiltFigure({"data": traces, "layout": layout})


@functools.lru_cache(maxsize=8)
def colorscale_list(name: str) -> list:
    """A named Plotly colour scale as explicit [position, colour] pairs (what plotly.py would send)."""
    return [list(pair) for pair in plotly.colors.get_colorscale(name)]


def europe_map(level: int, period: str, metric_key: str, hub_type: str = "all", domain: str = "all",
               country: str | None = None, show_hubs: bool = False, height: int = 620, selected: str | None = None,
               colorscale: str = COLOR_SCALE, font_size: int | None = None) -> PrebuiltFigure:
    """The map of one selection, built once per selection and warehouse and then shared (read-only): the landing
    view, the same for every new visitor, costs no figure building at all."""
    return _cached_map(data.version(), level, period, metric_key, hub_type, domain, country, show_hubs, height,
                       selected, colorscale, font_size)


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_map(version, level, period, metric_key, hub_type, domain, country, show_hubs, height, selected,
                colorscale, font_size) -> PrebuiltFigure:
    regions = data.map_regions(level)
    if country:
        regions = regions[regions.country_code == country]
    values = data.map_values(level, period, metric_key, hub_type, domain, country)
    hubs = data.hub_points(hub_type, domain, country) if show_hubs else None
    return build_map(data.map_geometry(level), regions, values, METRICS[metric_key], hubs, height=height,
                     selected=selected, colorscale=colorscale, font_size=font_size)
