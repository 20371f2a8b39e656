"""region_funding_mix: the funding mix of every EU NUTS 0-2 region per period (2014-2020, 2021-2027) and source
(ERDF R&I + ICT, Horizon framework programme, Digital Europe EDIH grants), long format, with per capita, basis,
is_estimate, placed_share and a note; rows with NULL amounts say why. SQL: pipelines/sql/region_funding_mix.sql."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables, run_sql_file

REQUIRES = ["regions", "erdf_planned_by_region", "h2020_by_region", "horizon_europe_by_region", "dep_edih_funding",
            "dep_edih_funding_by_region"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "region_funding_mix", REQUIRES)
    run_sql_file(con, "region_funding_mix")
    return con.execute("SELECT count(*) FROM region_funding_mix").fetchone()[0]
