"""mart_map_geometry: the dashboard map's polygons, prepared once here so the app only sends them.

From `region_geometries` (already simplified with topology kept) the polygons of EU regions at NUTS 0-2 are simplified
further for a Europe-wide view (coverage simplification, so neighbours still share their borders) and their
coordinates rounded to 0.01° (about 1 km, below one screen pixel at that scale). Parts of a region lying in an
outermost region (`is_outermost`: Canarias, Açores, Madeira, the French overseas regions) are drawn in insets: each
outermost NUTS 2 territory, at finer detail, is scaled and moved into its own box in a row south of the Mediterranean
(over North Africa, which the map leaves empty), so the whole map is one Plotly geo subplot. Non-EU countries (EFTA,
candidates) are kept as grey context at NUTS 0 only.

Rows: view 'main' (one per EU region with a part in continental Europe), 'inset' (one per region × outermost
territory, e.g. FR × FRY3 at NUTS 0, FRY × FRY3 at NUTS 1, FRY3 × FRY3 at NUTS 2; geometry already moved into the
box, lon/lat_min/max = the box) and 'context' (non-EU countries).
"""
from __future__ import annotations

import math

import pandas as pd
import shapely

from ..context import BuildContext
from ..errors import PipelineError

MAIN_TOLERANCE = {0: 0.1, 1: 0.1, 2: 0.08}  # degrees; coverage simplification of the Europe-wide view
MAIN_PRECISION = 0.01  # degrees (~1 km)
INSET_TOLERANCE = 0.01
INSET_PRECISION = 0.001
CONTEXT_TOLERANCE = 0.15
# Inset boxes, west to east, in a row at 30.4-33.8°N between 5.6°W and 27.2°E (south of Malta, Crete, Ceuta):
INSET_ORDER = ["PT20", "PT30", "ES70", "FRY1", "FRY2", "FRY3", "FRY4", "FRY5"]
INSET_NAMES = {"ES70": "Canarias", "PT20": "Açores", "PT30": "Madeira", "FRY1": "Guadeloupe",
               "FRY2": "Martinique", "FRY3": "Guyane", "FRY4": "La Réunion", "FRY5": "Mayotte"}
INSET_ROW = dict(lon_start=-5.6, width=3.8, gap=0.3, lat_min=30.4, lat_max=33.8, fill=0.86)


def _missing(con, tables: list[str]) -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    return [t for t in tables if t not in present]


def _compact_geojson(geom) -> str:
    return shapely.to_geojson(geom)


def _simplify(geoms: list, tolerance: float, precision: float) -> list:
    """Coverage simplification keeps shared borders shared; fall back to per-polygon simplification if the input
    is not a clean coverage. Rounding can collapse slivers, so each result is made valid again."""
    arr = shapely.make_valid(shapely.from_geojson(geoms) if isinstance(geoms[0], str) else geoms)
    try:
        simplified = shapely.coverage_simplify(arr, tolerance)
    except shapely.errors.GEOSException:
        simplified = shapely.simplify(arr, tolerance, preserve_topology=True)
    rounded = shapely.make_valid(shapely.set_precision(simplified, precision, mode="pointwise"))
    # d3-geo (Plotly's geo maps) wants exterior rings clockwise; counter-clockwise ones fill the whole globe
    return list(shapely.orient_polygons(rounded, exterior_cw=True))


def _inset_boxes(territories: list[str]) -> dict[str, tuple[float, float, float, float]]:
    known = [t for t in INSET_ORDER if t in territories] + sorted(t for t in territories if t not in INSET_ORDER)
    row = INSET_ROW
    return {t: (row["lon_start"] + k * (row["width"] + row["gap"]), row["lat_min"],
                row["lon_start"] + k * (row["width"] + row["gap"]) + row["width"], row["lat_max"])
            for k, t in enumerate(known)}


def _move_into(geom, box: tuple[float, float, float, float]):
    """Scale a territory (keeping its shape: degrees of longitude weighted by cos(latitude)) to fill its box."""
    x0, y0, x1, y1 = shapely.bounds(geom)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx0, by0, bx1, by1 = box
    bcx, bcy = (bx0 + bx1) / 2, (by0 + by1) / 2
    kx, bkx = math.cos(math.radians(cy)), math.cos(math.radians(bcy))
    scale = INSET_ROW["fill"] * min((bx1 - bx0) * bkx / max((x1 - x0) * kx, 1e-9), (by1 - by0) / max(y1 - y0, 1e-9))

    def move(coords):
        out = coords.copy()
        out[:, 0] = bcx + (coords[:, 0] - cx) * kx * scale / bkx
        out[:, 1] = bcy + (coords[:, 1] - cy) * scale
        return out

    return shapely.transform(geom, move)


