"""The choropleth of Europe as a Plotly figure: EU regions coloured by a metric, regions without data in a flat
grey that is not on the colour scale, non-EU countries as pale context, outermost regions in insets on the right,
optional hub markers, and the GISCO attribution. No base map is drawn (geo.visible=False), so Plotly never fetches
its world topojson from a CDN: the app works offline."""
from __future__ import annotations

import functools
import math

import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from .layout import ATTRIBUTION
from .metrics import Metric, is_missing

COLOR_SCALE = "YlGnBu"  # starts at pale yellow, never grey
NO_DATA_COLOR = "#a6a6a6"
CONTEXT_COLOR = "#ececec"
BORDER_COLOR = "#ffffff"
# Outermost territories shown together in one inset (each extra inset is one more Plotly geo subplot to draw)
INSET_GROUPS = {"ES70": "Canarias, Madeira, Açores", "PT20": "Canarias, Madeira, Açores",
                "PT30": "Canarias, Madeira, Açores", "FRY1": "Guadeloupe, Martinique", "FRY2": "Guadeloupe, Martinique",
                "FRY3": "Guyane", "FRY4": "La Réunion", "FRY5": "Mayotte"}
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
    inset_codes = {i["nuts_code"] for i in geometry["insets"]}
    drawn = regions[regions.nuts_code.isin(main.keys() | inset_codes)]
    keep = [c for c in ("nuts_code", "value", "alignment_score", "n_hubs", "n_priorities", "no_score_reason")
            if c in values.columns]
    merged = drawn.merge(values[keep], on="nuts_code", how="left")
    reason_of = dict(zip(merged.nuts_code, merged.no_score_reason)) if "no_score_reason" in merged else {}
    with_data = merged[merged.value.notna()]
    without = merged[merged.value.isna()]
    on_main = merged.nuts_code.isin(main.keys())
    main_with, main_without = with_data[on_main[with_data.index]], without[on_main[without.index]]
    countries = set(drawn.country_code)
    traces: list[dict] = []

    # pale context: non-EU countries, and EU countries outside a country filter
    context_geoms = dict(geometry["context"])
    context_geoms.update({c: g for c, g in geometry["countries"].items() if c not in countries})
    context_codes = list(context_geoms)
    traces.append(_choropleth("geo", _feature_collection(context_geoms, context_codes), context_codes,
                              [0] * len(context_codes), colorscale=_flat(CONTEXT_COLOR), showscale=False,
                              hoverinfo="skip", name="Outside the EU"))
    if len(main_without):
        codes = main_without.nuts_code.tolist()
        traces.append(_choropleth("geo", _feature_collection(main, codes), codes, [0] * len(codes),
                                  colorscale=_flat(NO_DATA_COLOR), showscale=False, hovertemplate=HOVER,
                                  meta=metric.label, name="No data",
                                  customdata=[[c, n, "no data", _reason(reason_of.get(c))]
                                              for c, n in zip(codes, main_without.name)]))
    if len(main_with):
        codes = main_with.nuts_code.tolist()
        traces.append(_choropleth("geo", _feature_collection(main, codes), codes,
                                  [round(float(v), 3) for v in main_with.value], coloraxis="coloraxis",
                                  customdata=_hover_rows(main_with, metric), hovertemplate=HOVER,
                                  meta=metric.label, name=metric.label))
    if selected and selected in main:
        traces.append(_choropleth("geo", _feature_collection(main, [selected]), [selected], [0],
                                  colorscale=_flat("rgba(0,0,0,0)"), showscale=False, hoverinfo="skip",
                                  marker={"line": {"color": "#d62728", "width": 2.5}}, name="Selected"))
    if hubs is not None and len(hubs):
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "markers", "name": "Hubs",
                       "lon": hubs.lon.round(3).tolist(), "lat": hubs.lat.round(3).tolist(),
                       "text": (hubs.name + " (" + hubs.hub_type + ")").tolist(), "hoverinfo": "text",
                       "marker": {"size": 5, "color": "#c0392b", "line": {"width": 0.5, "color": "white"}}})
    # a legend entry for the grey
    traces.append({"type": "scattergeo", "geo": "geo", "lon": [None], "lat": [None], "mode": "markers",
                   "name": "No data", "showlegend": True, "hoverinfo": "skip",
                   "marker": {"size": 14, "symbol": "square", "color": NO_DATA_COLOR}})

    bounds = [geometry["bounds"][c] for c in drawn.nuts_code if c in main] or list(geometry["bounds"].values())
    layout: dict = {"geo": _geo(MAIN_DOMAIN_X, (0.0, 1.0), _union_bounds(bounds), pad=0.02)}
    annotations = []
    groups: dict[str, list[dict]] = {}
    for inset in geometry["insets"]:
        if inset["nuts_code"][:2] in countries:
            groups.setdefault(INSET_GROUPS.get(inset["territory"], inset["territory"]), []).append(inset)
    value_of = dict(zip(with_data.nuts_code, with_data.value))
    hover_of = dict(zip(with_data.nuts_code, _hover_rows(with_data, metric)))
    name_of = dict(zip(drawn.nuts_code, drawn.name))
    rows = max(1, math.ceil(len(groups) / 2))
    common = dict(hovertemplate=HOVER, meta=metric.label, showlegend=False,
                  marker={"line": {"color": BORDER_COLOR, "width": 0.5}})
    for k, (title, insets) in enumerate(groups.items(), start=2):
        col, row = (k - 2) % 2, (k - 2) // 2
        x0 = 0.835 + col * 0.085
        y1 = 1.0 - row * (1.0 / rows)
        y0 = y1 - (1.0 / rows) + 0.045
        geo_id = f"geo{k}"
        layout[geo_id] = _geo((x0, x0 + 0.08), (y0, y1 - 0.005), _union_bounds(i["bounds"] for i in insets),
                              pad=0.08, frame=True)
        # one feature per (region, territory); a region's value colours each of its territories
        features = {f"{i['nuts_code']}|{i['territory']}": i for i in insets}
        geojson = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": fid, "geometry": i["geometry"]} for fid, i in features.items()]}
        coloured = [f for f, i in features.items() if not is_missing(value_of.get(i["nuts_code"]))]
        grey = [f for f in features if f not in coloured]
        if coloured:
            traces.append(_choropleth(geo_id, geojson, coloured,
                                      [round(float(value_of[features[f]["nuts_code"]]), 3) for f in coloured],
                                      coloraxis="coloraxis", customdata=[hover_of[features[f]["nuts_code"]]
                                                                         for f in coloured], **common))
        if grey:
            traces.append(_choropleth(geo_id, geojson, grey, [0] * len(grey), colorscale=_flat(NO_DATA_COLOR),
                                      showscale=False, customdata=[
                                          [c, name_of.get(c, c), "no data", _reason(reason_of.get(c))]
                                          for c in (features[f]["nuts_code"] for f in grey)], **common))
        annotations.append(dict(text=title, x=x0 + 0.04, y=y0 - 0.005, xref="paper", yref="paper",
                                showarrow=False, yanchor="top",
                                font=dict(size=10 if font_size is None else font_size - 4, color="#333333")))
    annotations.append(dict(text=ATTRIBUTION, x=0, y=0, xref="paper", yref="paper", showarrow=False,
                            xanchor="left", yanchor="bottom", font=dict(size=10, color="#555555")))
    unit = metric.unit.strip()
    layout.update(
        height=height, margin=dict(l=0, r=0, t=10, b=0), annotations=annotations,
        coloraxis=dict(colorscale=colorscale_list(colorscale), colorbar=dict(
            title=dict(text=f"{metric.label}{' (' + unit + ')' if unit else ''}", side="right"), orientation="v",
            x=MAIN_DOMAIN_X[1] - 0.05, xanchor="right", y=0.55, len=0.55, thickness=14)),
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
