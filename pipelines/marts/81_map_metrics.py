"""Dashboard marts for the map: every value the map can colour by, ready to read with one parameterised query.

- mart_map_metrics: one row per EU region (NUTS 0-2) × period with its name and the nine map metrics, taken from
  region_alignment (plus per-inhabitant funding and the count of uncovered priorities from gaps).
- mart_map_hub_counts: hubs per EU region × hub type × domain ('all' = no filter), sparse (no zero rows), counted as
  the alignment counts them (hubs_deduplicated, hub_service_membership: where hubs serve, atlas-method-2.0,
  hub_domain_levels).
- mart_map_domain_status: per region × period × priority domain, the domain's coverage as a number (100 covered,
  50 weak, 0 uncovered) and the priorities whose domain is uncovered.
- mart_hub_points: every hub placed in an EU country, with its type, region codes, coordinates and domains.
"""
from __future__ import annotations

import re

from ..context import BuildContext
from ..errors import PipelineError

INPUTS = ["region_alignment", "regions", "gaps", "hubs_deduplicated", "hub_service_membership", "hub_domain_levels"]


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
       a.rank_in_country, a.rank_in_eu, a.no_score_reason, a.method_version{extra}
FROM region_alignment a
JOIN regions r USING (nuts_code)
LEFT JOIN uncovered u ON u.nuts_code = a.nuts_code AND u.period = a.period
WHERE a.level BETWEEN 0 AND 2
ORDER BY a.period, a.level, a.nuts_code
"""

HUB_COUNTS_SQL = """
CREATE OR REPLACE TABLE mart_map_hub_counts AS
WITH member AS (
    SELECT m.nuts_code, CAST(m.level AS TINYINT) AS level, h.hub_id, h.hub_type
    FROM hub_service_membership m JOIN hubs_deduplicated h USING (hub_id)
    JOIN regions r ON r.nuts_code = m.nuts_code AND r.is_eu
    WHERE m.level BETWEEN 0 AND 2
),
with_domains AS (
    SELECT m.*, d.domain_code FROM member m JOIN (SELECT DISTINCT hub_id, domain_code FROM hub_domain_levels) d USING (hub_id)
)
SELECT nuts_code, level, coalesce(hub_type, 'all') AS hub_type, 'all' AS domain_code,
       count(DISTINCT hub_id) AS n_hubs, count(DISTINCT hub_id) FILTER (WHERE hub_type = 'EDIH') AS n_edih
FROM member GROUP BY GROUPING SETS ((nuts_code, level), (nuts_code, level, hub_type))
UNION ALL
SELECT nuts_code, level, coalesce(hub_type, 'all'), domain_code,
       count(DISTINCT hub_id), count(DISTINCT hub_id) FILTER (WHERE hub_type = 'EDIH')
FROM with_domains GROUP BY GROUPING SETS ((nuts_code, level, domain_code), (nuts_code, level, hub_type, domain_code))
ORDER BY level, nuts_code, hub_type, domain_code
"""

DOMAIN_STATUS_SQL = """
CREATE OR REPLACE TABLE mart_map_domain_status AS
SELECT nuts_code, CAST(level AS TINYINT) AS level, period, domain_code,
       100 * max(CASE status WHEN 'covered' THEN 1.0 WHEN 'weak' THEN 0.5 ELSE 0.0 END) AS coverage_pct,
       count(DISTINCT priority_id) FILTER (WHERE status = 'uncovered') AS n_uncovered_priorities
FROM gaps WHERE level BETWEEN 0 AND 2
GROUP BY ALL ORDER BY period, level, nuts_code, domain_code
"""

HUB_POINTS_SQL = """
CREATE OR REPLACE TABLE mart_hub_points AS
SELECT h.hub_id, h.name, h.hub_type, h.country_code, h.nuts1_code, h.nuts2_code, h.nuts3_code,
       round(h.lon, 3) AS lon, round(h.lat, 3) AS lat, h.point_source,
       list(DISTINCT d.domain_code ORDER BY d.domain_code) FILTER (WHERE d.domain_code IS NOT NULL) AS domain_codes
FROM hubs_deduplicated h LEFT JOIN hub_domain_levels d USING (hub_id)
WHERE h.lon IS NOT NULL AND h.lat IS NOT NULL
  AND h.country_code IN (SELECT nuts_code FROM regions WHERE level = 0 AND is_eu)
GROUP BY ALL ORDER BY h.hub_id
"""


def run(ctx: BuildContext) -> int:
    con = ctx.con
    missing = _missing(con, INPUTS)
    if missing:
        raise PipelineError(f"the dashboard map marts need {', '.join(missing)}: no earlier step built it")
    # every other column of region_alignment rides along (funding bases, method 2.0's coverage range, basis …), so
    # the dashboard's metric list follows the method without a change here
    taken = set(re.findall(r"a\.(\w+)", METRICS_SQL))
    extra = [r[0] for r in con.execute("DESCRIBE region_alignment").fetchall()
             if r[0] not in taken and r[0] not in ("name", "country_code", "parent_code")]
    shares = [c for c in extra if c.startswith("coverage_") and c not in ("coverage_note", "coverage_label")]
    extra_sql = "".join(f", a.{c}" for c in extra) + "".join(f", 100 * a.{c} AS {c}_pct" for c in shares)
    con.execute(METRICS_SQL.format(extra=extra_sql))
    con.execute(HUB_COUNTS_SQL)
    con.execute(DOMAIN_STATUS_SQL)
    con.execute(HUB_POINTS_SQL)
    return con.execute("SELECT count(*) FROM mart_map_metrics").fetchone()[0]
