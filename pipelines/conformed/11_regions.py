"""regions (NUTS 2021, levels 0-3) and population (NUTS 2021, levels 0-2, per year).

Population comes from the Eurostat NUTS 2 panel, whose codes mix NUTS versions: a value recorded under a 2021 code
is used as it is; a value recorded under an older or newer code fills a year the 2021 code lacks only when that code
converts one-to-one (weight 1) and is the only code filling that region-year — area weights are no way to split
people. NUTS 1 and 0 are the sums of their NUTS 2 regions in the years all of them have a value.
"""
from __future__ import annotations

from ..context import BuildContext
from ..geo import EU27, OUTERMOST_PREFIXES, geometry_work


def _table_exists(con, schema: str, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [schema, name]).fetchall()[0][0])


def build_population(ctx: BuildContext) -> None:
    con = ctx.con
    con.execute("""
        CREATE OR REPLACE TABLE population AS
        WITH panel AS (
            SELECT trim(nuts_code) AS code, year, population FROM staging.stg_eurostat_panel
            WHERE population IS NOT NULL AND population > 0),
        direct AS (
            SELECT p.code AS nuts_code, p.year, p.population, 'eurostat' AS source, p.code AS source_code
            FROM panel p JOIN regions r ON r.nuts_code = p.code AND r.level = 2),
        converted AS (
            SELECT c.to_code AS nuts_code, p.year, p.population, 'eurostat, converted' AS source,
                   p.code AS source_code, count(*) OVER (PARTITION BY c.to_code, p.year) AS n_sources
            FROM panel p JOIN nuts_conversion c ON c.from_version = 'mixed' AND c.from_code = p.code
            WHERE p.code NOT IN (SELECT nuts_code FROM regions) AND c.weight = 1 AND c.level = 2
              AND (SELECT count(*) FROM nuts_conversion c2 WHERE c2.from_version = 'mixed'
                   AND c2.from_code = p.code) = 1),
        nuts2 AS (
            SELECT nuts_code, year, population, source, source_code FROM direct
            UNION ALL
            SELECT nuts_code, year, population, source, source_code FROM converted c
            WHERE n_sources = 1 AND NOT EXISTS (SELECT 1 FROM direct d WHERE d.nuts_code = c.nuts_code
                                                                        AND d.year = c.year)),
        upper AS (
            SELECT r.nuts_code, n.year, sum(n.population) AS population, count(*) AS n_children,
                   (SELECT count(*) FROM regions k
                    WHERE k.level = 2 AND k.nuts_code LIKE r.nuts_code || '%') AS n_expected
            FROM regions r JOIN nuts2 n ON n.nuts_code LIKE r.nuts_code || '%'
            WHERE r.level IN (0, 1) GROUP BY r.nuts_code, n.year)
        SELECT nuts_code, CAST(2 AS TINYINT) AS level, year, CAST(population AS BIGINT) AS population, source,
               source_code FROM nuts2
        UNION ALL
        SELECT nuts_code, CAST(length(nuts_code) - 2 AS TINYINT), year, CAST(population AS BIGINT),
               'sum of NUTS 2 regions', NULL FROM upper WHERE n_children = n_expected
        ORDER BY nuts_code, year""")


def run(ctx: BuildContext) -> int:
    con = ctx.con
    work = geometry_work(ctx)
    areas = work.areas[work.areas.nuts_version == "2021"][["nuts_code", "area_km2", "inner_lon", "inner_lat"]]
    con.register("_areas", areas)
    con.execute("""
        CREATE OR REPLACE TABLE regions AS
        WITH codes AS (
            SELECT nuts_code, any_value(level) AS level, any_value(country_code) AS country_code,
                   any_value(name) AS name
            FROM staging.stg_nuts_codes WHERE nuts_version = '2021' GROUP BY nuts_code)
        SELECT c.nuts_code, CAST(c.level AS TINYINT) AS level,
               trim(regexp_replace(coalesce(g.name_latn, c.name), '[[:space:]]+', ' ', 'g')) AS name,
               trim(regexp_replace(g.nuts_name, '[[:space:]]+', ' ', 'g')) AS name_local, c.country_code,
               CASE WHEN c.level > 0 THEN left(c.nuts_code, length(c.nuts_code) - 1) END AS parent_code,
               coalesce(l.label_lon, a.inner_lon) AS label_lon, coalesce(l.label_lat, a.inner_lat) AS label_lat,
               CASE WHEN l.label_lon IS NOT NULL THEN 'gisco_label' WHEN a.inner_lon IS NOT NULL
                    THEN 'point_on_surface' END AS label_source,
               a.area_km2, CAST(NULL AS BIGINT) AS population, CAST(NULL AS INTEGER) AS population_year,
               c.country_code IN (SELECT unnest(?)) AS is_eu,
               c.level > 0 AND regexp_matches(c.nuts_code, ?) AS is_outermost,
               g.nuts_code IS NOT NULL AS has_polygon
        FROM codes c
        LEFT JOIN staging.stg_nuts_regions g ON g.nuts_version = '2021' AND g.nuts_code = c.nuts_code
        LEFT JOIN staging.stg_nuts_labels l ON l.nuts_code = c.nuts_code
        LEFT JOIN _areas a ON a.nuts_code = c.nuts_code
        WHERE NOT regexp_full_match(c.nuts_code, '[A-Z]{2}Z+')
        ORDER BY c.level, c.nuts_code""", [list(EU27), "^(" + "|".join(OUTERMOST_PREFIXES) + ")"])
    con.unregister("_areas")
    if _table_exists(con, "staging", "stg_eurostat_panel"):
        build_population(ctx)
        con.execute("""
            UPDATE regions SET population = latest.population, population_year = latest.year
            FROM (SELECT nuts_code, arg_max(population, year) AS population, max(year) AS year
                  FROM population GROUP BY nuts_code) latest
            WHERE latest.nuts_code = regions.nuts_code""")
    else:
        ctx.log("    regions: staging.stg_eurostat_panel not built yet — population left empty")
        con.execute("""CREATE OR REPLACE TABLE population (nuts_code VARCHAR, level TINYINT, year INTEGER,
                       population BIGINT, source VARCHAR, source_code VARCHAR)""")
    return con.execute("SELECT count(*) FROM regions").fetchall()[0][0]
