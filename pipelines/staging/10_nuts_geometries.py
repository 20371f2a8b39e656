"""staging.stg_nuts_regions (2021 and 2024 polygons as WKB), staging.stg_nuts_labels (2021 label points) and
staging.stg_nuts_codes: every known NUTS code per version (2013 code list, 2021 and 2024 from the GISCO files)."""
from __future__ import annotations

import json

import pandas as pd
import shapely

from ..context import BuildContext
from ..readers import read_delimited


def _features(ctx: BuildContext, name: str) -> list[dict]:
    raw = ctx.raw_file("nuts_geometries", name)
    return json.loads(raw.abspath.read_text(encoding="utf-8"))["features"]


def _frame(features: list[dict], version: str) -> pd.DataFrame:
    return pd.DataFrame({
        "nuts_version": version,
        "nuts_code": [f["properties"]["NUTS_ID"] for f in features],
        "level": [int(f["properties"]["LEVL_CODE"]) for f in features],
        "country_code": [f["properties"]["CNTR_CODE"] for f in features],
        "name_latn": [f["properties"]["NAME_LATN"] for f in features],
        "nuts_name": [f["properties"]["NUTS_NAME"] for f in features],
        "geometry_wkb": shapely.to_wkb(shapely.from_geojson([json.dumps(f["geometry"]) for f in features])),
    })


def run(ctx: BuildContext) -> int:
    con = ctx.con
    polygons = [_frame(_features(ctx, f"NUTS_RG_20M_2021_4326_LEVL_{lv}.geojson"), "2021") for lv in range(4)]
    polygons.append(_frame(_features(ctx, "NUTS_RG_20M_2024_4326.geojson"), "2024"))
    regions = pd.concat(polygons, ignore_index=True)
    con.register("_regions", regions)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_regions AS
        SELECT nuts_version, nuts_code, CAST(level AS TINYINT) AS level, country_code, name_latn, nuts_name,
               geometry_wkb FROM _regions ORDER BY nuts_version, level, nuts_code""")
    con.unregister("_regions")
    for version, lv_file in [("2021", regions[regions.nuts_version == "2021"]), ("2024", regions[regions.nuts_version == "2024"])]:
        ctx.record_source("nuts_geometries", f"NUTS_RG_20M_{version}", "staging.stg_nuts_regions",
                          len(lv_file), len(lv_file), 0)

    labels = pd.concat([_frame(_features(ctx, f"NUTS_LB_2021_4326_LEVL_{lv}.geojson"), "2021") for lv in range(4)],
                       ignore_index=True)
    pts = shapely.from_wkb(labels.pop("geometry_wkb"))
    labels["label_lon"], labels["label_lat"] = shapely.get_x(pts), shapely.get_y(pts)
    con.register("_labels", labels)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_labels AS
        SELECT nuts_code, CAST(level AS TINYINT) AS level, country_code, name_latn, label_lon, label_lat
        FROM _labels ORDER BY level, nuts_code""")
    con.unregister("_labels")
    ctx.record_source("nuts_geometries", "NUTS_LB_2021", "staging.stg_nuts_labels", len(labels), len(labels), 0)

    raw = ctx.raw_file("erdf_2014_2020_planned", "NUTS_2013L.csv")
    codes2013 = read_delimited(raw.abspath, delimiter=",", required_columns=["Level", "NUTS-Code", "Description"])
    ctx.quarantine_rejected("staging", raw.source_id, raw.path, codes2013.rejected)
    con.register("_codes2013", codes2013.frame)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_codes AS
        SELECT '2013' AS nuts_version, "NUTS-Code" AS nuts_code, CAST("Level" AS TINYINT) - 2 AS level,
               left("NUTS-Code", 2) AS country_code, "Description" AS name
        FROM _codes2013 WHERE "NUTS-Code" IS NOT NULL
        UNION ALL
        SELECT nuts_version, nuts_code, level, country_code, name_latn FROM staging.stg_nuts_regions
        UNION ALL  -- label points know NO0B (Jan Mayen and Svalbard), which the early 2021 polygon release lacks
        SELECT '2021', nuts_code, level, country_code, name_latn FROM staging.stg_nuts_labels l
        WHERE NOT EXISTS (SELECT 1 FROM staging.stg_nuts_regions r WHERE r.nuts_version = '2021' AND r.nuts_code = l.nuts_code)
        ORDER BY 1, 3, 2""")
    con.unregister("_codes2013")
    n2013 = con.execute("SELECT count(*) FROM staging.stg_nuts_codes WHERE nuts_version = '2013'").fetchone()[0]
    ctx.record_source(raw.source_id, raw.path, "staging.stg_nuts_codes", codes2013.rows_read, n2013,
                      len(codes2013.rejected))
    return con.execute("SELECT count(*) FROM staging.stg_nuts_codes").fetchone()[0]