def _parts(geom) -> list:
    return list(shapely.get_parts(geom))


def run(ctx: BuildContext) -> int:
    con = ctx.con
    missing = _missing(con, ["region_geometries", "regions"])
    if missing:
        raise PipelineError(f"mart_map_geometry needs {', '.join(missing)}: no earlier step built it")
    frame = con.execute("""
        SELECT g.nuts_code, g.level, g.geojson, coalesce(g.is_outermost, r.is_outermost, false) AS is_outermost,
               coalesce(r.is_eu, false) AS is_eu
        FROM region_geometries g JOIN regions r USING (nuts_code)
        WHERE g.level BETWEEN 0 AND 2 AND g.geojson IS NOT NULL
        ORDER BY g.level, g.nuts_code""").df()
    frame["geom"] = list(shapely.make_valid(shapely.from_geojson(frame["geojson"].tolist())))

    territories = frame[(frame.level == 2) & frame.is_outermost & frame.is_eu]
    territory_geoms = {row.nuts_code: row.geom for row in territories.itertuples()}
    territory_zone = shapely.buffer(shapely.union_all(list(territory_geoms.values())), 0.05) if territory_geoms else None
    boxes = _inset_boxes(list(territory_geoms))
    inset_shapes = {t: _move_into(g, boxes[t]) for t, g in zip(
        territory_geoms, _simplify(list(territory_geoms.values()), INSET_TOLERANCE, INSET_PRECISION))} \
        if territory_geoms else {}

    rows = []
    for level in (0, 1, 2):
        eu = frame[(frame.level == level) & frame.is_eu]
        mainland = []
        for geom in eu["geom"]:
            parts = [p for p in _parts(geom) if territory_zone is None
                     or not shapely.contains(territory_zone, shapely.point_on_surface(p))]
            mainland.append(shapely.multipolygons(parts) if parts else None)
        keep = [(code, g) for code, g in zip(eu["nuts_code"], mainland) if g is not None]
        simplified = _simplify([g for _, g in keep], MAIN_TOLERANCE[level], MAIN_PRECISION)
        for (code, _), geom in zip(keep, simplified):
            if not geom.is_empty:
                rows.append((level, code, "main", None, geom))
        for territory, geom in inset_shapes.items():
            rows.append((level, territory[: 2 + level], "inset", territory, geom))
    context = frame[(frame.level == 0) & ~frame.is_eu]
    if len(context):
        for code, geom in zip(context["nuts_code"], _simplify(context["geom"].tolist(), CONTEXT_TOLERANCE, MAIN_PRECISION)):
            if not geom.is_empty:
                rows.append((0, code, "context", None, geom))

    out = pd.DataFrame(rows, columns=["level", "nuts_code", "view", "inset_code", "geom"])
    out["geom"] = [shapely.set_precision(g, INSET_PRECISION if v == "inset" else MAIN_PRECISION)
                   for g, v in zip(out["geom"], out["view"])]
    bounds = shapely.bounds(out["geom"].to_numpy())
    is_inset = (out["view"] == "inset").to_numpy()
    bounds[is_inset] = [boxes[t] for t in out.loc[is_inset, "inset_code"]]  # an inset's bounds are its box
    out["lon_min"], out["lat_min"], out["lon_max"], out["lat_max"] = bounds.T
    out["inset_name"] = [INSET_NAMES.get(t, t) if t else None for t in out["inset_code"]]
    out["geojson"] = [_compact_geojson(g) for g in out["geom"]]
    out["n_coordinates"] = shapely.get_num_coordinates(out["geom"].to_numpy())
    out = out.drop(columns="geom")
    con.register("_map_geometry", out)
    con.execute("""CREATE OR REPLACE TABLE mart_map_geometry AS
        SELECT CAST(level AS TINYINT) AS level, nuts_code, view, inset_code, geojson,
               lon_min, lat_min, lon_max, lat_max, inset_name, CAST(n_coordinates AS INTEGER) AS n_coordinates
        FROM _map_geometry ORDER BY level, view, nuts_code, inset_code""")
    con.unregister("_map_geometry")
    return len(out)
