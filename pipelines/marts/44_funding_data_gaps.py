"""funding_data_gaps(item, country_code, status, looked_where): what funding data was looked for, whether it was
found, and where it was looked (staging.stg_funding_search_log). A mart, as the Data & method page reads it."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables

REQUIRES = ["staging.stg_funding_search_log"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "funding_data_gaps", REQUIRES)
    con.execute("""CREATE OR REPLACE TABLE funding_data_gaps AS
        SELECT item, country_code, status, looked_where FROM staging.stg_funding_search_log
        ORDER BY item, country_code""")
    return con.execute("SELECT count(*) FROM funding_data_gaps").fetchone()[0]
