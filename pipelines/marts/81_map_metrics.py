"""Dashboard marts for the map: every value the map can colour by, ready to read with one parameterised query.

- mart_map_metrics: one row per EU region (NUTS 0-2) × period with its name and the nine map metrics, taken from
  region_alignment (plus per-inhabitant funding and the count of uncovered priorities from gaps).
- mart_map_filtered: the metrics the map's filters change, per region × period × hub type × domain ('all' = no
  filter): hubs (of that type, with a competence in that domain), hubs per million inhabitants, EDIHs with that
  competence, the domain's coverage status as a number (1 covered, 0.5 weak, 0 uncovered; NULL where the domain is no
  priority of the region) and the priorities whose domain is uncovered.
- mart_hub_points: every hub placed in an EU country, with its type, region codes, coordinates and domains, for map markers.
"""
from __future__ import annotations

from ..context import BuildContext

INPUTS = ["region_alignment", "regions", "gaps", "hubs", "hub_competences", "domains"]


def _missing(con, tables: list[str]) -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    return [t for t in tables if t not in present]


METRICS_SQL = """
CREATE OR REPLACE TABLE mart_map_metrics AS
WITH uncovered AS (  -- priorities none of whose coded domains is covered or weakly covered
    SELECT nuts_code, period, count(*) AS n_uncovered_priorities
    FROM (SELECT nuts_code, period, priority_id FROM gaps GROUP BY ALL HAVING bool_and(status = 'uncovered'))
    GROUP BY ALL
)
SELECT a.nuts_code, CAST(a.level AS TINYINT) AS level, a.period, r.name, r.country_code, r.parent_code,
       a.alignment_score, 100 * a.coverage AS coverage_pct, 100 * a.focus AS focus_pct,
       a.n_priorities, a.n_hubs, a.n_edih, a.n_seal, a.n_dih, a.hubs_per_million, a.population,
       a.erdf_to01_eur, a.erdf_to02_eur,
       a.erdf_to01_eur / nullif(a.population, 0) AS erdf_rd_per_inh,
       a.erdf_payments_per_inh,
       a.h2020_ec_eur, a.h2020_nuts_share,
       a.h2020_ec_eur / nullif(a.population, 0) AS h2020_per_inh,
       CASE WHEN a.n_priorities > 0 THEN coalesce(u.n_uncovered_priorities, 0) END AS n_uncovered_priorities,
       a.rank_in_country, a.rank_in_eu, a.method_version
FROM region_alignment a
JOIN regions r USING (nuts_code)
LEFT JOIN uncovered u ON u.nuts_code = a.nuts_code AND u.period = a.period
WHERE a.level BETWEEN 0 AND 2
ORDER BY a.period, a.level, a.nuts_code
"""

FILTERED_SQL = """
CREATE OR REPLACE TABLE mart_map_filtered AS
WITH hub_regions AS (  -- each hub counted in its NUTS 0, 1 and 2 region
    SELECT hub_id, hub_type, country_code AS nuts_code, 0 AS level FROM hubs WHERE country_code IS NOT NULL
    UNION ALL SELECT hub_id, hub_type, nuts1_code, 1 FROM hubs WHERE nuts1_code IS NOT NULL
    UNION ALL SELECT hub_id, hub_type, nuts2_code, 2 FROM hubs WHERE nuts2_code IS NOT NULL
),
hub_domains AS (
    SELECT DISTINCT hub_id, domain_code FROM hub_competences
),
hub_counts AS (  -- hubs per region × hub type × domain, with 'all' rows for no filter
    SELECT h.nuts_code, h.level, coalesce(h.hub_type, 'all') AS hub_type, coalesce(d.domain_code, 'all') AS domain_code,
           count(DISTINCT h.hub_id) AS n_hubs,
           count(DISTINCT h.hub_id) FILTER (WHERE h.hub_type = 'EDIH') AS n_edih
    FROM hub_regions h LEFT JOIN hub_domains d USING (hub_id)
    GROUP BY GROUPING SETS ((h.nuts_code, h.level), (h.nuts_code, h.level, h.hub_type),
                            (h.nuts_code, h.level, d.domain_code), (h.nuts_code, h.level, h.hub_type, d.domain_code))
    HAVING grouping(d.domain_code) = 1 OR d.domain_code IS NOT NULL
),
domain_status AS (  -- the best status of a domain in a region (a domain can appear under several priorities)
    SELECT nuts_code, period, domain_code,
           max(CASE status WHEN 'covered' THEN 1.0 WHEN 'weak' THEN 0.5 ELSE 0.0 END) AS coverage_value,
           count(DISTINCT priority_id) FILTER (WHERE status = 'uncovered') AS n_uncovered_priorities
    FROM gaps GROUP BY ALL
),
filters AS (
    SELECT DISTINCT hub_type FROM hubs WHERE hub_type IS NOT NULL UNION SELECT 'all'
),
domains_all AS (
    SELECT domain_code FROM domains UNION SELECT 'all'
)
SELECT m.nuts_code, m.level, m.period, f.hub_type, d.domain_code,
       coalesce(c.n_hubs, 0) AS n_hubs,
       coalesce(c.n_edih, 0) AS n_edih,
       1e6 * coalesce(c.n_hubs, 0) / nullif(m.population, 0) AS hubs_per_million,
       CASE WHEN d.domain_code = 'all' THEN m.coverage_pct ELSE 100 * s.coverage_value END AS coverage_pct,
       CASE WHEN d.domain_code = 'all' THEN m.n_uncovered_priorities ELSE coalesce(s.n_uncovered_priorities, 0) END
           AS n_uncovered_priorities
FROM mart_map_metrics m
CROSS JOIN filters f
CROSS JOIN domains_all d
LEFT JOIN hub_counts c ON c.nuts_code = m.nuts_code AND c.level = m.level AND c.hub_type = f.hub_type
                      AND c.domain_code = d.domain_code
LEFT JOIN domain_status s ON s.nuts_code = m.nuts_code AND s.period = m.period AND s.domain_code = d.domain_code
ORDER BY m.period, m.level, f.hub_type, d.domain_code, m.nuts_code
"""

HUB_POINTS_SQL = """
CREATE OR REPLACE TABLE mart_hub_points AS
SELECT h.hub_id, h.name, h.hub_type, h.country_code, h.nuts1_code, h.nuts2_code, h.nuts3_code,
       round(h.lon, 3) AS lon, round(h.lat, 3) AS lat,
       list(DISTINCT c.domain_code ORDER BY c.domain_code) FILTER (WHERE c.domain_code IS NOT NULL) AS domain_codes
FROM hubs h LEFT JOIN hub_competences c USING (hub_id)
WHERE h.lon IS NOT NULL AND h.lat IS NOT NULL
  AND h.country_code IN (SELECT nuts_code FROM regions WHERE level = 0 AND is_eu)
GROUP BY ALL ORDER BY h.hub_id
"""


def run(ctx: BuildContext) -> int:
    con = ctx.con
    missing = _missing(con, INPUTS)
    if missing:
        ctx.log(f"  dashboard map marts skipped: input table(s) {', '.join(missing)} not built yet")
        return 0
    con.execute(METRICS_SQL)
    con.execute(FILTERED_SQL)
    con.execute(HUB_POINTS_SQL)
    return con.execute("SELECT count(*) FROM mart_map_filtered").fetchone()[0]
