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
import streamlit as st

from . import data
from .layout import ATTRIBUTION
from pipelines.explain import plain_reason

from .metrics import METRICS, Metric, is_missing

COLOR_SCALE = "Viridis"  # colour-blind safe; 0 is dark violet, far from the grey of "no data"
NO_DATA_COLOR = "#a6a6a6"
NOT_PRIORITY_COLOR = "#ffffff"  # white with a grey outline: the domain is not a priority of the region
CONTEXT_COLOR = "#ececec"
BORDER_COLOR = "#ffffff"
MAP_DOMAIN_X = (0.0, 0.88)  # the colour bar sits right of the map, the legend above it: neither covers a region
MAP_DOMAIN_Y = (0.0, 0.93)
COLORBAR_X = 0.895
PROJECTION = dict(type="azimuthal equal area", rotation=dict(lon=10, lat=52))  # as ETRS89-LAEA (EPSG:3035)
# Plotly.js fetches a world topojson for every geo subplot with a choropleth, even with every base layer hidden;
# point it at an empty topology served by the app itself (dashboard/static) instead of cdn.plot.ly.
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": True, "topojsonURL": TOPOJSON_URL, "displayModeBar": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def _feature_collection(geometries: dict[str, dict], codes) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": c, "geometry": geometries[c]} for c in codes]}


def _geo(domain_x, domain_y, bounds, pad=0.04) -> dict:
    """A geo subplot framing `bounds`: the projection is centred on the frame (a fixed centre at 10°E cut off
    countries far from it, e.g. Poland, Finland, Spain)."""
    lon_min, lat_min, lon_max, lat_max = bounds
    dx, dy = (lon_max - lon_min) * pad + 0.05, (lat_max - lat_min) * pad + 0.05
    centre = dict(lon=round((lon_min + lon_max) / 2, 3), lat=round((lat_min + lat_max) / 2, 3))
    return dict(visible=False, projection=dict(type=PROJECTION["type"], rotation=dict(centre)),
                center=centre, domain=dict(x=list(domain_x), y=list(domain_y)),
                lonaxis=dict(range=[lon_min - dx, lon_max + dx]), lataxis=dict(range=[lat_min - dy, lat_max + dy]),
                showframe=False, bgcolor="rgba(0,0,0,0)")


