"""mart_search_index: everything a person may type to find a region, mapped to the region to open.

One row per (term, region): NUTS 0-3 codes, region names (NUTS 2021, Latin and local script), English country
names, English names of administrative areas (GeoNames admin1/admin2, e.g. "Lombardy", "Northern Ostrobothnia"),
and city names from the gazetteer (staging.stg_gazetteer_cities), each city placed in the EU NUTS 3 region whose
polygon contains it. `open_code` is the NUTS 0-2 region whose profile opens (a NUTS 3 hit opens its NUTS 2 parent).
`term_key` = lower(strip_accents(term)), so the dashboard matches any case and accents with one parameterised query.
"""
from __future__ import annotations

import pandas as pd
import shapely

from ..context import BuildContext
from ..errors import PipelineError
from ..placement import ISO_FROM_EUROSTAT

# English names of the EU countries (the NUTS names are in their own languages).
COUNTRY_NAMES_EN = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain", "FI": "Finland", "FR": "France",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia",
}
KIND_ORDER = {"code": 0, "name": 1, "country": 1, "area": 2, "city": 3}
AREA_MAJORITY = 0.75  # an English area name points at the most specific region holding this share of its places


def _missing(con, tables: list[str]) -> list[str]:
    present = {(r[0], r[1]) for r in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
    return [t for t in tables if (("staging", t.split(".")[1]) if "." in t else ("main", t)) not in present]


def _place_cities(con) -> pd.DataFrame:
    """EU gazetteer cities with the NUTS 3 region whose polygon contains them."""
    nuts3 = con.execute("""SELECT g.nuts_code, g.geojson FROM region_geometries g JOIN regions r USING (nuts_code)
                           WHERE g.level = 3 AND r.is_eu AND g.geojson IS NOT NULL ORDER BY 1""").df()
    iso = {code: ISO_FROM_EUROSTAT.get(code, code) for code in COUNTRY_NAMES_EN}
    cities = con.execute("""SELECT name, admin1, admin2, country_iso2, lon, lat FROM staging.stg_gazetteer_cities
                            WHERE list_contains(?, country_iso2) AND name IS NOT NULL""",
                         [sorted(iso.values())]).df()
    if nuts3.empty or cities.empty:
        return cities.assign(nuts3_code=pd.Series(dtype=str)).iloc[0:0]
    polygons = shapely.from_geojson(nuts3["geojson"].tolist())
    tree = shapely.STRtree(polygons)
    points = shapely.points(cities["lon"].to_numpy(), cities["lat"].to_numpy())
    point_idx, poly_idx = tree.query(points, predicate="within")
    placed = pd.Series(nuts3["nuts_code"].to_numpy()[poly_idx], index=point_idx)
    placed = placed[~placed.index.duplicated()]
    cities["nuts3_code"] = placed.reindex(range(len(cities))).to_numpy()
    return cities.dropna(subset=["nuts3_code"])


def _area_rows(cities: pd.DataFrame, column: str) -> list[tuple[str, str]]:
    """(English area name, NUTS code) for each admin area: the most specific region (3, then 2, 1) holding at
    least AREA_MAJORITY of the area's places."""
    rows = []
    for (country, area), group in cities.dropna(subset=[column]).groupby(["country_iso2", column]):
        for width in (5, 4, 3):
            counts = group["nuts3_code"].str[:width].value_counts()
            if counts.iloc[0] >= AREA_MAJORITY * len(group):
                rows.append((area, counts.index[0]))
                break
    return rows


def run(ctx: BuildContext) -> int:
    con = ctx.con
    missing = _missing(con, ["regions", "region_geometries", "staging.stg_gazetteer_cities"])
    if missing:
        raise PipelineError(f"mart_search_index needs {', '.join(missing)}: no earlier step built it")
    regions = con.execute("""SELECT nuts_code, level, name, name_local, country_code, parent_code FROM regions
                             WHERE is_eu AND level BETWEEN 0 AND 3""").df()
    rows: list[tuple[str, str, str]] = []  # (term, kind, nuts_code)
    for r in regions.itertuples():
        rows.append((r.nuts_code, "code", r.nuts_code))
        rows.append((r.name, "name", r.nuts_code))
        if isinstance(r.name_local, str) and r.name_local != r.name:
            rows.append((r.name_local, "name", r.nuts_code))
    rows += [(name, "country", code) for code, name in COUNTRY_NAMES_EN.items() if code in set(regions.nuts_code)]
    cities = _place_cities(con)
    rows += [(area, "area", code) for column in ("admin1", "admin2") for area, code in _area_rows(cities, column)]
    rows += [(c.name, "city", c.nuts3_code) for c in cities.drop_duplicates(["name", "nuts3_code"]).itertuples()]
    frame = pd.DataFrame(rows, columns=["term", "kind", "nuts_code"]).dropna()
    frame["kind_order"] = frame["kind"].map(KIND_ORDER)
    con.register("_search_terms", frame)
    con.execute("""
        CREATE OR REPLACE TABLE mart_search_index AS
        WITH t AS (SELECT term, kind, nuts_code, min(kind_order) AS kind_order FROM _search_terms GROUP BY ALL)
        SELECT t.term, lower(strip_accents(t.term)) AS term_key, t.kind, CAST(t.kind_order AS TINYINT) AS kind_order,
               t.nuts_code, CAST(r.level AS TINYINT) AS level, r.name AS region_name, r.country_code,
               CASE WHEN r.level = 3 THEN r.parent_code ELSE r.nuts_code END AS open_code,
               coalesce(p.name, r.name) AS open_name
        FROM t JOIN regions r USING (nuts_code)
        LEFT JOIN regions p ON r.level = 3 AND p.nuts_code = r.parent_code
        ORDER BY term_key, kind_order, nuts_code""")
    con.unregister("_search_terms")
    return con.execute("SELECT count(*) FROM mart_search_index").fetchone()[0]
