"""region_geometries: NUTS 2021 map shapes, prepared once for the dashboard (levels 0-3).

Each level is simplified as a coverage (shapely.coverage_simplify: every shared border is simplified once, so
neighbours stay gap- and overlap-free), snapped to a 0.001° grid (3 decimals) and stored as a compact GeoJSON
geometry string. The work is cached by the input checksums (pipelines/geo.py). The size per level is printed and
stored in `region_geometry_sizes`; the dashboard's budget for NUTS 2 is 250 KB.
"""
from __future__ import annotations

from ..context import BuildContext
from ..geo import geometry_work

NUTS2_BUDGET_BYTES = 250_000


def run(ctx: BuildContext) -> int:
    con = ctx.con
    work = geometry_work(ctx)
    con.register("_shapes", work.simplified)
    con.execute("""
        CREATE OR REPLACE TABLE region_geometries AS
        SELECT s.nuts_code, CAST(s.level AS TINYINT) AS level, s.geojson, r.is_outermost, r.is_eu, r.country_code
        FROM _shapes s JOIN regions r USING (nuts_code) ORDER BY s.level, s.nuts_code""")
    con.unregister("_shapes")
    con.execute("""
        CREATE OR REPLACE TABLE region_geometry_sizes AS
        SELECT level, count(*) AS n_regions, sum(strlen(geojson)) AS geojson_bytes,
               sum(strlen(geojson)) FILTER (WHERE NOT is_outermost) AS mainland_bytes
        FROM region_geometries GROUP BY level ORDER BY level""")
    sizes = con.execute("SELECT level, n_regions, geojson_bytes FROM region_geometry_sizes").fetchall()
    ctx.log("    region_geometries: " + ", ".join(f"NUTS {lv}: {n} shapes {b / 1000:.0f} KB" for lv, n, b in sizes))
    nuts2 = dict((lv, b) for lv, _, b in sizes).get(2, 0)
    if nuts2 > NUTS2_BUDGET_BYTES:
        ctx.log(f"    WARNING: NUTS 2 map data {nuts2 / 1000:.0f} KB exceeds the "
                f"{NUTS2_BUDGET_BYTES / 1000:.0f} KB budget")
    return con.execute("SELECT count(*) FROM region_geometries").fetchall()[0][0]
