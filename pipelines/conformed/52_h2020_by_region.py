"""h2020_by_region: Horizon 2020 EC contribution per NUTS 2021 region (levels 0-2) with, beside it, the share of the
country's contribution that could be placed in a region (staging.stg_h2020_by_nuts / stg_h2020_by_country).

NUTS 3 codes → NUTS 2021 with geo.convert_to_nuts2021(from_version='mixed'); unconvertible codes to quarantine.
A country that is a single NUTS 2 region places all its money there (rule 2, issue 14); the placed share per country
before and after goes to h2020_placement_by_country and is printed. SQL: pipelines/sql/h2020_by_region.sql."""
from __future__ import annotations

from ..context import BuildContext
from ..geo import convert_table_to_nuts2021
from ..sql import require_tables, run_sql_file

REQUIRES = ["staging.stg_h2020_by_nuts", "staging.stg_h2020_by_country", "nuts_conversion", "regions"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "h2020_by_region", REQUIRES)
    con.execute("""CREATE OR REPLACE TEMP TABLE h2020_nuts3 AS
        SELECT nuts_code, ec_contribution_eur, n_participations, source_line FROM staging.stg_h2020_by_nuts
        WHERE programme = 'H2020' AND nuts_code IS NOT NULL AND trim(nuts_code) <> ''""")
    convert_table_to_nuts2021(con, "h2020_nuts3", "h2020_nuts3_2021", "nuts_code",
                              ["ec_contribution_eur", "n_participations"], "mixed", source_id="horizon_h2020_eu")
    run_sql_file(con, "h2020_by_region")
    con.execute("DROP TABLE h2020_nuts3; DROP TABLE h2020_nuts3_2021")
    _log_placed_shares(ctx)
    return con.execute("SELECT count(*) FROM h2020_by_region").fetchone()[0]


def _log_placed_shares(ctx: BuildContext) -> None:
    """Print the EU-27 and per-country share of Horizon 2020 money placed at NUTS 2, before and after."""
    rows = ctx.con.execute("""SELECT country_code, share_before, share_after FROM h2020_placement_by_country
                              WHERE is_eu ORDER BY country_code""").fetchall()
    total = ctx.con.execute("""SELECT sum(placed_before_eur) / sum(ec_contribution_eur),
                                      sum(placed_after_eur) / sum(ec_contribution_eur)
                               FROM h2020_placement_by_country WHERE is_eu""").fetchone()
    ctx.log(f"    H2020 placed at NUTS 2, EU-27: {total[0]:.1%} before → {total[1]:.1%} after")
    ctx.log("    " + ", ".join(f"{c} {b:.0%}→{a:.0%}" for c, b, a in rows))
