"""erdf_planned_by_region: ERDF 2014-2020 planned EU amounts for TO01 (research & innovation) and TO02 (ICT) per
NUTS 2021 region where a regional programme exists, and per country (all its ERDF programmes).

Programmes → regions via staging.stg_erdf_programme_regions (the DW team's CCI → NUTS 2013 match); NUTS 2013 → 2021
with nuts_conversion (a programme region split by area when its boundary changed). Unconvertible programme regions
go to quarantine. SQL: pipelines/sql/erdf_planned_by_region.sql."""
from __future__ import annotations

from .. import method
from ..context import BuildContext
from ..geo import convert_table_to_nuts2021
from ..sql import require_tables, run_sql_file

REQUIRES = ["staging.stg_erdf_planned", "staging.stg_erdf_programme_regions", "nuts_conversion", "regions"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "erdf_planned_by_region", REQUIRES)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE erdf_regional_programmes AS
        SELECT m.cci, coalesce(nullif(trim(m.nuts2_code_2013), ''), nullif(trim(m.nuts1_code_2013), '')) AS nuts_code,
               p.to_code, sum(p.eu_amount) AS eu_amount_eur, sum(p.total_amount) AS total_amount_eur,
               min(m.source_line) AS source_line
        FROM staging.stg_erdf_programme_regions m
        JOIN staging.stg_erdf_planned p ON p.cci = m.cci
        WHERE p.fund = 'ERDF' AND list_contains(?, p.to_code)
          AND coalesce(nullif(trim(m.nuts2_code_2013), ''), nullif(trim(m.nuts1_code_2013), '')) IS NOT NULL
        GROUP BY ALL""", [list(method.ERDF_THEMATIC_OBJECTIVES)])
    convert_table_to_nuts2021(con, "erdf_regional_programmes", "erdf_regional_programmes_2021", "nuts_code",
                              ["eu_amount_eur", "total_amount_eur"], "2013", source_id="erdf_2014_2020_planned")
    run_sql_file(con, "erdf_planned_by_region")
    con.execute("DROP TABLE erdf_regional_programmes; DROP TABLE erdf_regional_programmes_2021")
    return con.execute("SELECT count(*) FROM erdf_planned_by_region").fetchone()[0]