def _union_bounds(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _figure_text(value, fmt: str = ".0f") -> str:
    return "no data" if is_missing(value) else f"{value:{fmt}}"


BASIS_SHORT = {"own": "own strategy", "national_fallback": "national strategy (fallback)",
               "carried_forward_2014_2020": "2014-2020 list carried forward", "none": "no strategy"}


def _hover_rows(values: pd.DataFrame, metric: Metric) -> list[list[str]]:
    """customdata per region: code, name, formatted value and a line of key figures (method 2.0: the coverage with
    its range across readings and the basis)."""
    columns = [values[c].tolist() for c in ("nuts_code", "name", "value", "alignment_score", "n_hubs", "n_priorities")]
    labels = values["coverage_label"].tolist() if "coverage_label" in values else [None] * len(values)
    bases = values["basis"].tolist() if "basis" in values else [None] * len(values)
    rows = []
    for (code, name, value, score, hubs, prios), label, basis in zip(zip(*columns), labels, bases):
        if label is not None and not is_missing(label):
            basis_text = ", ".join(BASIS_SHORT.get(b.strip(), b.strip()) for b in str(basis).split(","))
            spread = str(label).split("(", 1)[1].rstrip(")") if "(" in str(label) else ""
            line = f"Coverage {spread} · basis: {basis_text} · {_figure_text(hubs)} hubs"
        else:
            line = f"Alignment score {_figure_text(score)} · hubs {_figure_text(hubs)} · S3 priorities {_figure_text(prios)}"
        rows.append([code, name, metric.format(value), line])
    return rows


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


def _map_coords(coords, fn):
    if coords and isinstance(coords[0], (int, float)):
        return fn(coords)
    return [_map_coords(c, fn) for c in coords]


def _move_geometry(geometry: dict, box, new_box) -> dict:
    """A GeoJSON geometry moved and scaled from one box (lon0, lat0, lon1, lat1) into another."""
    bx0, by0, bx1, by1 = box
    nx0, ny0, nx1, ny1 = new_box
    kx, ky = (nx1 - nx0) / max(bx1 - bx0, 1e-9), (ny1 - ny0) / max(by1 - by0, 1e-9)
    return {"type": geometry["type"], "coordinates": _map_coords(
        geometry["coordinates"], lambda xy: [round(nx0 + (xy[0] - bx0) * kx, 4), round(ny0 + (xy[1] - by0) * ky, 4)])}


def country_insets(insets: list[dict], mainland) -> list[dict]:
    """A country view: its outermost regions' insets in a column west of its mainland (over the Atlantic), sized to
    the mainland's height, instead of the EU view's row south of the Mediterranean."""
    territories = sorted({i["territory"] for i in insets})
    if not territories:
        return []
    lon0, lat0, lon1, lat1 = mainland
    height = lat1 - lat0
    gap = 0.06 * height
    box_h = min((height - gap * (len(territories) - 1)) / len(territories), 0.32 * height)
    mid_lat = (lat0 + lat1) / 2
    sample = insets[0]["box"]
    aspect = (sample[2] - sample[0]) * math.cos(math.radians((sample[1] + sample[3]) / 2)) / (sample[3] - sample[1])
    box_w = box_h * aspect / math.cos(math.radians(mid_lat))
    right = lon0 - 0.08 * (lon1 - lon0) - 0.3
    boxes = {t: (right - box_w, lat1 - (k + 1) * box_h - k * gap, right, lat1 - k * box_h - k * gap)
             for k, t in enumerate(territories)}
    return [dict(i, geometry=_move_geometry(i["geometry"], i["box"], boxes[i["territory"]]), box=boxes[i["territory"]])
            for i in insets]


def _grey_reason(metric: Metric, has_row: bool, plain, raw) -> str:
    if has_row and metric.missing_reason:
        return metric.missing_reason
    if not is_missing(plain):
        return str(plain)
    return "no figure for this region in the data" if is_missing(raw) else plain_reason(raw)


def build_map(geometry: dict, regions: pd.DataFrame, values: pd.DataFrame, metric: Metric,
              hubs: pd.DataFrame | None = None, height: int = 620, selected: str | None = None,
              colorscale: str = COLOR_SCALE, font_size: int | None = None,
              value_range: tuple[float, float] | None = None, country: str | None = None,
              domain_filtered: bool = False, revision: int = 0, fallback: str | None = None) -> PrebuiltFigure:
    """geometry: data.map_geometry(level); regions: the EU regions to draw (nuts_code, name, country_code);
    values: data.map_values(...) — regions missing there or with a NULL value are drawn as 'no data' (with the
    reason in words), or as 'not a priority' under a domain filter. value_range fixes the colour scale (the same
    colour means the same value in every view); country frames that country's mainland, its outermost regions in
    insets beside it."""
    main = geometry["main"]
    insets = [i for i in geometry["insets"] if i["nuts_code"] in set(regions.nuts_code)]
    mainland_codes = [c for c in regions.nuts_code if c in main]
    if country and mainland_codes:
        mainland = _union_bounds(geometry["bounds"][c] for c in mainland_codes)
        insets = country_insets(insets, mainland)
    # every drawn shape: main parts by region code, inset parts as "<region>|<territory>"
    shapes = dict(main)
    shapes.update({f"{i['nuts_code']}|{i['territory']}": i["geometry"] for i in insets})
    shape_region = {sid: sid.split("|")[0] for sid in shapes}
    drawn = regions[regions.nuts_code.isin(set(shape_region.values()))]
    keep = [c for c in ("nuts_code", "value", "alignment_score", "n_hubs", "n_priorities", "no_score_reason",
                        "no_data_reason", "is_priority", "basis", "coverage_label") if c in values.columns]
    values = values.copy()
    on_fallback: set[str] = set()
    if fallback and "basis" in values:  # method 2.0: regions scored on the national list or a carried-forward one
        on_fallback = set(values.nuts_code[values.basis.fillna("").str.contains("fallback|carried_forward")
                                           & values.value.notna()])
        if fallback == "hide":
            values.loc[values.nuts_code.isin(on_fallback), "value"] = None
            values.loc[values.nuts_code.isin(on_fallback), "no_data_reason"] = (
                "scored on a fallback (national strategy or 2014-2020 list), hidden by the switch in the sidebar")
            on_fallback = set()
    merged = drawn.merge(values[keep], on="nuts_code", how="left")
    has_row = set(values.nuts_code)
    value_of = {c: v for c, v in zip(merged.nuts_code, merged.value) if not is_missing(v)}
    name_of = dict(zip(merged.nuts_code, merged.name))
    hover_of = dict(zip(merged.nuts_code[merged.value.notna()], _hover_rows(merged[merged.value.notna()], metric)))
    not_priority = set()
    if domain_filtered and "is_priority" in merged:
        not_priority = {c for c, v, n, p in zip(merged.nuts_code, merged.value, merged.n_priorities, merged.is_priority)
                        if is_missing(v) and not is_missing(n) and n > 0 and not p}
    reason_of = {c: _grey_reason(metric, c in has_row, plain, raw) for c, plain, raw in zip(
        merged.nuts_code, merged.get("no_data_reason", [None] * len(merged)),
        merged.get("no_score_reason", [None] * len(merged)))}
    coloured = [sid for sid, code in shape_region.items() if code in value_of]
    grey = [sid for sid, code in shape_region.items() if code in name_of and code not in value_of
            and code not in not_priority]
    blank = [sid for sid, code in shape_region.items() if code in not_priority]
    countries = set(drawn.country_code)
    traces: list[dict] = []

    # pale context: non-EU countries, and EU countries outside a country filter
    context_geoms = dict(geometry["context"])
    context_geoms.update({c: g for c, g in geometry["countries"].items() if c not in countries})
    context_codes = list(context_geoms)
    traces.append(_choropleth("geo", _feature_collection(context_geoms, context_codes), context_codes,
                              [0] * len(context_codes), colorscale=_flat(CONTEXT_COLOR), showscale=False,
                              hoverinfo="skip", name="Outside the EU", showlegend=False))
    if grey:
        traces.append(_choropleth("geo", _feature_collection(shapes, grey), grey, [0] * len(grey),
                                  colorscale=_flat(NO_DATA_COLOR), showscale=False, hovertemplate=HOVER,
                                  meta=metric.label, name="No data",
                                  customdata=[[shape_region[s], name_of[shape_region[s]], "no data",
                                               "Why: " + reason_of[shape_region[s]]] for s in grey]))
    if blank:
        traces.append(_choropleth("geo", _feature_collection(shapes, blank), blank, [0] * len(blank),
                                  colorscale=_flat(NOT_PRIORITY_COLOR), showscale=False, hovertemplate=HOVER,
                                  meta=metric.label, name="Not a priority",
                                  marker={"line": {"color": "#7f7f7f", "width": 0.8}},
                                  customdata=[[shape_region[s], name_of[shape_region[s]], "not a priority here",
                                               "The selected domain is not among this region's S3 priorities."]
                                              for s in blank]))
    if coloured:
        traces.append(_choropleth("geo", _feature_collection(shapes, coloured), coloured,
                                  [round(float(value_of[shape_region[s]]), 3) for s in coloured],
                                  coloraxis="coloraxis", customdata=[hover_of[shape_region[s]] for s in coloured],
                                  hovertemplate=HOVER, meta=metric.label, name=metric.label, showlegend=False))
    if on_fallback:  # outlined in the coloured trace itself (per-shape line colours): no second copy of the shapes
        coloured_trace = next(t for t in traces if t.get("coloraxis"))
        marked = [shape_region[sid] in on_fallback for sid in coloured_trace["locations"]]
        coloured_trace["marker"] = {"line": {"color": ["#111111" if m else BORDER_COLOR for m in marked],
                                             "width": [1.8 if m else 0.6 for m in marked]}}
        traces.append({"type": "scattergeo", "geo": "geo", "lon": [None], "lat": [None], "mode": "markers",
                       "name": "Fallback basis (national or 2014-2020 list)", "showlegend": True, "hoverinfo": "skip",
                       "marker": {"size": 14, "symbol": "square-open", "color": "#111111", "line": {"width": 2}}})
    if selected:
        outline = [sid for sid, code in shape_region.items() if code == selected]
        if outline:
            traces.append(_choropleth("geo", _feature_collection(shapes, outline), outline, [0] * len(outline),
                                      colorscale=_flat("rgba(0,0,0,0)"), showscale=False, hoverinfo="skip",
                                      marker={"line": {"color": "#d62728", "width": 3}}, name="Selected",
                                      showlegend=False))
    label_size = 9 if font_size is None else font_size
    if insets:  # the inset frames and their names
        boxes = {i["territory"]: (i["box"], i["name"]) for i in insets}
        lon, lat = [], []
        for (x0, y0, x1, y1), _ in boxes.values():
            lon += [x0, x1, x1, x0, x0, None]
            lat += [y0, y0, y1, y1, y0, None]
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "lines", "lon": lon, "lat": lat,
                       "line": {"color": "#8c8c8c", "width": 1}, "hoverinfo": "skip", "showlegend": False})
        below = 0.1 * min(b[3] - b[1] for b, _ in boxes.values())
        in_row = len({round(b[1], 2) for b, _ in boxes.values()}) == 1 and len(boxes) > 3  # the EU view's row
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "text", "hoverinfo": "skip", "showlegend": False,
                       "lon": [(b[0] + b[2]) / 2 for b, _ in boxes.values()],  # names in a row alternate in height
                       "lat": [b[3] + below * 1.6 if in_row and k % 2 else b[1] - below
                               for k, (b, _) in enumerate(boxes.values())],
                       "text": [name for _, name in boxes.values()],
                       "textfont": {"size": label_size, "color": "#222222"}})
    if hubs is not None and len(hubs):
        traces.append({"type": "scattergeo", "geo": "geo", "mode": "markers", "name": "Hubs",
                       "lon": hubs.lon.round(3).tolist(), "lat": hubs.lat.round(3).tolist(),
                       "text": (hubs.name + " (" + hubs.hub_type + ")").tolist(), "hoverinfo": "text",
                       "marker": {"size": 5, "color": "#c0392b", "line": {"width": 0.5, "color": "white"}}})
    # legend entries for the greys
    traces.append({"type": "scattergeo", "geo": "geo", "lon": [None], "lat": [None], "mode": "markers",
                   "name": "No data (hover: why)", "showlegend": True, "hoverinfo": "skip",
                   "marker": {"size": 14, "symbol": "square", "color": NO_DATA_COLOR}})
    if domain_filtered:
        traces.append({"type": "scattergeo", "geo": "geo", "lon": [None], "lat": [None], "mode": "markers",
                       "name": "Not a priority", "showlegend": True, "hoverinfo": "skip",
                       "marker": {"size": 14, "symbol": "square", "color": NOT_PRIORITY_COLOR,
                                  "line": {"color": "#7f7f7f", "width": 1}}})

    bounds = [geometry["bounds"][c] for c in drawn.nuts_code if c in main] + [i["box"] for i in insets]
    view = _union_bounds(bounds or list(geometry["bounds"].values()))
    attribution_size = 10 if font_size is None else max(12, font_size - 8)
    annotations = [dict(text=ATTRIBUTION, x=0, y=0, xref="paper", yref="paper", showarrow=False, xanchor="left",
                        yanchor="top", yshift=-2, font=dict(size=attribution_size, color="#444444"))]
    unit = metric.unit.strip()
    legend_font = {} if font_size is None else {"size": font_size}
    cmin, cmax = value_range if value_range else (None, None)
    layout = dict(
        geo=_geo(MAP_DOMAIN_X, MAP_DOMAIN_Y, view, pad=0.03),
        height=height, margin=dict(l=0, r=0, t=4, b=4 + attribution_size * 2), annotations=annotations,
        coloraxis=dict(colorscale=colorscale_list(colorscale), cmin=cmin, cmax=cmax, colorbar=dict(
            title=dict(text=f"{metric.label}{' (' + unit + ')' if unit else ''}", side="right",
                       font=legend_font or None),
            orientation="v", x=COLORBAR_X, xanchor="left", y=0.47, yanchor="middle", len=0.85, thickness=18,
            tickfont=legend_font or None)),
        legend=dict(x=0.0, y=1.0, xanchor="left", yanchor="top", orientation="h", bgcolor="rgba(255,255,255,0.9)",
                    itemclick=False, itemdoubleclick=False, font=legend_font or None),
        clickmode="event+select", dragmode="pan", uirevision=f"map-{revision}", paper_bgcolor="rgba(0,0,0,0)",
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
               colorscale: str = COLOR_SCALE, font_size: int | None = None, revision: int = 0,
               fallback: str | None = None) -> PrebuiltFigure:
    """The map of one selection, built once per selection and warehouse and then shared (read-only): the landing
    view, the same for every new visitor, costs no figure building at all."""
    return _cached_map(data.version(), level, period, metric_key, hub_type, domain, country, show_hubs, height,
                       selected, colorscale, font_size, revision, fallback)


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_map(version, level, period, metric_key, hub_type, domain, country, show_hubs, height, selected,
                colorscale, font_size, revision, fallback) -> PrebuiltFigure:
    metric = METRICS[metric_key]
    regions = data.map_regions(level)
    if country:
        regions = regions[regions.country_code == country]
    values = data.map_values(level, period, metric_key, hub_type, domain, country)
    hubs = data.hub_points(hub_type, domain, country) if show_hubs else None
    value_range = metric.fixed_range or data.metric_range(level, period, metric.column)
    return build_map(data.map_geometry(level), regions, values, metric, hubs, height=height, selected=selected,
                     colorscale=colorscale, font_size=font_size, value_range=value_range, country=country,
                     domain_filtered=domain != "all" and metric.by_domain, revision=revision, fallback=fallback)
