"""erdf_payments_by_region: ERDF payments per NUTS 2021 region (levels 0-2) summed over a window of calendar years
(pipelines.method.ERDF_PAYMENTS_FIRST_YEAR..LAST_YEAR) and per inhabitant.

staging.stg_erdf_payments mixes NUTS versions (FR71 and FRK2, PL12 and PL91, …): codes are converted to NUTS 2021
with geo.convert_to_nuts2021(from_version='mixed'); pseudo-codes (EU28, EFTA) and unknown codes go to quarantine.
SQL: pipelines/sql/erdf_payments_by_region.sql."""
from __future__ import annotations

from .. import method
from ..context import BuildContext
from ..geo import convert_table_to_nuts2021
from ..sql import require_tables, run_sql_file

REQUIRES = ["staging.stg_erdf_payments", "nuts_conversion", "regions", "population"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "erdf_payments_by_region", REQUIRES)
    # only the window's years are converted (and, when unconvertible, quarantined)
    con.execute("""CREATE OR REPLACE TEMP TABLE erdf_payments_window AS
        SELECT nuts_code, year, erdf_eur, source_line FROM staging.stg_erdf_payments
        WHERE year BETWEEN ? AND ? AND erdf_eur IS NOT NULL""",
                [method.ERDF_PAYMENTS_FIRST_YEAR, method.ERDF_PAYMENTS_LAST_YEAR])
    convert_table_to_nuts2021(con, "erdf_payments_window", "erdf_payments_2021", "nuts_code", ["erdf_eur"], "mixed",
                              source_id="erdf_payments_regionalised", keep_where="length(nuts_code) = 4")
    run_sql_file(con, "erdf_payments_by_region")
    con.execute("DROP TABLE erdf_payments_window; DROP TABLE erdf_payments_2021")
    return con.execute("SELECT count(*) FROM erdf_payments_by_region").fetchone()[0]
