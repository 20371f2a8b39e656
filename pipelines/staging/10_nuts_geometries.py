"""staging.stg_nuts_regions (2021 and 2024 polygons as WKB), staging.stg_nuts_labels (2021 label points) and
staging.stg_nuts_codes: every known NUTS code per version (2013 code list, 2021 and 2024 from the GISCO files, and the
older codes data/taxonomy/nuts_successors.csv documents)."""
from __future__ import annotations

import csv
import hashlib
import os

import duckdb
import pandas as pd
import shapely

from ..context import BuildContext
from ..errors import InputFileError
from ..paths import CACHE, TAXONOMY
from ..readers import read_delimited, read_json, read_text

SUCCESSORS = TAXONOMY / "nuts_successors.csv"


def _features(ctx: BuildContext, name: str) -> tuple[object, list[dict]]:
    raw = ctx.raw_file("nuts_geometries", name)
    doc = read_json(raw.abspath)
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise InputFileError(f"{raw.abspath}: not a GeoJSON FeatureCollection (no 'features' list)")
    return raw.abspath, doc["features"]


def _geometries(path, features: list[dict]):
    """The features' geometries, read by GEOS from the whole file in one pass (not one JSON string per feature)."""
    if any(f["geometry"] is None for f in features):
        raise ValueError("a feature has no geometry")
    collection = shapely.from_geojson(read_text(path))  # a FeatureCollection reads as a GeometryCollection
    geometries = shapely.get_parts(collection)
    if shapely.get_type_id(collection) != shapely.GeometryType.GEOMETRYCOLLECTION or len(geometries) != len(features):
        raise ValueError(f"{len(features)} features but {len(geometries)} geometries")
    return geometries


def _frame(source: tuple[object, list[dict]], version: str) -> pd.DataFrame:
    path, features = source
    try:
        return pd.DataFrame({
            "nuts_version": version,
            "nuts_code": [f["properties"]["NUTS_ID"] for f in features],
            "level": [int(f["properties"]["LEVL_CODE"]) for f in features],
            "country_code": [f["properties"]["CNTR_CODE"] for f in features],
            "name_latn": [f["properties"]["NAME_LATN"] for f in features],
            "nuts_name": [f["properties"]["NUTS_NAME"] for f in features],
            "geometry_wkb": shapely.to_wkb(_geometries(path, features)),
            "source_line": range(1, len(features) + 1),  # position of the feature in its GeoJSON file
        })
    except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise InputFileError(f"{path}: a feature lacks the GISCO properties (NUTS_ID, LEVL_CODE, CNTR_CODE, "
                             f"NAME_LATN, NUTS_NAME) or a valid geometry ({type(exc).__name__}: {exc})") from exc


def _add_documented_old_codes(ctx: BuildContext) -> None:
    """Codes of NUTS 2010 and 2016 (and 2013 codes the 2013 list lacks, e.g. Norway's) that sources use and that
    data/taxonomy/nuts_successors.csv documents with their 2021 successors: known codes, so not quarantined."""
    if not SUCCESSORS.exists():
        return
    text = read_text(SUCCESSORS)
    rows = list(csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#")))
    if not rows or not {"from_version", "from_code"} <= set(rows[0]):
        raise InputFileError(f"{SUCCESSORS}: expected the columns from_version, from_code, to_code_2021, note")
    frame = pd.DataFrame({"nuts_version": [r["from_version"].strip() for r in rows],
                          "nuts_code": [r["from_code"].strip() for r in rows],
                          "name": [(r.get("note") or "").strip() for r in rows]})
    ctx.con.register("_old_codes", frame)
    ctx.con.execute("""INSERT INTO staging.stg_nuts_codes
        SELECT nuts_version, nuts_code, CAST(length(nuts_code) - 2 AS TINYINT), left(nuts_code, 2), first(name),
               CAST(NULL AS BIGINT)  -- from data/taxonomy/nuts_successors.csv, not a raw file
        FROM _old_codes o WHERE NOT EXISTS (SELECT 1 FROM staging.stg_nuts_codes c
                                            WHERE c.nuts_version = o.nuts_version AND c.nuts_code = o.nuts_code)
        GROUP BY nuts_version, nuts_code""")
    ctx.con.unregister("_old_codes")


def _build_geometry_tables(ctx: BuildContext) -> None:
    con = ctx.con
    polygons = [_frame(_features(ctx, f"NUTS_RG_20M_2021_4326_LEVL_{lv}.geojson"), "2021") for lv in range(4)]
    polygons.append(_frame(_features(ctx, "NUTS_RG_20M_2024_4326.geojson"), "2024"))
    regions = pd.concat(polygons, ignore_index=True)
    con.register("_regions", regions)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_regions AS
        SELECT nuts_version, nuts_code, CAST(level AS TINYINT) AS level, country_code, name_latn, nuts_name,
               geometry_wkb, CAST(source_line AS BIGINT) AS source_line
        FROM _regions ORDER BY nuts_version, level, nuts_code""")
    con.unregister("_regions")

    labels = pd.concat([_frame(_features(ctx, f"NUTS_LB_2021_4326_LEVL_{lv}.geojson"), "2021") for lv in range(4)],
                       ignore_index=True)
    pts = shapely.from_wkb(labels.pop("geometry_wkb"))
    labels["label_lon"], labels["label_lat"] = shapely.get_x(pts), shapely.get_y(pts)
    con.register("_labels", labels)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_labels AS
        SELECT nuts_code, CAST(level AS TINYINT) AS level, country_code, name_latn, label_lon, label_lat,
               CAST(source_line AS BIGINT) AS source_line
        FROM _labels ORDER BY level, nuts_code""")
    con.unregister("_labels")


