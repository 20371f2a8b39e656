"""horizon_europe_by_region: Horizon Europe (2021-2027) EC contribution per NUTS 2021 region — Germany only, the one
country whose CORDIS Horizon Europe participations with NUTS codes the repository holds (staging.stg_horizon_de).
NUTS 1 and 2 are sums of the participations' NUTS codes (converted to NUTS 2021); NUTS 0 is the complete total;
placed_share = share of the total that has a NUTS code. Other countries: not found (funding_data_gaps)."""
from __future__ import annotations

from ..context import BuildContext
from ..geo import convert_table_to_nuts2021
from ..sql import require_tables

REQUIRES = ["staging.stg_horizon_de", "nuts_conversion", "regions"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "horizon_europe_by_region", REQUIRES)
    con.execute("""CREATE OR REPLACE TEMP TABLE he_nuts AS
        SELECT nuts_code, ec_contribution AS ec_contribution_eur, 1 AS n_participations, source_line
        FROM staging.stg_horizon_de
        WHERE programme = 'Horizon Europe' AND nuts_code IS NOT NULL AND length(trim(nuts_code)) >= 4""")
    convert_table_to_nuts2021(con, "he_nuts", "he_nuts_2021", "nuts_code", ["ec_contribution_eur", "n_participations"],
                              "mixed", source_id="horizon_cordis_de")
    con.execute("""CREATE OR REPLACE TABLE horizon_europe_by_region AS
        WITH total AS (
            SELECT country_code, sum(ec_contribution) AS ec_contribution_eur, count(*) AS n_participations
            FROM staging.stg_horizon_de WHERE programme = 'Horizon Europe' GROUP BY 1
        ), regional AS (
            SELECT r.nuts_code, r.level, sum(h.ec_contribution_eur) AS ec_contribution_eur,
                   sum(h.n_participations) AS n_participations
            FROM he_nuts_2021 h
            JOIN regions r ON r.level IN (1, 2) AND r.nuts_code = left(h.nuts_code, r.level + 2)
            GROUP BY 1, 2
        ), placed AS (
            SELECT r.country_code, sum(h.ec_contribution_eur) AS placed_eur
            FROM he_nuts_2021 h JOIN regions r ON r.level = 2 AND r.nuts_code = left(h.nuts_code, 4) GROUP BY 1
        )
        SELECT x.nuts_code, x.level::INTEGER AS level, x.ec_contribution_eur, x.n_participations::BIGINT AS n_participations,
               round(p.placed_eur / t.ec_contribution_eur, 4) AS placed_share, x.basis
        FROM (SELECT nuts_code, level, ec_contribution_eur, n_participations,
                     'placed contributions of organisations registered in the region' AS basis FROM regional
              UNION ALL
              SELECT country_code, 0, ec_contribution_eur, n_participations, 'country total (all participations)'
              FROM total) x
        JOIN regions r ON r.nuts_code = x.nuts_code
        JOIN total t ON t.country_code = r.country_code
        LEFT JOIN placed p ON p.country_code = r.country_code
        ORDER BY x.level, x.nuts_code""")
    con.execute("DROP TABLE he_nuts; DROP TABLE he_nuts_2021")
    return con.execute("SELECT count(*) FROM horizon_europe_by_region").fetchone()[0]