def _load_geometry_tables(ctx: BuildContext) -> str:
    """stg_nuts_regions and stg_nuts_labels, from data/cache when the GeoJSON files (by sha256) were read before.
    Returns 'cache hit' or 'cache miss'."""
    con = ctx.con
    key = hashlib.sha256("".join(f.sha256 or "" for f in ctx.sources["nuts_geometries"].files).encode()).hexdigest()
    folder = CACHE / f"stg_nuts_geometries-{key[:16]}"
    cached = {table: folder / f"{table}.parquet" for table in ("stg_nuts_regions", "stg_nuts_labels")}
    if all(p.exists() for p in cached.values()):
        try:
            for table, path in cached.items():
                con.execute(f"CREATE OR REPLACE TABLE staging.{table} AS SELECT * FROM read_parquet(?)", [str(path)])
            return "cache hit"
        except duckdb.Error:
            pass  # an unreadable cache is rebuilt below
    _build_geometry_tables(ctx)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for table, path in cached.items():
            tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
            con.execute(f"COPY staging.{table} TO '{tmp}' (FORMAT parquet)")
            os.replace(tmp, path)
    except OSError as exc:  # a read-only checkout still builds, just without the cache
        ctx.log(f"    nuts geometries: cache not written ({exc})")
    return "cache miss"


def run(ctx: BuildContext) -> int:
    con = ctx.con
    ctx.log(f"    nuts geometries: {_load_geometry_tables(ctx)}")
    for version in ("2021", "2024"):
        n = con.execute("SELECT count(*) FROM staging.stg_nuts_regions WHERE nuts_version = ?", [version]).fetchall()[0][0]
        ctx.record_source("nuts_geometries", f"NUTS_RG_20M_{version}", "staging.stg_nuts_regions", n, n, 0)
    n = con.execute("SELECT count(*) FROM staging.stg_nuts_labels").fetchall()[0][0]
    ctx.record_source("nuts_geometries", "NUTS_LB_2021", "staging.stg_nuts_labels", n, n, 0)

    raw = ctx.raw_file("erdf_2014_2020_planned", "NUTS_2013L.csv")
    codes2013 = read_delimited(raw.abspath, delimiter=",", required_columns=["Level", "NUTS-Code", "Description"])
    ctx.quarantine_rejected("staging", raw.source_id, raw.path, codes2013.rejected)
    con.register("_codes2013", codes2013.frame)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_nuts_codes AS
        -- the 2013 list repeats each country once per NUTS level section; the level is the code's length - 2
        SELECT '2013' AS nuts_version, "NUTS-Code" AS nuts_code, CAST(length("NUTS-Code") - 2 AS TINYINT) AS level,
               left("NUTS-Code", 2) AS country_code, first("Description" ORDER BY _line) AS name,
               CAST(min(_line) AS BIGINT) AS source_line
        FROM _codes2013 WHERE "NUTS-Code" IS NOT NULL GROUP BY "NUTS-Code"
        UNION ALL
        SELECT nuts_version, nuts_code, level, country_code, name_latn, source_line FROM staging.stg_nuts_regions
        UNION ALL  -- label points know NO0B (Jan Mayen and Svalbard), which the early 2021 polygon release lacks
        SELECT '2021', nuts_code, level, country_code, name_latn, source_line FROM staging.stg_nuts_labels l
        WHERE NOT EXISTS (SELECT 1 FROM staging.stg_nuts_regions r WHERE r.nuts_version = '2021' AND r.nuts_code = l.nuts_code)
        ORDER BY 1, 3, 2""")
    # rows without a code are the list's section headings ("NUTS LEVEL 1"): quarantined, so every row is accounted
    headings = ctx.quarantine_query(
        "staging", raw.source_id, raw.path,
        """SELECT _line AS line, 'section heading of the code list, no NUTS-Code' AS reason,
                  to_json({'Order': "Order", 'Level': "Level", 'Description': "Description"})::VARCHAR AS record
           FROM _codes2013 WHERE "NUTS-Code" IS NULL""")
    con.unregister("_codes2013")
    _add_documented_old_codes(ctx)
    rejected = len(codes2013.rejected) + headings
    # kept: rows read into the 2013 codes (a country repeated in each level section counts, merged into one code)
    ctx.record_source(raw.source_id, raw.path, "staging.stg_nuts_codes", codes2013.rows_read,
                      codes2013.rows_read - rejected, rejected)
    return con.execute("SELECT count(*) FROM staging.stg_nuts_codes").fetchall()[0][0]
